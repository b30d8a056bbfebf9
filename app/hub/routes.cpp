#include "hub/routes.hpp"

#include "herald/http/form.hpp"
#include "herald/http/response.hpp"
#include "hub/authorization.hpp"
#include "hub/hub.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace herald::app {
namespace {

constexpr std::string_view allowed_methods = "GET, HEAD, POST, OPTIONS";

route_result answer(std::string response) {
    return {std::move(response), false, {}};
}

std::string error(int status, std::string_view message, header_fields fields,
                  const header_fields& cors) {
    fields.insert(fields.end(), cors.begin(), cors.end());
    return http::error_response(status, message, fields);
}

// The second half of a publish, once the update is checked: store it (a
// cluster waits for Redis here), then answer 200 with its id, or 503.
// `counters` is the worker's (the coroutine runs on the session's worker).
awaitable<std::string> finish_publish(hub_node& hub, std::shared_ptr<hub::update> u,
                                      header_fields cors, worker_counters* counters) {
    const auto id = u->id;
    const auto status = co_await hub.store(std::move(u));
    const bool stored = status == hub_backbone::publish_status::stored;
    if (counters)
        counters
            ->publishes[std::size_t(stored ? publish_outcome::accepted : publish_outcome::rejected)]
            .add();
    if (!stored)
        co_return error(503, "the hub cannot store updates right now", {{"Retry-After", "1"}},
                        cors);
    http::response_head head(200);
    head.set("Content-Type", "text/plain; charset=utf-8")
        .set("Content-Length", std::to_string(id.size()))
        .set("Cache-Control", "no-cache");
    for (const auto& [name, value] : cors)
        head.set(name, value);
    co_return head.str() + id;
}

route_result publish(const http::request& req, std::string_view body, const session_context& ctx,
                     const header_fields& cors) {
    auto permission = ctx.hub->authorizer().publish(req);
    if (!permission.allowed) {
        if (ctx.counters)
            ctx.counters->publishes[std::size_t(publish_outcome::rejected)].add();
        return answer(
            error(permission.status, permission.message, std::move(permission.fields), cors));
    }
    auto result = ctx.hub->check_publish(http::parse_form(body), permission.grant);
    if (!result.accepted && ctx.counters)
        ctx.counters->publishes[std::size_t(publish_outcome::rejected)].add();
    if (result.refused.status == 403)
        return answer(error(403, result.refused.message,
                            {{"WWW-Authenticate", "Bearer error=\"insufficient_scope\""}}, cors));
    if (!result.accepted)
        return answer(error(result.refused.status, result.refused.message, {}, cors));
    route_result later;
    later.deferred = [hub = ctx.hub, u = std::move(result.accepted), cors,
                      counters = ctx.counters] { return finish_publish(*hub, u, cors, counters); };
    return later;
}

route_result subscribe(const http::request& req, const session_context& ctx,
                       const header_fields& cors) {
    // Refusals are complete responses; the session strips their content
    // when the request was HEAD.
    const auto refuse = [&](int status, std::string_view message, header_fields fields) {
        return answer(error(status, message, std::move(fields), cors));
    };
    auto permission = ctx.hub->authorizer().subscribe(req);
    if (!permission.allowed)
        return refuse(permission.status, permission.message, std::move(permission.fields));

    const hub::subscribe_limits limits{ctx.opts.max_matchers, ctx.opts.max_matcher_length};
    auto parsed =
        hub::parse_subscribe(http::parse_form(req.query), req.header("Last-Event-ID"), limits);
    if (!parsed.accepted)
        return refuse(parsed.refused.status, parsed.refused.message, {});
    std::vector<match::matcher_ptr> matchers;
    matchers.reserve(parsed.accepted->matchers.size());
    for (const auto& spec : parsed.accepted->matchers) {
        auto compiled = ctx.hub->compile(spec);
        if (!compiled)
            return refuse(400, compiled.error, {});
        matchers.push_back(std::move(compiled.matcher));
    }

    std::optional<std::chrono::steady_clock::time_point> expires;
    if (permission.expires) {
        // exp is a wall-clock instant; the stream's timers run on the steady clock.
        const auto left = *permission.expires - std::chrono::system_clock::now();
        if (left <= std::chrono::system_clock::duration::zero())
            return refuse(401, "the token has expired",
                          {{"WWW-Authenticate", "Bearer error=\"invalid_token\""}});
        expires = std::chrono::steady_clock::now() +
                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(left);
    }
    hub_stream_request stream{std::move(matchers),
                              std::move(parsed.accepted->resume),
                              std::move(permission.grant),
                              expires,
                              req.method == "HEAD",
                              cors,
                              {},
                              {}};
    if (ctx.hub->subscriptions_enabled()) {
        stream.specs = std::move(parsed.accepted->matchers);
        stream.payload = std::move(permission.payload);
    }
    // A plain lambda calling the coroutine: the request is copied into the
    // coroutine's frame, which outlives the std::function (see session.hpp).
    return {{}, false, [stream](tcp::socket& s, connection_control& c, const session_context& x) {
                return serve_hub_stream(s, c, x, stream);
            }};
}

// The second half of a subscriptions API request, once it is authorized:
// read the subscriptions (a cluster reads every node's from Redis) and
// answer the collection, or the one subscription.
awaitable<std::string> list_subscriptions(const hub_node& hub, std::string path,
                                          std::size_t segments, bool head_only,
                                          header_fields cors) {
    // The cursor first: an event after it may or may not be in the list,
    // and the client's resume from it replays it either way. (A cluster
    // writes a subscription to Redis before it publishes its event.)
    const auto last_event_id = hub.last_event_id();
    const auto listed = co_await hub.all_subscriptions(path);
    if (!listed)
        co_return error(503, "the hub cannot read the active subscriptions right now",
                        {{"Retry-After", "1"}}, cors);
    const auto& found = *listed;
    std::string body;
    if (segments == 3) {
        if (found.empty())
            co_return error(404, "no such subscription", {}, cors);
        body = subscription_document(found.front(), true);
    } else {
        if (segments == 2 && found.empty())
            co_return error(404, "no active subscription for this matcher", {}, cors);
        body =
            "{\"id\":" + nlohmann::json(path).dump() +
            ",\"type\":\"subscriptions\",\"lastEventID\":" + nlohmann::json(last_event_id).dump() +
            ",\"subscriptions\":[";
        for (std::size_t i = 0; i < found.size(); ++i) {
            if (i != 0)
                body += ',';
            body += subscription_document(found[i], true);
        }
        body += "]}";
    }
    http::response_head head(200);
    head.set("Content-Type", "application/json")
        .set("Content-Length", std::to_string(body.size()))
        .set("Cache-Control", "must-revalidate")
        .set("ETag", nlohmann::json(last_event_id).dump())
        .set("Link", "<" + hub.location().url() + ">; rel=\"mercure\"; last-event-id=" +
                         nlohmann::json(last_event_id).dump() +
                         "; type=\"mercure\"; content-type=\"application/json\"");
    for (const auto& [name, value] : cors)
        head.set(name, value);
    co_return head.str() + (head_only ? std::string() : body);
}

// The active subscriptions API (draft-08): GET the collection, one matcher's
// collection, or one subscription. The topic to authorize is the request's
// path, as received (its segments percent-encoded exactly as the events'
// topics are).
route_result subscriptions_api(const http::request& req, const session_context& ctx,
                               const header_fields& cors) {
    const auto refuse = [&](int status, std::string_view message, header_fields fields) {
        return answer(error(status, message, std::move(fields), cors));
    };
    if (req.method != "GET" && req.method != "HEAD")
        return refuse(405, "use GET", {{"Allow", "GET, HEAD"}});
    const auto& hub = *ctx.hub;
    const std::string path(req.path);
    const auto& base = hub.subscriptions_path();
    // /subscriptions, /subscriptions/{match_type}/{match}, or .../{subscriber}
    std::size_t segments = 0;
    for (std::size_t i = base.size(); i < path.size(); ++i)
        segments += path[i] == '/' ? 1 : 0;
    const bool trailing = path.size() > base.size() && path.back() == '/';
    if (trailing || segments == 1 || segments > 3)
        return refuse(404, "no such subscription resource", {});

    auto permission = hub.authorizer().subscribe(req);
    if (!permission.allowed)
        return refuse(permission.status, permission.message, std::move(permission.fields));
    hub::update probe; // the path as a topic, to ask the grant about
    probe.topics.emplace_back(path, hub.location().base());
    if (!permission.grant.covers_any(probe)) {
        if (!permission.authenticated)
            return refuse(401, "a token granting subscribe on this URL is required",
                          {{"WWW-Authenticate", "Bearer"}});
        return refuse(403, "the token does not grant subscribe on this URL",
                      {{"WWW-Authenticate", "Bearer error=\"insufficient_scope\""}});
    }

    route_result later;
    later.deferred = [hub = ctx.hub, path, segments, head_only = req.method == "HEAD", cors] {
        return list_subscriptions(*hub, path, segments, head_only, cors);
    };
    return later;
}

route_result preflight(const header_fields& cors) {
    http::response_head head(204);
    head.set("Allow", allowed_methods);
    const bool allowed = std::any_of(cors.begin(), cors.end(), [](const auto& f) {
        return f.first == "Access-Control-Allow-Origin";
    });
    if (allowed) {
        head.set("Access-Control-Allow-Methods", allowed_methods)
            .set("Access-Control-Allow-Headers",
                 "Authorization, Content-Type, Last-Event-ID, Cache-Control")
            .set("Access-Control-Max-Age", "86400");
    }
    for (const auto& [name, value] : cors)
        head.set(name, value);
    return answer(head.str());
}

bool is_subscriptions_path(std::string_view path, const session_context& ctx) noexcept {
    if (!ctx.hub || !ctx.hub->subscriptions_enabled())
        return false;
    const std::string_view base = ctx.hub->subscriptions_path();
    return path.substr(0, base.size()) == base &&
           (path.size() == base.size() || path[base.size()] == '/');
}

} // namespace

bool is_hub_path(std::string_view path, const session_context& ctx) noexcept {
    return ctx.hub && (path == ctx.hub->location().path() || is_subscriptions_path(path, ctx));
}

header_fields hub_cors_fields(const options& opts, const http::request& req) {
    header_fields fields;
    if (opts.cors_origins.empty())
        return fields;
    const auto origin = req.header("Origin");
    bool star = false, listed = false;
    for (const auto& allowed : opts.cors_origins)
        (allowed == "*" ? star : listed) = true;
    const auto& list = opts.cors_origins;
    if (origin && *origin != "*" && std::find(list.begin(), list.end(), *origin) != list.end()) {
        fields.emplace_back("Access-Control-Allow-Origin", std::string(*origin));
        fields.emplace_back("Access-Control-Allow-Credentials", "true");
    } else if (star) {
        fields.emplace_back("Access-Control-Allow-Origin", "*");
    }
    if (listed)
        fields.emplace_back("Vary", "Origin");
    return fields;
}

route_result route_hub(const http::request& req, std::string_view body,
                       const session_context& ctx) {
    const auto cors = hub_cors_fields(ctx.opts, req);
    const auto& m = req.method;
    if (is_subscriptions_path(req.path, ctx))
        return subscriptions_api(req, ctx, cors);
    if (m == "GET" || m == "HEAD")
        return subscribe(req, ctx, cors);
    if (m == "POST")
        return publish(req, body, ctx, cors);
    if (m == "OPTIONS")
        return preflight(cors);
    return answer(
        error(405, "use GET, POST or OPTIONS", {{"Allow", std::string(allowed_methods)}}, cors));
}

} // namespace herald::app
