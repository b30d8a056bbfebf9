#include "herald/http/read_request.hpp"

#include "herald/error.hpp"

#include <array>
#include <variant>

namespace herald::http {
namespace {

using namespace asio::experimental::awaitable_operators;

awaitable<read_result> read_head(tcp::socket& socket, request_parser& parser, bool received_any) {
    // 1 KiB per read: a typical SSE subscription fits in one read, and this
    // frame lives only until the head is parsed.
    std::array<char, 1024> chunk;
    for (;;) {
        if (cancelled(co_await net::this_coro::cancellation_state))
            co_return read_result{net::error::operation_aborted, {}, {}};
        auto [ec, n] = co_await socket.async_read_some(net::buffer(chunk), use_tuple);
        if (ec) {
            if (ec == net::error::eof && received_any)
                ec = errc::partial_request;
            co_return read_result{ec, {}, {}};
        }
        received_any = true;
        const auto r = parser.feed({chunk.data(), n});
        if (r.state == request_parser::status::error)
            co_return read_result{parser.error(), {}, {}};
        if (r.state == request_parser::status::done)
            co_return read_result{{},
                                  std::move(parser.get()),
                                  std::string(chunk.data() + r.consumed, n - r.consumed)};
    }
}

// The watchdog arm of the race: completes when the deadline passes. If the
// read wins, the race cancels this timer; if this wins, the race cancels the read.
awaitable<void> expire_at(std::chrono::steady_clock::time_point deadline) {
    net::steady_timer timer(co_await net::this_coro::executor, deadline);
    if (cancelled(co_await net::this_coro::cancellation_state))
        co_return;
    (void)co_await timer.async_wait(use_tuple);
}

} // namespace

awaitable<read_result> async_read_request(tcp::socket& socket, request_parser& parser,
                                          std::chrono::steady_clock::time_point deadline,
                                          std::string buffered) {
    const bool received_any = !buffered.empty();
    if (received_any) {
        const auto r = parser.feed(buffered);
        if (r.state == request_parser::status::error)
            co_return read_result{parser.error(), {}, {}};
        if (r.state == request_parser::status::done) {
            buffered.erase(0, r.consumed);
            co_return read_result{{}, std::move(parser.get()), std::move(buffered)};
        }
        buffered = std::string{}; // all of it is in the parser now
    }
    auto outcome = co_await (read_head(socket, parser, received_any) || expire_at(deadline));
    if (outcome.index() == 1)
        co_return read_result{errc::header_timeout, {}, {}};
    co_return std::move(std::get<0>(outcome));
}

} // namespace herald::http
