// app/hub/authorization.hpp — the seam where token verification plugs in.
//
// Today's rule is the simplest correct one without a token verifier:
//   - publishing needs a verified publisher token, and none can be verified
//     yet, so every publish is refused with 401 (with or without
//     --publisher-jwt-key). options::test_allow_all_publishers, set only by
//     tests, lets every publisher publish to every topic.
//   - subscribers are anonymous: they receive public updates only. With
//     --subscriber-jwt-key and without --anonymous, a subscriber needs a token,
//     which cannot be verified yet: 401.
// herald_auth replaces the bodies of these two functions: find the token
// (Authorization header, else the mercureAuthorization cookie), verify it,
// and map its claims to `grant` (publish or subscribe topics) and `expires`.
// The hub does the rest: 403 insufficient_scope when a publish grant misses
// a topic of the update, private filtering with the subscribe grant (on
// replay too), and closing a subscriber's stream at `expires`.
#pragma once

#include "herald/http/request.hpp"
#include "herald/hub/subscription.hpp"
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

hub_permission authorize_publish(const http::request& req, const options& opts);
hub_permission authorize_subscribe(const http::request& req, const options& opts);

} // namespace herald::app
