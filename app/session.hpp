// app/session.hpp — one connection, from its request head to its end.
#pragma once

#include "counters.hpp"
#include "herald/net.hpp"
#include "log.hpp"
#include "options.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

namespace herald::app {

class health_state;
struct metrics_sources;
class hub_node;
class hub_worker;

/// Why the server ended a connection on its own initiative.
enum class stop_reason {
    none,
    shutdown,
    write_timeout,
    slow_consumer, ///< a hub subscriber's queue overflowed
};

/// How /metrics counts a stream's end: the server's reason if it had one,
/// else `otherwise` (the client left, or the stream completed).
inline disconnect disconnect_reason(stop_reason reason, disconnect otherwise) {
    switch (reason) {
    case stop_reason::shutdown:
        return disconnect::shutdown;
    case stop_reason::write_timeout:
        return disconnect::write_timeout;
    case stop_reason::slow_consumer:
        return disconnect::slow_consumer;
    case stop_reason::none:
        break;
    }
    return otherwise;
}

/// The worker's handle on one open connection. The worker and the session
/// run on the same thread, so none of this needs a lock.
struct connection_control {
    /// Emitting terminal cancellation on this signal cancels whatever the
    /// session is awaiting (a read, a timer, a write). The session's coroutine
    /// is bound to its slot in server::start_session; the worker emits it on
    /// shutdown and when the write-timeout sweep gives up on a client.
    net::cancellation_signal stop;
    /// Set by the worker before it emits `stop`, so the session can say why.
    stop_reason reason = stop_reason::none;
    /// While a write to the client is pending: when it started. The worker's
    /// sweep closes streams whose write has been pending too long.
    std::chrono::steady_clock::time_point write_pending_since{};
    /// While a complete response is being written on a keep-alive
    /// connection. Shutdown does not cut it: it only sets `reason`, and the
    /// session closes once the response is out (the grace period bounds it).
    bool responding = false;
    /// Bytes a stream wrote to the client, its head included: every write
    /// site of a stream adds what the socket took (the access log reports it).
    std::uint64_t bytes_written = 0;
};

/// The bytes every event of this server shares, encoded once at start-up so
/// the per-event path only formats the id.
struct stream_template {
    std::string prefix;  ///< "event: <name>\n", or empty
    std::string suffix;  ///< "data: <line>\n"... "\n"
    std::string opening; ///< sent right after the head: a comment, and retry if set
};

/// Builds the template from the options. On bad input (a CR in the event
/// name, invalid UTF-8), returns false and names the flag in `error`.
bool make_stream_template(const options& opts, stream_template& out, std::string& error);

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
