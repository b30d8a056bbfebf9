// app/stream_io.hpp — what every long-lived stream needs, whatever it sends:
// a write the worker's sweep can watch, and a watcher for the client leaving.
#pragma once

#include "session.hpp"

#include <chrono>
#include <optional>

namespace herald::app {

/// How a stream ended, as its race reports it.
enum class stream_end { client_closed, client_reset, write_failed, cancelled, completed };

/// Writes with the worker watching: while the write is pending, the worker's
/// sweep can see for how long, and cancel the stream if the client stopped
/// reading (a full send buffer is the only way a write can pend).
template <typename Buffers>
awaitable<error_code> watched_write(tcp::socket& socket, connection_control& control,
                                    const Buffers& buffers,
                                    std::chrono::steady_clock::time_point since) {
    if (cancelled(co_await net::this_coro::cancellation_state))
        co_return net::error::operation_aborted;
    control.write_pending_since = since;
    auto [ec, n] = co_await net::async_write(socket, buffers, use_tuple);
    control.write_pending_since = {};
    control.bytes_written += n;
    co_return ec;
}

/// Reads and discards whatever the client sent, without blocking. A stream's
/// client sends nothing after its request, so this sees EOF (it left), an
/// error (the connection broke), or stray bytes (a pipelined request, a
/// body), which are discarded, never parsed. Empty while the connection is
/// open. The socket must be in non-blocking mode.
std::optional<stream_end> drain_input(tcp::socket& socket);

/// The seed's `case <-r.Context().Done()`: waits until the socket is
/// readable (no buffer is held while waiting), then drains it; returns when
/// the client is gone or the coroutine is cancelled.
awaitable<stream_end> watch_disconnect(tcp::socket& socket);

} // namespace herald::app
