#include "stream_io.hpp"

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

awaitable<stream_end> watch_disconnect(tcp::socket& socket) {
    for (;;) {
        if (cancelled(co_await net::this_coro::cancellation_state))
            co_return stream_end::cancelled;
        auto [ec] = co_await socket.async_wait(tcp::socket::wait_read, use_tuple);
        if (ec)
            co_return stream_end::cancelled;
        if (const auto end = drain_input(socket))
            co_return *end;
    }
}

} // namespace herald::app
