// keys.hpp (internal) — OpenSSL keys and the four JWS algorithms.
#pragma once

#include "herald/auth/verifier.hpp"

#include <openssl/evp.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace herald::auth::detail {

struct pkey_free {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;

/// A public key from PEM: `PUBLIC KEY`, `RSA PUBLIC KEY`, or a `CERTIFICATE`.
pkey_ptr load_public_key(std::string_view pem, std::string& error);

/// A private key from PEM: `PRIVATE KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY`.
pkey_ptr load_private_key(std::string_view pem, std::string& error);

/// Whether `key` is of the type `alg` needs (RSA of at least `min_rsa_bits`,
/// EC on P-256, Ed25519). HS256 takes no EVP key: always false.
bool key_fits(algorithm alg, EVP_PKEY* key, unsigned min_rsa_bits, std::string& error);

/// HMAC-SHA-256 of `data`, 32 bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);

/// Verifies a JWS signature made with an asymmetric algorithm. ES256
/// signatures are the raw 64-byte R || S of RFC 7518 §3.4.
bool verify_asymmetric(algorithm alg, EVP_PKEY* key, std::string_view signing_input,
                       std::string_view signature);

/// Signs with an asymmetric algorithm; ES256 returns R || S. Empty on failure.
std::optional<std::string> sign_asymmetric(algorithm alg, EVP_PKEY* key,
                                           std::string_view signing_input);

} // namespace herald::auth::detail
