// herald/auth/signer.hpp — making JWS tokens: for tests and for operators.
//
// herald is a resource server and never needs to sign; this exists so tests
// can make every kind of token, and so an operator can mint one from the
// command line (see the README).
#pragma once

#include "herald/auth/verifier.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace herald::auth {

class signer {
public:
    /// A signer for `alg`: HS256 takes the secret's bytes; RS256, ES256 and
    /// EdDSA take a PEM private key (PKCS#8 `PRIVATE KEY`, or the traditional
    /// `RSA PRIVATE KEY` / `EC PRIVATE KEY`). On failure returns nothing and
    /// says why in `error`.
    static std::optional<signer> create(algorithm alg, std::string_view key_material,
                                        std::string& error);

    /// A compact JWS with header `{"alg":..., "typ":...}` (no `typ` member
    /// when `typ` is empty) and `claims_json` as the payload, byte for byte.
    std::string sign(std::string_view claims_json, std::string_view typ = "at+jwt") const;

    /// A compact JWS with `header_json` as the header, byte for byte, even
    /// if it names another algorithm: tests use it to forge tokens.
    std::string sign_with_header(std::string_view header_json, std::string_view claims_json) const;

    algorithm alg() const noexcept { return alg_; }

private:
    struct key;
    signer(algorithm alg, std::shared_ptr<const key> k);

    algorithm alg_;
    std::shared_ptr<const key> key_;
};

} // namespace herald::auth
