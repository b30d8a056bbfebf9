// app/hub/authorization.hpp — the seam where token verification plugs in.
//
// Today's rule is the simplest correct one without a token verifier:
//   - publishing needs a verified publisher token, and none can be verified
//     yet, so every publish is refused with 401 (with or without
//     --publisher-jwt-key). options::test_allow_all_publishers, set only by
//     tests, lets every publisher through.
//   - subscribers are anonymous: they receive public updates only. With
//     --subscriber-jwt-key and without --anonymous, a subscriber needs a token,
//     which cannot be verified yet: 401.
// herald_auth replaces the bodies of these two functions: verify the token
// (Authorization header, then the mercureAuthorization cookie), map its
// claims to the publish permission and to the subscriber's private grant.
#pragma once

#include "herald/http/request.hpp"
#include "herald/hub/subscription.hpp"
#include "options.hpp"

#include <string>
#include <utility>
#include <vector>

namespace herald::app {

struct hub_permission {
    bool allowed = false;
    int status = 401;                                        ///< when refused
    std::string message;                                     ///< when refused
    std::vector<std::pair<std::string, std::string>> fields; ///< e.g. WWW-Authenticate
    hub::private_grant grant;                                ///< subscribers: private updates
};

hub_permission authorize_publish(const http::request& req, const options& opts);
hub_permission authorize_subscribe(const http::request& req, const options& opts);

} // namespace herald::app
