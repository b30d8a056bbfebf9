// herald/auth/token_error.hpp — why an access token was refused.
#pragma once

#include <string_view>

namespace herald::auth {

/// Every reason verifier::verify() refuses a token. All of them are
/// `invalid_token` on the wire (401); the distinction is for logs and tests.
enum class token_error {
    none = 0,   ///< the token is valid
    too_large,  ///< longer than verifier_options::max_token_bytes
    malformed,  ///< not three non-empty dot-separated parts
    bad_base64, ///< a part is not canonical unpadded base64url
    bad_json,   ///< header or claims are not a JSON object (or nest too deep, or repeat a name)
    unsupported_alg,  ///< `alg` missing, `none`, or not the verifier's algorithm
    unsupported_crit, ///< a `crit` header: herald understands no JWS extension
    bad_typ,          ///< `typ` is not an accepted media type
    bad_signature,    ///< the signature does not verify with the configured key
    expired,          ///< `exp` has passed
    missing_exp,      ///< no `exp`, and verifier_options::require_exp
    not_yet_valid,    ///< `nbf` is in the future
    bad_issuer,       ///< `iss` absent or not one of verifier_options::issuers
    bad_audience,     ///< `aud` does not name verifier_options::audience
    bad_claims,       ///< a claim has the wrong JSON type, or Mercure's claims are invalid
};

/// A short English sentence for `e` (for logs and error_description).
std::string_view message(token_error e) noexcept;

} // namespace herald::auth
