#include "hub/routes.hpp"

#include "herald/http/response.hpp"
#include "hub/authorization.hpp"
#include "hub/hub.hpp"

#include <algorithm>

namespace herald::app {
namespace {

using namespace net::experimental::awaitable_operators;

constexpr std::string_view allowed_methods = "GET, HEAD, POST, OPTIONS";
constexpr std::size_t max_body_bytes = 1 << 20; // until the server's own body limit

std::string head_only(std::string response) {
    response.resize(response.find("\r\n\r\n") + 4);
    return response;
}

std::string error(int status, std::string_view message, header_fields fields,
                  const header_fields& cors) {
    fields.insert(fields.end(), cors.begin(), cors.end());
    return http::error_response(status, message, fields);
}

std::string publish(const http::request& req, std::string_view body, const session_context& ctx,
                    const header_fields& cors) {
    auto permission = authorize_publish(req, ctx.opts);
    if (!permission.allowed)
        return error(permission.status, permission.message, std::move(permission.fields), cors);
    auto result = ctx.hub->publish(http::parse_form(body), permission.grant);
    if (result.refused.status == 403)
        return error(403, result.refused.message,
                     {{"WWW-Authenticate", "Bearer error=\"insufficient_scope\""}}, cors);
    if (!result.accepted)
        return error(result.refused.status, result.refused.message, {}, cors);
    const auto& id = result.accepted->id;
    http::response_head head(200);
    head.set("Content-Type", "text/plain; charset=utf-8")
        .set("Content-Length", std::to_string(id.size()))
        .set("Cache-Control", "no-cache")
        .set("Connection", "close");
    for (const auto& [name, value] : cors)
        head.set(name, value);
    return head.str() + id;
}

hub_answer subscribe(const http::request& req, const session_context& ctx,
                     const header_fields& cors) {
    const bool head = req.method == "HEAD";
    const auto refuse = [&](int status, std::string_view message, header_fields fields) {
        auto response = error(status, message, std::move(fields), cors);
        return hub_answer{head ? head_only(std::move(response)) : std::move(response), {}};
    };
    auto permission = authorize_subscribe(req, ctx.opts);
    if (!permission.allowed)
        return refuse(permission.status, permission.message, std::move(permission.fields));

    const hub::subscribe_limits limits{ctx.opts.max_matchers, ctx.opts.max_matcher_length};
    auto parsed =
        hub::parse_subscribe(http::parse_form(req.query), req.header("Last-Event-ID"), limits);
    if (!parsed.accepted)
        return refuse(parsed.refused.status, parsed.refused.message, {});
    // Until herald_match compiles URL patterns and URI templates, only the
    // matchers this build can evaluate are accepted; the others fail loudly,
    // as the draft asks of unsupported matcher types.
    for (const auto& m : parsed.accepted->matchers) {
        if (m.is_wildcard())
            continue;
        if (m.kind == hub::matcher_kind::urlpattern)
            return refuse(400, "match_urlpattern is not supported by this build", {});
        if (m.kind == hub::matcher_kind::uritemplate && m.pattern.find('{') != std::string::npos)
            return refuse(400, "URI templates are not supported by this build", {});
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
    return {{},
            hub_stream_request{std::move(*parsed.accepted), std::move(permission.grant), expires,
                               head, cors}};
}

} // namespace

bool is_hub_path(std::string_view path, const session_context& ctx) noexcept {
    return ctx.hub && path == ctx.hub->location().path();
}

header_fields hub_cors_fields(const options& opts, const http::request& req) {
    header_fields fields;
    if (opts.cors_origins.empty())
        return fields;
    const auto origin = req.header("Origin");
    bool star = false, listed = false;
    for (const auto& allowed : opts.cors_origins) {
        if (allowed == "*")
            star = true;
        else
            listed = true;
    }
    if (origin &&
        std::find(opts.cors_origins.begin(), opts.cors_origins.end(), *origin) !=
            opts.cors_origins.end() &&
        *origin != "*") {
        fields.emplace_back("Access-Control-Allow-Origin", std::string(*origin));
        fields.emplace_back("Access-Control-Allow-Credentials", "true");
    } else if (star) {
        fields.emplace_back("Access-Control-Allow-Origin", "*");
    }
    if (listed)
        fields.emplace_back("Vary", "Origin");
    return fields;
}

hub_answer route_hub(const http::request& req, std::string_view body, const session_context& ctx) {
    const auto cors = hub_cors_fields(ctx.opts, req);
    const auto& m = req.method;
    if (m == "GET" || m == "HEAD")
        return subscribe(req, ctx, cors);
    if (m == "POST")
        return {publish(req, body, ctx, cors), {}};
    if (m == "OPTIONS") {
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
        head.set("Connection", "close");
        return {head.str(), {}};
    }
    return {error(405, "use GET, POST or OPTIONS", {{"Allow", std::string(allowed_methods)}}, cors),
            {}};
}

awaitable<hub_answer> read_and_route_hub(tcp::socket& socket, http::read_result& head,
                                         const session_context& ctx) {
    const auto& req = head.req;
    std::string body;
    if (req.method == "POST") {
        if (req.framing == http::body_framing::chunked)
            co_return hub_answer{http::error_response(411, "send the body with Content-Length"),
                                 {}};
        if (req.content_length > max_body_bytes)
            co_return hub_answer{http::error_response(413, "body too large"), {}};
        const auto length = std::size_t(req.content_length);
        body = std::move(head.leftover);
        const auto have = std::min(body.size(), length);
        body.resize(length);
        if (have < length) {
            net::steady_timer deadline(socket.get_executor(), ctx.opts.header_timeout);
            auto buffer = net::buffer(body.data() + have, length - have);
            auto outcome = co_await (net::async_read(socket, buffer, use_tuple) ||
                                     deadline.async_wait(use_tuple));
            if (outcome.index() == 1)
                co_return hub_answer{http::error_response(408, "body too slow"), {}};
            if (std::get<0>(std::get<0>(outcome)))
                co_return hub_answer{}; // the client left: just close
        }
    }
    co_return route_hub(req, body, ctx);
}

} // namespace herald::app
