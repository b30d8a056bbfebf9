// app/session.hpp — one connection, from its request head to its end.
#pragma once

#include "herald/net.hpp"
#include "log.hpp"
#include "options.hpp"

#include <atomic>
#include <chrono>
#include <string>

namespace herald::app {

class hub_node;
class hub_worker;

/// Why the server ended a connection on its own initiative.
enum class stop_reason {
    none,
    shutdown,
    write_timeout,
    slow_consumer, ///< a hub subscriber's queue overflowed
};

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
    hub_node* hub = nullptr;          ///< the Mercure hub, shared by the workers
    hub_worker* hub_local = nullptr; ///< this worker's hub subscribers
};

/// Serves one connection: reads the request head (within header_timeout),
/// answers it, and for GET /sse streams events until the client leaves or the
/// worker emits `control.stop`. Never throws for I/O errors.
awaitable<void> serve_connection(tcp::socket socket, connection_control& control,
                                 session_context ctx);

/// Writes a complete response, then closes politely: FIN first, then drain
/// what the client still sends (briefly), so the response is not lost to a RST.
/// With `control`, the write is watched by the worker's write-timeout sweep
/// like a stream's, so a client that never reads cannot hold the connection.
awaitable<void> respond_and_close(tcp::socket& socket, std::string response,
                                  connection_control* control = nullptr);

} // namespace herald::app
