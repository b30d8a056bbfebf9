#include "open.hpp"

#include "herald/redis/command.hpp"
#include "herald/redis/error.hpp"

#include <array>
#include <variant>
#include <vector>

namespace herald::redis::detail {
namespace {

using namespace net::experimental::awaitable_operators;

struct setup_command {
    std::vector<std::string_view> args;
    errc failure;
    const char* what;
};

awaitable<open_result> connect_and_setup(tcp::socket& socket, reply_parser& parser,
                                         const connect_options& o) {
    tcp::resolver resolver(socket.get_executor());
    const std::string service = std::to_string(o.port);
    auto [rec, endpoints] = co_await resolver.async_resolve(o.host, service, use_tuple);
    if (rec)
        co_return open_result{rec, "cannot resolve " + o.host + ": " + rec.message()};
    auto [cec, endpoint] = co_await net::async_connect(socket, endpoints, use_tuple);
    if (cec)
        co_return open_result{cec,
                              "cannot connect to " + o.host + ":" + service + ": " + cec.message()};
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);

    const std::string db = std::to_string(o.db);
    std::vector<setup_command> setup;
    if (!o.password.empty()) {
        if (o.user.empty())
            setup.push_back({{"AUTH", o.password}, errc::auth_failed, "AUTH"});
        else
            setup.push_back({{"AUTH", o.user, o.password}, errc::auth_failed, "AUTH"});
    }
    if (o.db != 0)
        setup.push_back({{"SELECT", db}, errc::select_failed, "SELECT"});
    if (!o.client_name.empty())
        setup.push_back(
            {{"CLIENT", "SETNAME", o.client_name}, errc::handshake_failed, "CLIENT SETNAME"});
    if (setup.empty())
        co_return open_result{};

    std::string request;
    for (const auto& c : setup)
        append_command(request, c.args);
    auto [wec, written] = co_await net::async_write(socket, net::buffer(request), use_tuple);
    if (wec)
        co_return open_result{errc::connection_lost,
                              "writing the setup commands: " + wec.message()};
    // Every reply is read, even after a failure, so the first error reported
    // is the one that matters (a rejected AUTH makes SELECT fail with NOAUTH).
    for (const auto& c : setup) {
        reply r;
        const auto ec = co_await read_reply(socket, parser, r);
        if (ec)
            co_return open_result{ec, std::string(c.what) + ": " + ec.message()};
        if (r.is_error())
            co_return open_result{c.failure, std::string(c.what) + " failed: " + r.str};
    }
    co_return open_result{};
}

} // namespace

awaitable<void> expire_at(std::chrono::steady_clock::time_point deadline) {
    net::steady_timer timer(co_await net::this_coro::executor, deadline);
    if (cancelled(co_await net::this_coro::cancellation_state))
        co_return;
    (void)co_await timer.async_wait(use_tuple);
}

awaitable<error_code> read_reply(tcp::socket& socket, reply_parser& parser, reply& out) {
    std::array<char, 4096> chunk;
    for (;;) {
        if (auto r = parser.next()) {
            out = std::move(*r);
            co_return error_code{};
        }
        if (parser.error())
            co_return parser.error();
        if (cancelled(co_await net::this_coro::cancellation_state))
            co_return net::error::operation_aborted;
        auto [ec, n] = co_await socket.async_read_some(net::buffer(chunk), use_tuple);
        if (ec)
            co_return ec == net::error::operation_aborted ? ec : error_code(errc::connection_lost);
        parser.feed({chunk.data(), n});
    }
}

awaitable<open_result> open(tcp::socket& socket, reply_parser& parser,
                            const connect_options& options) {
    const auto deadline = std::chrono::steady_clock::now() + options.connect_timeout;
    auto outcome = co_await (connect_and_setup(socket, parser, options) || expire_at(deadline));
    open_result result;
    if (outcome.index() == 1)
        result = {errc::connect_timeout,
                  "no connection to " + options.host + ":" + std::to_string(options.port) +
                      " within " + std::to_string(options.connect_timeout.count()) + " ms"};
    else
        result = std::move(std::get<0>(outcome));
    if (result.ec) {
        error_code ignored;
        socket.close(ignored);
    }
    co_return result;
}

} // namespace herald::redis::detail
