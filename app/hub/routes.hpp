// app/hub/routes.hpp — the hub's URL: GET/HEAD subscribe, POST publish,
// OPTIONS answers CORS preflights.
#pragma once

#include "herald/http/request.hpp"
#include "herald/hub/subscription.hpp"
#include "session.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace herald::app {

using header_fields = std::vector<std::pair<std::string, std::string>>;

/// A checked subscribe request, handed to serve_hub_stream.
struct hub_stream_request {
    std::vector<match::matcher_ptr> matchers; ///< compiled, in request order
    hub::resume_point resume;
    hub::topic_grant grant;
    std::optional<std::chrono::steady_clock::time_point> expires; ///< the token's exp
    bool head_only = false;
    header_fields cors;
    /// With --subscriptions: the matchers as the request spelled them, and
    /// the token's payload, for the subscription events.
    std::vector<hub::matcher_spec> specs;
    std::optional<std::string> payload;
};

/// True if `path` is the hub's (the path of --hub-url), or, with
/// --subscriptions, the subscriptions API's (that path + "/subscriptions",
/// and below it).
bool is_hub_path(std::string_view path, const session_context& ctx) noexcept;

/// The CORS fields of every hub response. Credentialed requests (the
/// cookie, an Authorization header) are allowed only from the explicit
/// --cors-origin list: the Origin is echoed with
/// `Access-Control-Allow-Credentials: true`. With `--cors-origin '*'`, other
/// origins get `*` and no credentials — the draft forbids both a wildcard and
/// a reflected arbitrary origin on a credentialed endpoint.
header_fields hub_cors_fields(const options& opts, const http::request& req);

/// Answers a request for the hub's path, whose body (for POST) is `body`:
/// a complete response, or a subscriber's stream.
route_result route_hub(const http::request& req, std::string_view body, const session_context& ctx);

/// Streams updates to one subscriber: the head (with Mercure-Last-Event-ID
/// when a resume was asked), the history replay, then live updates, with
/// heartbeats after silence, until the client leaves, is too slow, a write
/// times out, or the worker shuts down. Closes the socket before it returns.
awaitable<void> serve_hub_stream(tcp::socket& socket, connection_control& control,
                                 const session_context& ctx, hub_stream_request request);

} // namespace herald::app
