// herald/auth/bearer.hpp — presenting a token and refusing one (RFC 6750).
//
// Which token counts (Mercure draft-08, "Presenting the Access Token"): when
// the request has an `Authorization` header, its token MUST be used and any
// cookie MUST be ignored; only without that header is the cookie used.
// Draft-07 said the same (its third mechanism, the `authorization` query
// parameter, sat between the two; draft-08 forbids tokens in the URL).
// find_token() applies that order.
#pragma once

#include "herald/auth/token_error.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace herald::auth {

/// The cookie names the specifications recommend.
inline constexpr std::string_view draft08_cookie_name = "__Secure-mercure_access_token";
inline constexpr std::string_view draft07_cookie_name = "mercureAuthorization";

/// The token of an `Authorization` field value `Bearer <token>`: the scheme
/// matched case-insensitively (RFC 9110 §11.1), then one or more spaces,
/// then an RFC 6750 b64token, then nothing but optional whitespace. Empty
/// for any other scheme or a malformed value.
std::optional<std::string_view> bearer_token(std::string_view authorization);

/// The value of the first cookie called `name` (case-sensitive) in a `Cookie`
/// field value (RFC 6265 §4.2.1: `name=value` pairs separated by `;`),
/// without the surrounding double quotes a value may have. Whitespace around
/// pairs is ignored; a pair without `=` is skipped. Empty if there is none.
/// Several `Cookie` fields (HTTP/2) must be joined with "; " first.
std::optional<std::string_view> cookie_value(std::string_view cookie_header, std::string_view name);

/// The token a request presents, and how.
struct presented_token {
    enum class source { none, header, cookie };
    source from = source::none;
    std::string_view token; ///< empty when from == none or malformed
    /// The `Authorization` header is present but is not a valid Bearer
    /// credential: answer 400 with bearer_challenge(bearer_error::invalid_request).
    bool malformed = false;
};

/// Applies the specification's precedence: a present `Authorization` header
/// wins (even a malformed one: then `malformed` is set and the cookie is
/// still ignored); otherwise the cookie `cookie_name`; otherwise none.
presented_token find_token(std::optional<std::string_view> authorization,
                           std::optional<std::string_view> cookie_header,
                           std::string_view cookie_name = draft08_cookie_name);

/// RFC 6750 §3.1 error codes.
enum class bearer_error {
    none,               ///< no token presented: a bare challenge (401)
    invalid_request,    ///< malformed presentation (400)
    invalid_token,      ///< the token failed validation (401)
    insufficient_scope, ///< valid token, operation not granted (403)
};

/// The HTTP status that goes with `e`: 401, 400, 401, 403.
int http_status(bearer_error e) noexcept;

/// A `WWW-Authenticate` field value: `Bearer`, then `error="..."` unless
/// `e` is none, then `error_description="..."` when `description` is not
/// empty, then `resource_metadata="..."` (RFC 9728) when given. Characters
/// RFC 6750 forbids in these values (`"`, `\`, controls, non-ASCII) are
/// dropped.
std::string bearer_challenge(bearer_error e, std::string_view description = {},
                             std::string_view resource_metadata = {});

/// The challenge for a refused token: always `invalid_token` (draft-08:
/// "Returning invalid_token for every presented-token failure ... avoids
/// disclosing why validation failed"). With `describe`, message(e) is sent as
/// error_description; without (the default), no description is sent.
std::string bearer_challenge(token_error e, std::string_view resource_metadata = {},
                             bool describe = false);

} // namespace herald::auth
