#include "herald/http/read_body.hpp"

#include "herald/error.hpp"

#include "deadline.hpp"

#include <array>

namespace herald::http {
namespace {

bool expects_continue(const request& req) {
    const auto expect = req.header("Expect");
    return expect && iequals(*expect, "100-continue") && req.is_http11();
}

awaitable<body_read_result> read_rest(tcp::socket& socket, body_parser& parser, bool send_continue,
                                      const socket_deadline& watch) {
    if (send_continue) {
        static constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
        if (cancelled(co_await net::this_coro::cancellation_state) || watch.expired())
            co_return body_read_result{net::error::operation_aborted, {}, {}};
        auto [ec, n] = co_await net::async_write(socket, net::buffer(continue_line), use_tuple);
        if (ec)
            co_return body_read_result{ec, {}, {}};
    }
    // 4 KiB per read: a publish usually fits in one, and this frame lives
    // only until the body is complete.
    std::array<char, 4096> chunk;
    for (;;) {
        if (cancelled(co_await net::this_coro::cancellation_state) || watch.expired())
            co_return body_read_result{net::error::operation_aborted, {}, {}};
        auto [ec, n] = co_await socket.async_read_some(net::buffer(chunk), use_tuple);
        if (ec) {
            if (ec == net::error::eof)
                ec = errc::partial_body;
            co_return body_read_result{ec, {}, {}};
        }
        const auto r = parser.feed({chunk.data(), n});
        if (r.state == body_parser::status::error)
            co_return body_read_result{parser.error(), {}, {}};
        if (r.state == body_parser::status::done)
            co_return body_read_result{{},
                                       std::move(parser.body()),
                                       std::string(chunk.data() + r.consumed, n - r.consumed)};
    }
}

} // namespace

awaitable<body_read_result> async_read_body(tcp::socket& socket, const request& req,
                                            std::string buffered, body_limits limits,
                                            std::chrono::steady_clock::time_point deadline) {
    co_return co_await herald::detail::before_own_deadline<body_read_result>(
        socket,
        [&](socket_deadline& watch, std::chrono::steady_clock::time_point when) {
            return async_read_body(socket, req, std::move(buffered), limits, watch, when);
        },
        deadline);
}

awaitable<body_read_result> async_read_body(tcp::socket& socket, const request& req,
                                            std::string buffered, body_limits limits,
                                            socket_deadline& watch,
                                            std::chrono::steady_clock::time_point deadline) {
    body_parser parser(req, limits);
    const auto r = parser.feed(buffered);
    if (r.state == body_parser::status::error)
        co_return body_read_result{parser.error(), {}, {}};
    if (r.state == body_parser::status::done) {
        buffered.erase(0, r.consumed);
        co_return body_read_result{{}, std::move(parser.body()), std::move(buffered)};
    }
    // Only a body that has not begun to arrive needs the invitation.
    const bool send_continue = buffered.empty() && expects_continue(req);
    buffered = std::string{}; // all of it is in the parser now
    co_return co_await herald::detail::before_deadline(
        read_rest(socket, parser, send_continue, watch), watch, deadline, errc::body_timeout);
}

} // namespace herald::http
