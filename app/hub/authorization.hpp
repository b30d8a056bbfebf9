// app/hub/authorization.hpp — who may publish, and which private updates a
// subscriber may read: Mercure's access tokens (herald_auth) turned into
// topic grants (herald_match).
//
// The token: the `Authorization: Bearer` header if present (a cookie is then
// ignored), else the `__Secure-mercure_access_token` cookie (draft-08), else
// `mercureAuthorization` (draft-07). Tokens are verified with
// --publisher-jwt-key / --subscriber-jwt-key and --jwt-algorithm; both the
// draft-08 `authorization_details` claim and draft-07's `mercure` claim are
// read (the reference hub's compatibility mode); `exp` is checked when present.
//
//   - publishing needs a valid token granting publish on every topic of the
//     update (else 403 insufficient_scope, decided by hub_node::publish).
//     Without --publisher-jwt-key every publish is refused (401). A publish
//     authenticated by a cookie must also come from an Origin in the explicit
//     --cors-origin list: cookies are ambient, so this stops cross-site forms
//     (CSRF), as the reference hub's publish origins do.
//   - subscribers without a token are anonymous: allowed only with
//     --anonymous or when no --subscriber-jwt-key is set, and they receive
//     public updates only. A presented token must be valid (401 otherwise,
//     even with --anonymous); its subscribe grant decides private updates,
//     and the stream closes at its `exp`.
#pragma once

#include "herald/auth/verifier.hpp"
#include "herald/http/request.hpp"
#include "herald/hub/subscription.hpp"
#include "herald/match/cache.hpp"
#include "hub/token_cache.hpp"
#include "options.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace herald::app {

struct hub_permission {
    bool allowed = false;
    int status = 401;                                        ///< when refused
    std::string message;                                     ///< when refused
    std::vector<std::pair<std::string, std::string>> fields; ///< e.g. WWW-Authenticate
    /// Publishers: the topics they may publish to (every topic of an update
    /// must be covered, else 403). Subscribers: the topics whose private
    /// updates they may read.
    hub::topic_grant grant;
    /// The token's `exp`: a subscriber's stream is closed by then.
    std::optional<std::chrono::system_clock::time_point> expires;
};

/// Verified tokens and the permission each grants (allowed, grant, exp).
using verified_tokens = token_cache<hub_permission>;

class hub_authorizer {
public:
    /// Reads the keys from `opts`. A key that cannot be used (a PEM key for
    /// HS256, a short secret, a key of the wrong type) makes `error` say so;
    /// main refuses to start then. `matchers` compiles the tokens' topic
    /// selectors; it must outlive this object.
    hub_authorizer(const options& opts, match::matcher_cache& matchers, std::string& error);

    hub_permission publish(const http::request& req) const;
    hub_permission subscribe(const http::request& req) const;

private:
    const options& opts_;
    match::matcher_cache& matchers_;
    std::optional<auth::verifier> publishers_, subscribers_;
    // One per key: a token verified with one key proves nothing for the other.
    mutable verified_tokens publisher_tokens_, subscriber_tokens_;
};

/// Checks the token flags as the hub would use them; empty when they are fine.
std::string check_token_options(const options& opts);

} // namespace herald::app
