// herald/auth/verifier.hpp — JWS access tokens, verified.
//
// A verifier holds one key and the one algorithm it is used with; the token's
// `alg` must name exactly that algorithm (RFC 8725 §3.1: the algorithm is
// never taken from the token). Then the registered claims are checked and
// Mercure's grants are read (see permissions.hpp).
//
//     std::string error;
//     auto v = herald::auth::verifier::create(herald::auth::algorithm::hs256, secret, {}, error);
//     if (!v) ... error says why;
//     auto result = v->verify(token, std::chrono::system_clock::now());
//     if (!result.ok()) ... answer 401 with bearer_challenge(result.error);
//     result.token.grants.subscribe ...
//
// No I/O and no global state: a verifier is immutable after create(), and
// verify() may be called from any number of threads at once.
#pragma once

#include "herald/auth/permissions.hpp"
#include "herald/auth/token_error.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::auth {

/// The JWS algorithms herald verifies and signs (RFC 7518 §3, RFC 8037).
enum class algorithm {
    hs256, ///< HMAC SHA-256 with a shared secret
    rs256, ///< RSASSA-PKCS1-v1_5 SHA-256 with an RSA key
    es256, ///< ECDSA P-256 SHA-256
    eddsa, ///< Ed25519
};

/// The JWS `alg` name: "HS256", "RS256", "ES256", "EdDSA".
std::string_view name(algorithm a) noexcept;

/// The algorithm whose JWS `alg` name is `alg` (exact, case-sensitive).
std::optional<algorithm> algorithm_from_name(std::string_view alg) noexcept;

/// Which `typ` header values a verifier accepts. The comparison is
/// case-insensitive and ignores an `application/` prefix (RFC 7515 §4.1.9).
enum class typ_policy {
    /// `at+jwt` only (RFC 9068; Mercure draft-08 requires it).
    access_token,
    /// `typ` absent, `JWT` or `at+jwt` (draft-07 tokens were plain JWTs).
    jwt_or_access_token,
};

struct verifier_options {
    /// Tokens longer than this are refused before any decoding.
    std::size_t max_token_bytes = 8 * 1024;
    /// Deepest nesting of objects and arrays in the header and claims.
    std::size_t max_json_depth = 16;
    typ_policy typ = typ_policy::jwt_or_access_token;
    /// Refuse tokens without `exp` (draft-08 requires it; draft-07 did not).
    bool require_exp = false;
    /// Clock skew tolerated on `exp` and `nbf`.
    std::chrono::seconds leeway{0};
    /// When not empty, `iss` must be present and equal one of these.
    std::vector<std::string> issuers;
    /// When not empty, `aud` (a string or an array of strings) must contain it.
    std::string audience;
    claims_mode claims = claims_mode::both;
    permission_limits limits;
    /// Shortest accepted HS256 secret. RFC 7518 §3.2 requires a key at least
    /// as long as the hash (32 bytes); lower it only for existing deployments.
    std::size_t min_hmac_key_bytes = 32;
    /// Smallest accepted RSA modulus (RFC 7518 §3.3 requires 2048).
    unsigned min_rsa_bits = 2048;
};

/// The options a draft-08 hub needs ("Token Validation"): `typ` must be
/// at+jwt, `exp` is required, `aud` must name `audience` (the hub's resource
/// identifier, e.g. `https://hub.example.com/.well-known/mercure`), `iss`
/// must be one of `issuers`, and only `authorization_details` grants.
verifier_options draft08_options(std::string audience, std::vector<std::string> issuers);

/// A verified token's claims.
struct access_token {
    /// `exp`, if present. The hub must end a subscriber's stream by then.
    std::optional<std::chrono::system_clock::time_point> expires_at;
    std::optional<std::chrono::system_clock::time_point> not_before;
    std::string issuer;                ///< `iss`, empty if absent
    std::string subject;               ///< `sub`, empty if absent
    std::vector<std::string> audience; ///< `aud`, always as a list
    std::string typ;                   ///< the header's `typ`, as sent
    permissions grants;                ///< Mercure's publish and subscribe grants
};

/// The outcome of verify(): ok() and a token, or an error and why.
struct verify_result {
    token_error error = token_error::none;
    /// More detail than message(error), for logs only: it may name the
    /// offending claim. Never send it to the client.
    std::string detail;
    access_token token; ///< meaningful only when ok()

    bool ok() const noexcept { return error == token_error::none; }
};

class verifier {
public:
    /// A verifier for `alg` with `key_material`:
    /// - HS256: the shared secret's bytes, used as they are. A secret that
    ///   looks like a PEM block is refused: that is the configuration the
    ///   algorithm-confusion attack exploits.
    /// - RS256, ES256, EdDSA: a PEM public key (`PUBLIC KEY`, or for RSA
    ///   also `RSA PUBLIC KEY`) or a PEM certificate whose key is used. The
    ///   key's type must fit the algorithm (RSA; EC on P-256; Ed25519).
    /// On failure returns nothing and says why in `error`.
    static std::optional<verifier> create(algorithm alg, std::string_view key_material,
                                          const verifier_options& options, std::string& error);

    /// Verifies `token` (the compact JWS, without `Bearer `) at time `now`.
    verify_result verify(std::string_view token, std::chrono::system_clock::time_point now) const;

    algorithm alg() const noexcept { return alg_; }
    const verifier_options& options() const noexcept { return options_; }

private:
    struct key;
    verifier(algorithm alg, std::shared_ptr<const key> k, const verifier_options& options);

    algorithm alg_;
    std::shared_ptr<const key> key_;
    verifier_options options_;
};

/// The `iss` claim of a token, read WITHOUT verifying anything. Only for
/// choosing which trusted verifier to try when several issuers are
/// configured (draft-08: "verify the signature using only the key(s)
/// associated with the token's iss"); the chosen verifier still checks
/// everything, `iss` included.
std::optional<std::string> unverified_issuer(std::string_view token,
                                             std::size_t max_token_bytes = 8 * 1024);

} // namespace herald::auth
