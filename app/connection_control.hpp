// app/connection_control.hpp — the worker's handle on one open connection,
// and why the server ended it.
#pragma once

#include "counters.hpp"
#include "herald/net.hpp"

#include <chrono>

namespace herald::app {

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

} // namespace herald::app
