#include "herald/auth/token_error.hpp"

namespace herald::auth {

std::string_view message(token_error e) noexcept {
    switch (e) {
    case token_error::none:
        return "The access token is valid";
    case token_error::too_large:
        return "The access token is too large";
    case token_error::malformed:
        return "The access token is not a compact JWS";
    case token_error::bad_base64:
        return "The access token is not valid base64url";
    case token_error::bad_json:
        return "The access token header or claims are not a valid JSON object";
    case token_error::unsupported_alg:
        return "The access token algorithm is not accepted";
    case token_error::unsupported_crit:
        return "The access token requires an unsupported extension";
    case token_error::bad_typ:
        return "The access token type is not accepted";
    case token_error::bad_signature:
        return "The access token signature is invalid";
    case token_error::expired:
        return "The access token expired";
    case token_error::missing_exp:
        return "The access token has no expiration time";
    case token_error::not_yet_valid:
        return "The access token is not valid yet";
    case token_error::bad_issuer:
        return "The access token issuer is not trusted";
    case token_error::bad_audience:
        return "The access token is not intended for this hub";
    case token_error::bad_claims:
        return "The access token claims are invalid";
    }
    return "The access token is invalid";
}

} // namespace herald::auth
