#include "herald/http/read_request.hpp"

#include "herald/error.hpp"

#include "deadline.hpp"

#include <array>

namespace herald::http {
namespace {

awaitable<read_result> read_head(tcp::socket& socket, request_parser& parser, bool received_any,
                                 const socket_deadline& watch) {
    // 1 KiB per read: a typical SSE subscription fits in one read, and this
    // frame lives only until the head is parsed.
    std::array<char, 1024> chunk;
    for (;;) {
        if (cancelled(co_await net::this_coro::cancellation_state) || watch.expired())
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

} // namespace

awaitable<read_result> async_read_request(tcp::socket& socket, request_parser& parser,
                                          std::chrono::steady_clock::time_point deadline,
                                          std::string buffered) {
    co_return co_await herald::detail::before_own_deadline<read_result>(
        socket,
        [&](socket_deadline& watch, std::chrono::steady_clock::time_point when) {
            return async_read_request(socket, parser, watch, when, std::move(buffered));
        },
        deadline);
}

awaitable<read_result> async_read_request(tcp::socket& socket, request_parser& parser,
                                          socket_deadline& watch,
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
    co_return co_await herald::detail::before_deadline(
        read_head(socket, parser, received_any, watch), watch, deadline, errc::header_timeout);
}

} // namespace herald::http
