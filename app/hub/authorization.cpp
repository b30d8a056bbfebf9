#include "hub/authorization.hpp"

#include "herald/auth/bearer.hpp"
#include "herald/match/url.hpp"

#include <algorithm>

namespace herald::app {
namespace {

// Each token is at most verifier_options::max_token_bytes (8 KiB): at most
// 8 MiB per key, and a hub sees far fewer distinct tokens than this at once.
constexpr std::size_t max_verified_tokens = 1024;

hub_permission refused(int status, std::string message, std::string challenge) {
    hub_permission p;
    p.status = status;
    p.message = std::move(message);
    p.fields.emplace_back("WWW-Authenticate", std::move(challenge));
    return p;
}

hub_permission no_token() {
    return refused(401, "an access token is required",
                   auth::bearer_challenge(auth::bearer_error::none));
}

std::optional<auth::verifier> make_verifier(const options& opts, const std::string& key,
                                            std::string_view flag, std::string& error) {
    if (key.empty())
        return std::nullopt;
    const auto alg = auth::algorithm_from_name(opts.jwt_algorithm);
    if (!alg) {
        error = "--jwt-algorithm: unknown algorithm '" + opts.jwt_algorithm + "'";
        return std::nullopt;
    }
    std::string why;
    auth::verifier_options checks;
    checks.issuers = opts.jwt_issuers;
    checks.audience = opts.jwt_audience;
    auto v = auth::verifier::create(*alg, key, checks, why);
    if (!v && error.empty())
        error = std::string(flag) + ": " + why;
    return v;
}

// The origin (scheme://host[:port], as browsers write it in Origin) of an
// absolute http(s) URL, or empty.
std::string origin_of(std::string_view text) {
    const auto u = match::url::parse(text);
    if (!u || (u->protocol() != "http" && u->protocol() != "https") || u->hostname().empty())
        return {};
    auto origin = std::string(u->protocol()) + "://" + std::string(u->hostname());
    if (!u->port().empty())
        origin += ':' + std::string(u->port());
    return origin;
}

// A publish authenticated by a cookie could be forged by any page the user
// visits: the browser attaches the cookie by itself (CSRF). The draft's
// defence, besides SameSite: the source origin (Origin, else Referer) must
// be the target's, and a request with neither is refused. herald's target
// origins are the hub URL's and the one the request was sent to (its Host);
// an origin on the explicit --cors-origin list is trusted as well.
bool cookie_publish_from_trusted_origin(const http::request& req, const options& opts) {
    std::string source;
    if (const auto origin = req.header("Origin"); origin && *origin != "null")
        source = origin_of(*origin);
    else if (const auto referer = req.header("Referer"))
        source = origin_of(*referer);
    if (source.empty())
        return false;
    if (source == origin_of(opts.hub_url_or_default()))
        return true;
    const auto scheme = std::string_view(source).substr(0, source.find(':'));
    if (const auto host = req.header("Host");
        host && source == origin_of(std::string(scheme) + "://" + std::string(*host)))
        return true;
    return std::any_of(opts.cors_origins.begin(), opts.cors_origins.end(),
                       [&](const std::string& o) { return o != "*" && origin_of(o) == source; });
}

// The token the request presents: the Authorization header wins; else the
// draft-08 cookie, else the draft-07 one.
auth::presented_token find_token(const http::request& req) {
    const auto authorization = req.header("Authorization");
    const auto cookie = req.header("Cookie");
    auto found = auth::find_token(authorization, cookie, auth::draft08_cookie_name);
    if (found.from == auth::presented_token::source::none)
        found = auth::find_token(authorization, cookie, auth::draft07_cookie_name);
    return found;
}

} // namespace

hub_authorizer::hub_authorizer(const options& opts, match::matcher_cache& matchers,
                               std::string& error)
    : opts_(opts)
    , matchers_(matchers)
    , publisher_tokens_(max_verified_tokens, auth::verifier_options{}.leeway)
    , subscriber_tokens_(max_verified_tokens, auth::verifier_options{}.leeway) {
    publishers_ = make_verifier(opts, opts.publisher_jwt_key, "--publisher-jwt-key", error);
    subscribers_ = make_verifier(opts, opts.subscriber_jwt_key, "--subscriber-jwt-key", error);
}

namespace {

// Verifies the presented token and compiles the selectors `pick` chooses
// from its grants; fills `out` or returns a refusal.
// A token verified before (see token_cache) skips all of that.
template <typename Pick>
std::optional<hub_permission> verify(const auth::verifier& verifier, verified_tokens& cache,
                                     std::string_view token, match::matcher_cache& matchers,
                                     Pick&& pick, hub_permission& out) {
    const auto now = std::chrono::system_clock::now();
    if (auto known = cache.find(token, now)) {
        out = std::move(*known);
        return std::nullopt;
    }
    const auto result = verifier.verify(token, now);
    if (!result.ok())
        return refused(401, "invalid token", auth::bearer_challenge(result.error));
    for (const auto& selector : pick(result.token.grants)) {
        match::compile_result compiled;
        if (selector.type == "exact")
            compiled = matchers.get(match::matcher_type::exact, selector.pattern);
        else if (selector.type == "urlpattern")
            compiled = matchers.get(match::matcher_type::urlpattern, selector.pattern);
        else if (selector.type == "topic")
            compiled = matchers.get_topic_selector(selector.pattern);
        if (!compiled) // a matcher the hub cannot evaluate fails loudly, never skipped
            return refused(401, "invalid token",
                           auth::bearer_challenge(auth::bearer_error::invalid_token));
        if (compiled.matcher->is_wildcard())
            out.grant.all = true;
        out.grant.matchers.push_back(std::move(compiled.matcher));
    }
    out.expires = result.token.expires_at;
    out.allowed = true;
    cache.insert(token, out, out.expires);
    return std::nullopt;
}

} // namespace

hub_permission hub_authorizer::publish(const http::request& req) const {
    if (opts_.test_allow_all_publishers)
        return {true, 200, {}, {}, {true, {}}, {}};
    const auto token = find_token(req);
    if (token.malformed)
        return refused(400, "malformed Authorization header",
                       auth::bearer_challenge(auth::bearer_error::invalid_request));
    if (!publishers_)
        return refused(401, "publishing is disabled (no --publisher-jwt-key)",
                       auth::bearer_challenge(auth::bearer_error::none));
    if (token.from == auth::presented_token::source::none)
        return no_token();
    if (token.from == auth::presented_token::source::cookie &&
        !cookie_publish_from_trusted_origin(req, opts_))
        return refused(403,
                       "a cookie authenticates publishes only from the hub's own origin or a "
                       "--cors-origin (by Origin or Referer)",
                       auth::bearer_challenge(auth::bearer_error::insufficient_scope));
    hub_permission p;
    if (auto refusal = verify(
            *publishers_, publisher_tokens_, token.token, matchers_,
            [](const auth::permissions& g) -> const auto& { return g.publish; }, p))
        return std::move(*refusal);
    return p;
}

hub_permission hub_authorizer::subscribe(const http::request& req) const {
    const auto token = find_token(req);
    if (token.malformed)
        return refused(400, "malformed Authorization header",
                       auth::bearer_challenge(auth::bearer_error::invalid_request));
    hub_permission p;
    if (token.from == auth::presented_token::source::none || !subscribers_) {
        // Anonymous: public updates only (a token is ignored when no key can
        // verify it: it could grant nothing).
        if (subscribers_ && !opts_.anonymous)
            return no_token();
        p.allowed = true;
    } else if (auto refusal = verify(
                   *subscribers_, subscriber_tokens_, token.token, matchers_,
                   [](const auth::permissions& g) -> const auto& { return g.subscribe; }, p)) {
        return std::move(*refusal);
    }
    if (opts_.test_grant_all_subscribers)
        p.grant.all = true;
    if (opts_.test_subscriber_token_lifetime)
        p.expires = std::chrono::system_clock::now() + *opts_.test_subscriber_token_lifetime;
    return p;
}

std::string check_token_options(const options& opts) {
    std::string error;
    match::matcher_cache unused;
    hub_authorizer probe(opts, unused, error);
    return error;
}

} // namespace herald::app
