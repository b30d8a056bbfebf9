#include "stream_io.hpp"

#include "herald/sse/stream_writer.hpp"

#include <array>

namespace herald::app {

// A plain function, so the buffer is on the thread's stack and not in every
// stream's frame.
std::optional<stream_end> drain_input(tcp::socket& socket) {
    std::array<char, 1024> sink;
    for (;;) {
        error_code ec;
        socket.read_some(net::buffer(sink), ec);
        if (ec == net::error::would_block)
            return std::nullopt; // still open
        if (ec == net::error::eof)
            return stream_end::client_closed;
        if (ec)
            return stream_end::client_reset;
    }
}

void client_watch::arm() {
    pending_ = true;
    // A small handler with no executor or allocator of its own: Asio runs
    // it on the socket's executor and recycles its operation's memory.
    socket_.async_wait(tcp::socket::wait_read, [this](const error_code& ec) { on_readable(ec); });
}

void client_watch::on_readable(const error_code& ec) {
    pending_ = false;
    if (stopping_) {
        wake_.cancel(); // stop() waits for this
        return;
    }
    if (!ec) {
        const auto end = drain_input(socket_);
        if (!end) {
            arm(); // stray bytes, discarded: keep watching
            return;
        }
        left_ = end;
    } else {
        left_ = stream_end::client_reset; // the wait itself failed: the socket is unusable
    }
    // Wake the stream wherever it waits: asleep on its timer, or in a write
    // to a client that is no longer there.
    wake_.cancel();
    error_code ignored;
    socket_.cancel(ignored);
}

awaitable<void> client_watch::stop() {
    stopping_ = true;
    if (!pending_)
        co_return;
    error_code ignored;
    socket_.cancel(ignored);
    // The handler may already be queued with a success: either way it runs
    // once more, sees stopping_, and cancels the timer. A second stop signal
    // meanwhile (shutdown after a cut) only wakes this loop early.
    while (pending_) {
        wake_.expires_at(std::chrono::steady_clock::time_point::max());
        (void)co_await wake_.async_wait(use_tuple);
    }
}

std::size_t stream_opened(const session_context& ctx, endpoint where) {
    if (ctx.counters)
        ctx.counters->streams_open[std::size_t(where)].add();
    return ++ctx.open_streams;
}

void stream_closed(const session_context& ctx, endpoint where, const connection_control& control,
                   std::string_view who, disconnect otherwise, std::string_view why) {
    const auto left = --ctx.open_streams;
    if (ctx.counters) {
        ctx.counters->streams_open[std::size_t(where)].sub();
        ctx.counters->disconnects[std::size_t(disconnect_reason(control.reason, otherwise))].add();
    }
    switch (control.reason) {
    case stop_reason::slow_consumer:
        ctx.log.warn("cutting slow ", who, ": queue full streams=", left);
        break;
    case stop_reason::write_timeout:
        ctx.log.warn("cutting ", who, ": no data taken for ", ctx.opts.write_timeout.count(),
                     "ms streams=", left);
        break;
    case stop_reason::shutdown:
        ctx.log.info("disconnecting ", who, ": server shutting down streams=", left);
        break;
    case stop_reason::none:
        ctx.log.info(why, " streams=", left);
        break;
    }
}

awaitable<error_code> watched_write(tcp::socket& socket, connection_control& control,
                                    std::string_view bytes) {
    auto writer = stream_writer_for(socket, control);
    net::const_buffer whole = net::buffer(bytes);
    const std::span<net::const_buffer> one(&whole, 1);
    const auto result = co_await writer.write(one);
    co_return result.ec;
}

awaitable<bool> cancellable_sleep(std::chrono::steady_clock::duration d) {
    net::steady_timer timer(co_await net::this_coro::executor, d);
    if (cancelled(co_await net::this_coro::cancellation_state))
        co_return false;
    auto [ec] = co_await timer.async_wait(use_tuple);
    co_return !ec;
}

} // namespace herald::app
