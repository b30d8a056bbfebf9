// app/session.cpp — one connection: a loop of HTTP/1.1 requests, or a stream.
//
// The shape of a connection, and where a route goes:
//
//   serve_connection            one coroutine per connection, for its whole life
//     serve_requests            the keep-alive loop, its own frame:
//       wait for a request      idle_timeout between requests (quiet close);
//                               pipelined bytes already read skip the wait
//       serve_request           its own frame, freed before the next request:
//         read the head           async_read_request, header_timeout, from the
//                                 bytes the previous request left over
//         read the body           async_read_body: Content-Length or chunked,
//                                 --max-body-bytes, Expect: 100-continue
//         route(req, body, ctx)   -> route_result
//       stream set?             return it, the socket still open
//       else write response     watched by the write-timeout sweep, then close
//                               if the route, the client (Connection: close,
//                               HTTP/1.0) or an unreadable request says so
//     stream?                   hand the socket over: co_await stream(socket,
//                               control, ctx); the connection ends with it.
//                               The loop's frame is gone by then: an idle
//                               stream holds only what it needs.
//
// To add a route, add a block to route() below. It gets the parsed head and
// the whole decoded body (a form for application/x-www-form-urlencoded:
// http::parse_form(body)) and returns either
//   respond(bytes)             a complete response, Content-Length framed,
//                              without a Connection field (the session adds
//                              `Connection: close` when it closes), or
//   route_result{.stream = h}  a long-lived stream (see stream_handler in
//                              session.hpp), as GET /sse does.
//   route_result{.deferred = f} a response computed asynchronously (the hub
//                              answers a publish once it is stored, which in
//                              a cluster waits for Redis): the session
//                              awaits f() and writes what it returns.
// route() does no I/O, so a new route is tested without a socket: add a case
// to tests/app/route_test.cpp. A request that cannot be framed (bad head, bad
// chunk, body too large, timeouts) never reaches route(): the session answers
// it and closes, since the next request's start cannot be found.
#include "session.hpp"

#include "demo_page.hpp"
#include "event_stream.hpp"
#include "health.hpp"
#include "herald/error.hpp"
#include "herald/http/read_body.hpp"
#include "herald/http/read_request.hpp"
#include "herald/http/response.hpp"
#include "herald/socket_deadline.hpp"
#include "hub/hub.hpp"
#include "hub/routes.hpp"
#include "metrics/metrics.hpp"
#include "stream_io.hpp"

#include <charconv>

namespace herald::app {
namespace {

using namespace net::experimental::awaitable_operators;
using clock = std::chrono::steady_clock;

bool is_disconnect(const error_code& ec) {
    return ec == net::error::eof || ec == net::error::connection_reset ||
           ec == net::error::operation_aborted || ec == make_error_code(errc::partial_request) ||
           ec == make_error_code(errc::partial_body);
}

route_result respond(std::string response) {
    return {std::move(response), false, {}};
}

route_result stream_events(stream_request params) {
    return {{}, false, [params](tcp::socket& s, connection_control& c, const session_context& ctx) {
                return serve_event_stream(s, c, ctx, params);
            }};
}

// Whether the client lets the connection carry another request: HTTP/1.1
// does unless it sends `Connection: close` (RFC 9112 §9.3). HTTP/1.0 closes:
// its keep-alive extension is not offered.
bool client_keeps_alive(const http::request& req) {
    if (!req.is_http11())
        return false;
    for (const auto& f : req.fields)
        if (http::iequals(f.name, "Connection") && http::list_has_token(f.value, "close"))
            return false;
    return true;
}

} // namespace

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

namespace {

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

// A response to HEAD has no content (RFC 9110 §9.3.2), errors included.
std::string without_content(std::string response) {
    if (const auto head_end = response.find("\r\n\r\n"); head_end != std::string::npos)
        response.resize(head_end + 4);
    return response;
}

// A 200 with `body`, never cached; a HEAD gets the same head alone.
route_result ok(const http::request& req, std::string_view content_type, std::string_view body) {
    auto response =
        http::complete_response(200, content_type, body, {{"Cache-Control", "no-cache"}});
    return respond(req.method == "HEAD" ? without_content(std::move(response)) : response);
}

// The route a request is counted under in /metrics: a fixed set of labels.
route_label route_of(std::string_view path, const session_context& ctx) {
    if (path == "/sse")
        return route_label::sse;
    if (path == "/healthz")
        return route_label::healthz;
    if (path == "/readyz")
        return route_label::readyz;
    if (path == "/metrics")
        return route_label::metrics;
    if (path == "/" || path == "/index.html")
        return route_label::demo;
    if (is_hub_path(path, ctx))
        return route_label::hub;
    return route_label::other;
}

// The status code of a complete response ("HTTP/1.1 200 ..."); 0 if none.
int status_of(std::string_view response) {
    int status = 0;
    if (response.size() >= 12)
        std::from_chars(response.data() + 9, response.data() + 12, status);
    return status;
}

} // namespace

route_result route(const http::request& req, std::string_view body, const session_context& ctx) {
    const auto& m = req.method;
    if (!http::is_known_method(m))
        return respond(http::error_response(501, "unknown method"));
    // With --admin-listen, health and metrics live on the admin port only,
    // and the admin port serves nothing else.
    const bool operational = is_health_path(req.path) || req.path == "/metrics";
    if (!ctx.opts.admin_listen.empty() && operational != ctx.admin)
        return respond(m == "HEAD" ? without_content(http::error_response(404))
                                   : http::error_response(404));
    if (ctx.health != nullptr && is_health_path(req.path))
        return respond(health_response(req, *ctx.health)); // app/health.cpp
    if (ctx.metrics != nullptr && req.path == "/metrics") {
        if (m != "GET" && m != "HEAD")
            return respond(http::error_response(405, "use GET", {{"Allow", "GET, HEAD"}}));
        return ok(req, metrics_content_type, metrics_text(*ctx.metrics));
    }
    if (is_hub_path(req.path, ctx))
        return route_hub(req, body, ctx); // the Mercure hub: app/hub/routes.cpp

    if (req.path == "*") {
        // OPTIONS * asks about the server as a whole (RFC 9110 §9.3.7).
        http::response_head head(204);
        head.set("Allow", "GET, HEAD, OPTIONS");
        return respond(head.str());
    }

    if (req.path == "/sse") {
        const auto origin = allowed_origin(ctx.opts, req);
        if (m == "GET" || m == "HEAD")
            return stream_events({first_event_id(req), m == "HEAD", origin});
        if (m == "OPTIONS") {
            http::response_head head(204);
            head.set("Allow", "GET, HEAD, OPTIONS");
            if (!origin.empty()) {
                head.set("Access-Control-Allow-Origin", origin);
                head.set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
                head.set("Access-Control-Allow-Headers", "Last-Event-ID, Cache-Control");
                head.set("Access-Control-Max-Age", "86400");
            }
            if (ctx.opts.cors_varies_by_origin())
                head.set("Vary", "Origin");
            return respond(head.str());
        }
        return respond(http::error_response(405, "use GET", {{"Allow", "GET, HEAD, OPTIONS"}}));
    }
    if (req.path == "/" || req.path == "/index.html") {
        if (m == "GET" || m == "HEAD")
            return ok(req, "text/html; charset=utf-8",
                      demo_page(ctx.hub ? ctx.hub->location().path() : "/.well-known/mercure"));
        return respond(http::error_response(405, "use GET", {{"Allow", "GET, HEAD"}}));
    }
    if (m == "HEAD")
        return respond(without_content(http::error_response(404)));
    return respond(http::error_response(404));
}

namespace {

/// One request, read and routed, and what the connection has read past it.
struct exchange {
    route_result result;
    std::string method; ///< for the access log
    std::string path;   ///< without the query, which may hold a token
    int status = 0;
    std::string leftover; ///< the next pipelined request's first bytes
    bool keep_alive = false;
    bool quiet_close = false; ///< the client left, or the worker stopped us: nothing to answer
};

// A request the session answered itself, before routing: counted and
// logged like a routed one, with what is known of it ("-" for the method
// and path of a head that could not be read).
void refused(exchange& out, const session_context& ctx, route_label route, std::string_view method,
             std::string_view path) {
    out.status = status_of(out.result.response);
    if (ctx.counters)
        ctx.counters->request(route, out.status);
    if (ctx.opts.access_log) {
        out.method = method;
        out.path = path;
    }
}

// Reads one request (head, then body) and routes it, in a coroutine of its
// own: the parser, the request and the body live in this frame and are freed
// before the response is written and before a long stream begins.
awaitable<exchange> serve_request(tcp::socket& socket, const session_context& ctx,
                                  socket_deadline& watch, std::string buffered,
                                  clock::time_point head_deadline) {
    exchange out;
    http::request_parser parser(ctx.opts.limits);
    auto head = co_await http::async_read_request(socket, parser, watch, head_deadline,
                                                  std::move(buffered));
    if (cancelled(co_await net::this_coro::cancellation_state) || is_disconnect(head.ec)) {
        out.quiet_close = true;
        co_return out;
    }
    if (head.ec) {
        ctx.log.debug("bad request: ", head.ec.message());
        out.result = {http::error_response(http_status_for(head.ec), head.ec.message()), true, {}};
        refused(out, ctx, route_label::unrouted, "-", "-");
        co_return out;
    }
    auto body = co_await http::async_read_body(socket, head.req, std::move(head.leftover),
                                               ctx.opts.body_limits, watch,
                                               clock::now() + ctx.opts.header_timeout);
    if (cancelled(co_await net::this_coro::cancellation_state) || is_disconnect(body.ec)) {
        out.quiet_close = true;
        co_return out;
    }
    if (body.ec) {
        ctx.log.debug("bad request body: ", body.ec.message());
        out.result = {http::error_response(http_status_for(body.ec), body.ec.message()), true, {}};
        refused(out, ctx, route_of(head.req.path, ctx), head.req.method, head.req.path);
        co_return out;
    }
    out.result = route(head.req, body.body, ctx);
    if (out.result.deferred) {
        const auto later = std::move(out.result.deferred);
        out.result.response = co_await later();
    }
    out.status = out.result.stream ? 200 : status_of(out.result.response);
    if (ctx.counters && out.status != 0)
        ctx.counters->request(route_of(head.req.path, ctx), out.status);
    if (ctx.opts.access_log) {
        out.method = head.req.method;
        out.path = head.req.path;
    }
    // Whatever a route answered, a response to HEAD carries no content
    // (RFC 9110 §9.3.2): on a kept connection, content would be read as the
    // next response.
    if (head.req.method == "HEAD" && !out.result.stream && !out.result.response.empty())
        out.result.response = without_content(std::move(out.result.response));
    out.leftover = std::move(body.leftover);
    out.keep_alive =
        client_keeps_alive(head.req) && !out.result.close && !out.result.response.empty();
    co_return out;
}

// Whether `bytes` (read past the last request) certainly hold the next
// request whole, head and body: then serving it cannot wait on the client,
// and its response can go out in the same write as the ones before it.
//
// A quick look, not a parse (the request is parsed once, when it is served):
// a head of CRLF lines with at most one Content-Length and no
// Transfer-Encoding, and that many bytes after it. Anything else (bare LF,
// a chunked body, leading empty lines) answers false, which is always safe:
// the responses so far are written before the request is read.
bool holds_whole_request(std::string_view bytes) {
    const auto end = bytes.find("\r\n\r\n");
    if (end == std::string_view::npos || end == 0 || bytes.front() == '\r' || bytes.front() == '\n')
        return false;
    const auto head = bytes.substr(0, end + 2); // each line with its CRLF
    std::optional<std::uint64_t> length;
    for (std::size_t at = 0; at < head.size();) {
        const auto lf = head.find('\n', at);
        if (lf == 0 || head[lf - 1] != '\r')
            return false; // a bare LF: let the parser judge
        const auto line = head.substr(at, lf - 1 - at);
        at = lf + 1;
        const auto colon = line.find(':');
        if (colon == std::string_view::npos)
            continue; // the request line
        const auto name = line.substr(0, colon);
        if (http::iequals(name, "Transfer-Encoding"))
            return false;
        if (!http::iequals(name, "Content-Length"))
            continue;
        if (length)
            return false;
        auto value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
            value.remove_prefix(1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
            value.remove_suffix(1);
        std::uint64_t n = 0;
        const auto [stop, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc{} || stop != value.data() + value.size() || value.empty())
            return false;
        length = n;
    }
    return bytes.size() - (end + 4) >= length.value_or(0);
}

// Appends to `pending` what the socket has already received, without
// waiting; true if it read anything. At most 16 KiB (some 25 publishes):
// each request served from `pending` moves the rest of it to the front, so a
// longer buffer costs more in copies than the larger batch saves.
bool read_available(tcp::socket& socket, std::string& pending) {
    error_code ec;
    const auto ready = std::min<std::size_t>(socket.available(ec), 16 * 1024);
    if (ec || ready == 0)
        return false;
    const auto old_size = pending.size();
    pending.resize(old_size + ready);
    const auto n = socket.read_some(net::buffer(pending.data() + old_size, ready), ec);
    pending.resize(old_size + (ec ? 0 : n));
    return !ec && n > 0;
}

// Appends a response to the ones not written yet (usually none: then it is
// moved, not copied).
void queue(std::string& out, std::string response) {
    if (out.empty())
        out = std::move(response);
    else
        out += response;
}

// Writes the responses gathered so far in one write, watched by the
// write-timeout sweep; shutdown lets it finish (see
// connection_control::responding).
awaitable<error_code> write_responses(tcp::socket& socket, connection_control& control,
                                      std::string& out) {
    control.responding = true;
    control.write_pending_since = clock::now();
    auto [ec, n] = co_await net::async_write(socket, net::buffer(out), use_tuple);
    control.write_pending_since = {};
    control.responding = false;
    out.clear();
    co_return ec;
}

// Waits until the next request's first byte (or the client's FIN) arrives;
// false if the worker stopped us or `watch` (armed for the idle timeout)
// expired.
awaitable<bool> wait_readable(tcp::socket& socket, const socket_deadline& watch) {
    if (cancelled(co_await net::this_coro::cancellation_state) || watch.expired())
        co_return false;
    auto [ec] = co_await socket.async_wait(tcp::socket::wait_read, use_tuple);
    co_return !ec;
}

// Closes without waiting for the client, after a response it may not have
// read yet. close() with unread input in the receive queue sends RST, and a
// RST discards whatever of the response is still queued for sending. So:
// FIN first, then discard the input already received (pipelined requests
// that will not be answered), then close, which lets the kernel deliver the
// rest. Unlike respond_and_close, it does not wait for the client's FIN.
void close_after_response(tcp::socket& socket) {
    error_code ec;
    socket.shutdown(tcp::socket::shutdown_send, ec);
    socket.non_blocking(true, ec);
    std::array<char, 4096> sink;
    while (!ec)
        socket.read_some(net::buffer(sink), ec); // until would_block, EOF or an error
    socket.close(ec);
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

} // namespace

awaitable<void> respond_and_close(tcp::socket& socket, std::string response,
                                  connection_control* control) {
    error_code ignored;
    if (!response.empty()) {
        if (control) {
            control->write_pending_since = clock::now();
            control->responding = true; // shutdown lets it finish
        }
        auto [ec, n] = co_await net::async_write(socket, net::buffer(response), use_tuple);
        if (control) {
            control->bytes_written += n;
            control->write_pending_since = {};
            control->responding = false;
        }
        if (ec) {
            socket.close(ignored);
            co_return;
        }
    }
    if (control && control->reason == stop_reason::shutdown) {
        close_after_response(socket); // shutting down: no waiting for the client
        co_return;
    }
    // Closing a socket with unread input makes the kernel send RST, and a
    // RST can destroy the response before the client reads it. So: send FIN,
    // then read and discard until the client closes too, for at most 2 s.
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    // The arms of `||` have cancellation states of their own: a stop already
    // recorded in this coroutine's state does not reach them, so check here.
    if (!cancelled(co_await net::this_coro::cancellation_state))
        co_await (drain_until_eof(socket) || cancellable_sleep(std::chrono::seconds(2)));
    socket.close(ignored);
}

namespace {

/// A request that turned its connection into a stream, and what the access
/// log says about it once the stream has ended.
struct stream_start {
    stream_handler stream;
    std::string method, path;
    int status = 0;
    clock::time_point started;
};

// The keep-alive loop: requests and their responses, until the connection
// closes or a request asks for a stream (then `handover.stream` is set and the
// socket is open). A coroutine of its own, so its frame (the exchange, the
// pending bytes, the results of its awaits) is freed before a stream runs
// for hours.
awaitable<void> serve_requests(tcp::socket& socket, connection_control& control,
                               const session_context& ctx, stream_start& handover,
                               socket_deadline& watch) {
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);

    // The first head's deadline runs from the accept: a client that connects
    // and says nothing is a slowloris, not an idle keep-alive connection.
    auto head_deadline = clock::now() + ctx.opts.header_timeout;
    std::string pending; // bytes read past the last request: the next one's start
    // Responses not written yet. A client that pipelines (sends requests
    // without waiting for the answers) gets the answers to every request
    // whose bytes are all here in one write: one system call for the batch,
    // not one per request. Before anything waits on the client (a read),
    // they are written.
    std::string out;
    constexpr std::size_t max_batch_bytes = 64 * 1024;
    for (bool first = true;; first = false) {
        if (!first && pending.empty() && socket.available(ignored) == 0) {
            // Idle between requests: wait for the next one's first byte, for
            // at most idle_timeout, holding no buffer. Then its head has
            // header_timeout, like the first (a pipelined head too, from
            // when its turn comes).
            if (cancelled(co_await net::this_coro::cancellation_state) ||
                control.reason != stop_reason::none)
                break;
            watch.arm(clock::now() + ctx.opts.idle_timeout);
            const bool ready = co_await wait_readable(socket, watch);
            watch.disarm();
            if (!ready || control.reason != stop_reason::none)
                break; // idle too long, or shutdown: close quietly
        }
        if (!first)
            head_deadline = clock::now() + ctx.opts.header_timeout;

        const auto started = clock::now();
        auto next = co_await serve_request(socket, ctx, watch, std::move(pending), head_deadline);
        if (next.quiet_close || control.reason != stop_reason::none)
            break;
        // After the response is out (in a batch: once it is queued).
        const auto access = [&](std::size_t bytes) {
            if (!ctx.opts.access_log || next.method.empty() || !ctx.log.enabled(log_level::info))
                return;
            const auto us =
                std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - started);
            ctx.log.info("access method=", next.method, " path=", next.path,
                         " status=", next.status, " duration_us=", us.count(), " bytes=", bytes);
        };
        if (next.result.stream) {
            if (!out.empty() && co_await write_responses(socket, control, out))
                break;
            handover = {std::move(next.result.stream), std::move(next.method), std::move(next.path),
                        next.status, started};
            co_return;
        }
        if (!next.keep_alive) {
            http::add_connection_close(next.result.response);
            const auto bytes = next.result.response.size();
            queue(out, std::move(next.result.response));
            co_await respond_and_close(socket, std::move(out), &control);
            access(bytes);
            co_return;
        }

        // A response on a connection that stays open: queued, and written
        // now unless the next request is already here whole.
        if (cancelled(co_await net::this_coro::cancellation_state))
            break;
        const auto bytes = next.result.response.size();
        queue(out, std::move(next.result.response));
        pending = std::move(next.leftover);
        if (out.size() < max_batch_bytes && holds_whole_request(pending)) {
            access(bytes);
            continue;
        }
        // The head reader reads a small chunk at a time: what else the
        // client has sent may complete the next request begun in `pending`.
        // (With nothing pending, as for a client that waits for each answer,
        // this is skipped: it would cost a system call per request.)
        if (!pending.empty() && out.size() < max_batch_bytes && read_available(socket, pending) &&
            holds_whole_request(pending)) {
            access(bytes);
            continue;
        }
        if (co_await write_responses(socket, control, out))
            break;
        access(bytes);
        if (control.reason != stop_reason::none) {
            // Shut down while the response was being written: it is in the
            // kernel's buffer now, so end here without waiting for the
            // client (shutdown must be prompt), but not with a reset: see
            // close_after_response.
            close_after_response(socket);
            co_return;
        }
    }
    if (!out.empty()) {
        // Stopped (or the client left) with answers to pipelined requests
        // not written yet: what the socket takes now, without waiting.
        socket.non_blocking(true, ignored);
        (void)socket.write_some(net::buffer(out), ignored);
    }
    socket.close(ignored);
}

// The same with the connection's deadline (idle wait, head, body: one timer,
// see socket_deadline), stopped before it dies, however the loop ended.
awaitable<void> serve_requests(tcp::socket& socket, connection_control& control,
                               const session_context& ctx, stream_start& handover) {
    socket_deadline watch(socket);
    co_await serve_requests(socket, control, ctx, handover, watch);
    co_await watch.stop();
}

} // namespace

awaitable<void> serve_connection(tcp::socket socket, connection_control& control,
                                 session_context ctx) {
    // The worker stops this session by cancellation (shutdown, write
    // timeout). Cancellation must not throw out of the coroutine: every step
    // below handles it as a value, and the socket is still closed politely.
    co_await net::this_coro::throw_if_cancelled(false);

    stream_start next;
    co_await serve_requests(socket, control, ctx, next);
    if (!next.stream)
        co_return; // serve_requests closed the connection

    // The call copies what the stream needs into the stream's frame; the
    // handler (its captures) is freed before the stream runs, maybe for hours.
    auto stream = next.stream(socket, control, ctx);
    next.stream = nullptr;
    co_await std::move(stream);
    if (ctx.opts.access_log && !next.method.empty() && ctx.log.enabled(log_level::info)) {
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - next.started);
        ctx.log.info("access method=", next.method, " path=", next.path, " status=", next.status,
                     " stream_ms=", ms.count(), " bytes=", control.bytes_written);
    }
}

} // namespace herald::app
