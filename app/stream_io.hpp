// app/stream_io.hpp — what every long-lived stream needs, whatever it sends:
// a write the worker's sweep can watch, a sleep shutdown can end, and a
// watcher for the client leaving.
#pragma once

#include "herald/sse/stream_writer.hpp"
#include "session.hpp"

#include <chrono>
#include <optional>
#include <string_view>

namespace herald::app {

/// How a stream ended.
enum class stream_end { client_closed, client_reset, write_failed, cancelled, completed };

/// The library's writer for a stream of this server: its writes are watched
/// by the worker's sweep and counted for the access log.
inline sse::stream_writer<tcp::socket> stream_writer_for(tcp::socket& socket,
                                                         connection_control& control) noexcept {
    return sse::stream_writer<tcp::socket>(socket, &control.write_pending_since,
                                           &control.bytes_written);
}

/// Writes `bytes` (which must outlive the write) through the library's
/// writer, with the worker watching: while the write is pending, the
/// worker's sweep can see for how long, and cancel the stream if the client
/// stopped reading (a full send buffer is the only way a write can pend).
awaitable<error_code> watched_write(tcp::socket& socket, connection_control& control,
                                    std::string_view bytes);

/// Counts a stream in (the worker's open streams, /metrics); returns how
/// many are open now, for the log.
std::size_t stream_opened(const session_context& ctx, endpoint where);

/// Counts a stream out and logs its end. The server's reason, if it stopped
/// the stream (control.reason: shutdown, write timeout, slow consumer), is
/// what /metrics counts and the log says, about the `who` ("client",
/// "subscriber"); otherwise the stream ended on its own, counted as
/// `otherwise` and logged as `why`.
void stream_closed(const session_context& ctx, endpoint where, const connection_control& control,
                   std::string_view who, disconnect otherwise, std::string_view why);

/// Reads and discards whatever the client sent, without blocking. A stream's
/// client sends nothing after its request, so this sees EOF (it left), an
/// error (the connection broke), or stray bytes (a pipelined request, a
/// body), which are discarded, never parsed. Empty while the connection is
/// open. The socket must be in non-blocking mode.
std::optional<stream_end> drain_input(tcp::socket& socket);

/// The seed's `case <-r.Context().Done()`, without a coroutine of its own.
///
/// A stream is one coroutine that sleeps on a timer (its next tick, its
/// wake-up by the hub, a heartbeat, a token's expiry) and writes. Racing it
/// against a second coroutine that waits for the client (`a || b`) would cost
/// every idle stream a parallel group, a second frame and the cancellation
/// plumbing between them, about 2.3 KiB each. Instead, one socket
/// async_wait(wait_read) stays pending with a plain completion handler (a
/// pointer to this object). When the socket turns readable, the handler
/// drains it; if the client left, it records why, cancels the stream's timer
/// and any write pending on the socket, and the stream sees left() at the top
/// of its loop. Shutdown, the write-timeout sweep and the hub's cut() still
/// reach the stream through the connection's cancellation slot: they cancel
/// what the coroutine awaits, never this wait.
///
/// Lifetime: once start()ed, the stream must `co_await stop()` before this
/// object dies. stop() cancels the wait and returns only after the handler
/// has run, so no handler can touch a destroyed watcher.
class client_watch {
public:
    /// `wake` is the timer the stream sleeps on; the socket must be in
    /// non-blocking mode.
    client_watch(tcp::socket& socket, net::steady_timer& wake)
        : socket_(socket)
        , wake_(wake) {}
    client_watch(const client_watch&) = delete;
    client_watch& operator=(const client_watch&) = delete;

    /// Starts watching.
    void start() { arm(); }

    /// Set once the client has gone: how it went.
    std::optional<stream_end> left() const noexcept { return left_; }

    /// Stops watching; completes once the pending wait's handler has run.
    /// Uses the wake timer, so the stream must not be waiting on it.
    awaitable<void> stop();

private:
    void arm();
    void on_readable(const error_code& ec);

    tcp::socket& socket_;
    net::steady_timer& wake_;
    std::optional<stream_end> left_;
    bool pending_ = false;  // an async_wait is outstanding
    bool stopping_ = false; // stop() was called: do not re-arm
};

/// Sleeps for `d`, or less if the coroutine is cancelled (also if it was
/// cancelled before: Asio only records a cancellation that arrives while a
/// coroutine waits on nothing, and no new wait would see it). True if the
/// sleep ran its course.
awaitable<bool> cancellable_sleep(std::chrono::steady_clock::duration d);

} // namespace herald::app
