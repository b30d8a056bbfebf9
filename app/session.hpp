// app/session.hpp — one connection, from its request head to its end.
#pragma once

#include "connection_control.hpp"
#include "counters.hpp"
#include "herald/net.hpp"
#include "log.hpp"
#include "options.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace herald::http {
class request;
}

namespace herald::app {

class health_state;
struct metrics_sources;
class hub_node;
class hub_worker;
struct stream_template; // app/event_stream.hpp

/// What a session needs from its worker; shared by all sessions of a worker.
struct session_context {
    const options& opts;
    logger& log;
    const stream_template& events;
    std::atomic<std::size_t>& open_streams;
    hub_node* hub = nullptr;              ///< the Mercure hub, shared by the workers
    hub_worker* hub_local = nullptr;      ///< this worker's hub subscribers
    const health_state* health = nullptr; ///< for /healthz and /readyz
    /// This worker's counters for /metrics; null with --metrics off, which
    /// skips the counting (and /metrics answers 404).
    worker_counters* counters = nullptr;
    const metrics_sources* metrics = nullptr;
    /// Accepted on --admin-listen: serves health and metrics only.
    bool admin = false;
};

/// A long-lived answer. The session hands its socket over: the handler owns
/// the connection until it returns, and closes the socket before it does.
/// `control.stop` cancels whatever it awaits (shutdown, write timeout).
///
/// Write it as a plain lambda that calls a coroutine function, never as a
/// coroutine lambda: the coroutine's parameters are copied into its frame,
/// while a coroutine lambda's captures die with the std::function. Capture
/// owned values (std::string, not string_view into the request): the
/// request and its body are freed before the stream starts.
///   [params](tcp::socket& s, connection_control& c, const session_context& ctx) {
///       return serve_my_stream(s, c, ctx, params);
///   }
using stream_handler =
    std::function<awaitable<void>(tcp::socket&, connection_control&, const session_context&)>;

/// What the router answers to one request: a complete response, or a stream.
struct route_result {
    /// The complete response (head and body), framed by Content-Length, so
    /// the connection can carry the next request. No Connection field is
    /// needed: the session adds `Connection: close` when it closes. Empty
    /// with `close`: close without answering.
    std::string response;
    /// Close after this response even if the client would keep the
    /// connection (the client's `Connection: close` and HTTP/1.0 already do).
    bool close = false;
    /// Set: the connection becomes a stream, and `response` is ignored.
    stream_handler stream;
    /// Set: the response comes later (a cluster's publish waits for Redis):
    /// the session awaits it in place of `response`. Same rule as for
    /// `stream`: a plain lambda calling a coroutine with owned values.
    std::function<awaitable<std::string>()> deferred = {};
};

/// Where a request goes, given its head and its whole decoded body: a
/// complete response, a stream, or a response computed later. No I/O: the
/// session reads the request and acts on what this returns (so a test can
/// call it without a socket). Unknown methods get 501, unknown paths 404, a
/// known path with a method it does not serve 405 with Allow; a HEAD's
/// response is stripped of its content by the session, not here.
route_result route(const http::request& req, std::string_view body, const session_context& ctx);

/// The first id a /sse stream sends: one past the id the client resumes
/// from. That id is the Last-Event-ID header's, or, only when the header is
/// absent, the `lastEventId` query parameter's (for clients that cannot set
/// headers: an EventSource's first connection). Anything but a plain decimal
/// number below 2^64-1 (empty, signed, spaced, too long, not ASCII digits)
/// starts from 1, as does no id at all. The hub's resume is another matter
/// (hub::parse_subscribe).
std::uint64_t first_event_id(const http::request& req);

/// Serves one connection: a loop of requests (keep-alive, pipelined requests
/// answered in order) until one side closes, the connection is idle for
/// idle_timeout, or a request turns it into a stream (GET /sse). Each head
/// must arrive within header_timeout of its first byte (of the accept, for
/// the first), and each body within header_timeout of its head. Never throws
/// for I/O errors.
awaitable<void> serve_connection(tcp::socket socket, connection_control& control,
                                 session_context ctx);

/// Writes a complete response, then closes politely: FIN first, then drain
/// what the client still sends (briefly), so the response is not lost to a RST.
/// With `control`, the write is watched by the worker's write-timeout sweep
/// like a stream's, so a client that never reads cannot hold the connection,
/// and a shutdown lets the write finish, then closes without the drain.
awaitable<void> respond_and_close(tcp::socket& socket, std::string response,
                                  connection_control* control = nullptr);

} // namespace herald::app
