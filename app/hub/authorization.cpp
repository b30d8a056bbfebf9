#include "hub/authorization.hpp"

namespace herald::app {

namespace {

hub_permission refused(std::string message) {
    hub_permission p;
    p.message = std::move(message);
    p.fields.emplace_back("WWW-Authenticate", "Bearer realm=\"mercure\"");
    return p;
}

} // namespace

hub_permission authorize_publish(const http::request&, const options& opts) {
    if (opts.test_allow_all_publishers)
        return {true, 200, {}, {}, {true, {}}, {}};
    return refused("publishing needs a publisher token");
}

hub_permission authorize_subscribe(const http::request&, const options& opts) {
    if (!opts.subscriber_jwt_key.empty() && !opts.anonymous)
        return refused("subscribing needs a subscriber token");
    hub_permission anonymous{true, 200, {}, {}, {}, {}}; // public updates only
    if (opts.test_grant_all_subscribers)
        anonymous.grant.all = true;
    if (opts.test_subscriber_token_lifetime)
        anonymous.expires = std::chrono::system_clock::now() + *opts.test_subscriber_token_lifetime;
    return anonymous;
}

} // namespace herald::app
