#include "session.hpp"

#include "demo_page.hpp"
#include "event_stream.hpp"
#include "herald/error.hpp"
#include "herald/http/read_request.hpp"
#include "herald/http/response.hpp"
#include "herald/sse/encoder.hpp"
#include "hub/routes.hpp"

#include <charconv>

namespace herald::app {
namespace {

using namespace net::experimental::awaitable_operators;
using clock = std::chrono::steady_clock;
using fields = std::vector<std::pair<std::string, std::string>>;

/// What to do with a request: answer it with fixed bytes, or stream.
struct decision {
    bool stream = false;
    std::string response; ///< complete response bytes when !stream; empty: just close
    stream_request stream_params;
};

bool is_disconnect(const error_code& ec) {
    return ec == net::error::eof || ec == net::error::connection_reset ||
           ec == net::error::operation_aborted || ec == make_error_code(errc::partial_request);
}

// Last-Event-ID (header) or ?lastEventId= (for clients that cannot set
// headers) resumes after that id. Anything but a plain number is ignored.
std::uint64_t first_event_id(const http::request& req) {
    auto text = req.header("Last-Event-ID");
    if (!text)
        text = req.query_param("lastEventId");
    std::uint64_t last = 0;
    if (!text || text->empty())
        return 1;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), last);
    if (ec != std::errc{} || end != text->data() + text->size() || last == UINT64_MAX)
        return 1;
    return last + 1;
}

// The Access-Control-Allow-Origin value for this request, or empty. The view
// points into the options, so it outlives the request.
std::string_view allowed_origin(const options& opts, const http::request& req) {
    const auto origin = req.header("Origin");
    for (const auto& allowed : opts.cors_origins) {
        if (allowed == "*")
            return allowed;
        if (origin && *origin == allowed)
            return allowed;
    }
    return {};
}

std::string simple_response(int status, std::string_view content_type, std::string_view body,
                            bool head_only, const fields& extra = {}) {
    http::response_head head(status);
    head.set("Content-Type", content_type)
        .set("Content-Length", std::to_string(body.size()))
        .set("Cache-Control", "no-cache")
        .set("Connection", "close");
    for (const auto& [name, value] : extra)
        head.set(name, value);
    auto bytes = head.str();
    if (!head_only)
        bytes += body;
    return bytes;
}

// A response to HEAD has no content (RFC 9110 §9.3.2), errors included.
std::string without_content(std::string response) {
    response.resize(response.find("\r\n\r\n") + 4);
    return response;
}

decision route(const http::request& req, const session_context& ctx) {
    const auto& m = req.method;
    if (!http::is_known_method(m))
        return {false, http::error_response(501, "unknown method"), {}};

    if (req.path == "*") {
        // OPTIONS * asks about the server as a whole (RFC 9110 §9.3.7).
        http::response_head head(204);
        head.set("Allow", "GET, HEAD, OPTIONS").set("Connection", "close");
        return {false, head.str(), {}};
    }

    if (req.path == "/sse") {
        const auto origin = allowed_origin(ctx.opts, req);
        if (m == "GET" || m == "HEAD")
            return {true, {}, {first_event_id(req), m == "HEAD", origin}};
        if (m == "OPTIONS") {
            fields extra{{"Allow", "GET, HEAD, OPTIONS"}};
            if (!origin.empty()) {
                extra.emplace_back("Access-Control-Allow-Origin", origin);
                extra.emplace_back("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
                extra.emplace_back("Access-Control-Allow-Headers", "Last-Event-ID, Cache-Control");
                extra.emplace_back("Access-Control-Max-Age", "86400");
            }
            if (ctx.opts.cors_varies_by_origin())
                extra.emplace_back("Vary", "Origin");
            http::response_head head(204);
            for (const auto& [name, value] : extra)
                head.set(name, value);
            head.set("Connection", "close");
            return {false, head.str(), {}};
        }
        return {false, http::error_response(405, "use GET", {{"Allow", "GET, HEAD, OPTIONS"}}), {}};
    }
    if (req.path == "/" || req.path == "/index.html") {
        if (m == "GET" || m == "HEAD")
            return {false,
                    simple_response(200, "text/html; charset=utf-8", demo_page(), m == "HEAD"),
                    {}};
        return {false, http::error_response(405, "use GET", {{"Allow", "GET, HEAD"}}), {}};
    }
    if (m == "HEAD")
        return {false, without_content(http::error_response(404)), {}};
    return {false, http::error_response(404), {}};
}

// Reads the head and decides, in a coroutine of its own: the parser and the
// request live in this frame and are freed before a long stream begins.
// Requests for the Mercure hub go to app/hub; a subscription comes back in
// `hub_stream`.
awaitable<decision> read_and_route(tcp::socket& socket, const session_context& ctx,
                                   std::optional<hub_stream_request>& hub_stream) {
    http::request_parser parser(ctx.opts.limits);
    auto head =
        co_await http::async_read_request(socket, parser, clock::now() + ctx.opts.header_timeout);
    if (cancelled(co_await net::this_coro::cancellation_state))
        co_return decision{};
    if (head.ec) {
        if (is_disconnect(head.ec))
            co_return decision{};
        ctx.log.debug("bad request: ", head.ec.message());
        co_return decision{
            false, http::error_response(http_status_for(head.ec), head.ec.message()), {}};
    }
    if (is_hub_path(head.req.path, ctx)) {
        auto answer = co_await read_and_route_hub(socket, head, ctx);
        hub_stream = std::move(answer.stream);
        co_return decision{false, std::move(answer.response), {}};
    }
    co_return route(head.req, ctx);
}

awaitable<void> drain_until_eof(tcp::socket& socket) {
    std::array<char, 1024> sink;
    for (;;) {
        if (cancelled(co_await net::this_coro::cancellation_state))
            co_return;
        auto [ec, n] = co_await socket.async_read_some(net::buffer(sink), use_tuple);
        if (ec)
            co_return;
    }
}

awaitable<void> sleep_for(clock::duration d) {
    net::steady_timer timer(co_await net::this_coro::executor, d);
    if (cancelled(co_await net::this_coro::cancellation_state))
        co_return;
    (void)co_await timer.async_wait(use_tuple);
}

} // namespace

bool make_stream_template(const options& opts, stream_template& out, std::string& error) {
    sse::event sample{opts.event_data, opts.event_name, {}, {}};
    std::string whole, data_only;
    if (auto ec = sse::encode(sample, whole)) {
        error =
            (ec == errc::field_has_line_break ? "--event-name: " : "--event-data/--event-name: ") +
            ec.message();
        return false;
    }
    (void)sse::encode(sse::event{opts.event_data, {}, {}, {}}, data_only);
    out.prefix = whole.substr(0, whole.size() - data_only.size());
    out.suffix = data_only;
    out.opening.clear();
    (void)sse::encode_comment("ok", out.opening);
    out.opening += '\n';
    if (opts.retry)
        if (auto ec = sse::encode_retry(*opts.retry, out.opening)) {
            error = "--retry: " + ec.message();
            return false;
        }
    return true;
}

awaitable<void> respond_and_close(tcp::socket& socket, std::string response,
                                  connection_control* control) {
    error_code ignored;
    if (!response.empty()) {
        if (control)
            control->write_pending_since = clock::now();
        auto [ec, n] = co_await net::async_write(socket, net::buffer(response), use_tuple);
        if (control)
            control->write_pending_since = {};
        if (ec) {
            socket.close(ignored);
            co_return;
        }
    }
    // Closing a socket with unread input makes the kernel send RST, and a
    // RST can destroy the response before the client reads it. So: send FIN,
    // then read and discard until the client closes too, for at most 2 s.
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    // The arms of `||` have cancellation states of their own: a stop already
    // recorded in this coroutine's state does not reach them, so check here.
    if (!cancelled(co_await net::this_coro::cancellation_state))
        co_await (drain_until_eof(socket) || sleep_for(std::chrono::seconds(2)));
    socket.close(ignored);
}

awaitable<void> serve_connection(tcp::socket socket, connection_control& control,
                                 session_context ctx) {
    // The worker stops this session by cancellation (shutdown, write
    // timeout). Cancellation must not throw out of the coroutine: every step
    // below handles it as a value, and the socket is still closed politely.
    co_await net::this_coro::throw_if_cancelled(false);

    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);

    std::optional<hub_stream_request> hub_stream;
    auto next = co_await read_and_route(socket, ctx, hub_stream);
    if (control.reason != stop_reason::none) {
        socket.close(ignored);
        co_return;
    }
    if (hub_stream) {
        co_await serve_hub_stream(socket, control, ctx, std::move(*hub_stream));
        co_return;
    }
    if (next.stream) {
        co_await serve_event_stream(socket, control, ctx, next.stream_params);
        co_return;
    }
    co_await respond_and_close(socket, std::move(next.response), &control);
}

} // namespace herald::app
