// socket_deadline over a loopback socket pair: a deadline that passes just
// as the read completes neither crashes nor loses the request, a stale
// expiry never cancels a later read, the lazy timer still fires on time when
// re-armed earlier or later, and cancellation through the coroutine's slot
// is an abort, not a timeout.
#include "catch.hpp"
#include "herald/error.hpp"
#include "herald/http/read_request.hpp"
#include "herald/socket_deadline.hpp"

#include <chrono>
#include <exception>
#include <optional>
#include <string>

using namespace std::chrono_literals;
using herald::errc;
using herald::socket_deadline;
using herald::tcp;
namespace net = herald::net;
namespace http = herald::http;
using clock_type = std::chrono::steady_clock;

namespace {

// A connected pair on one single-threaded io_context, run by the test thread.
struct socket_pair {
    net::io_context ctx;
    tcp::socket server{ctx};
    tcp::socket client{ctx};
    net::steady_timer sender{ctx}; // writes to `client` at a chosen time

    socket_pair() {
        tcp::acceptor acceptor(ctx, {net::ip::make_address("127.0.0.1"), 0});
        client.connect(acceptor.local_endpoint());
        acceptor.accept(server);
    }

    // Writes `bytes` from the client at `when`, from a plain handler.
    void send_at(clock_type::time_point when, std::string bytes) {
        sender.expires_at(when);
        sender.async_wait([this, bytes = std::move(bytes)](const std::error_code& ec) {
            if (!ec)
                net::write(client, net::buffer(bytes));
        });
    }

    // Runs `task` to completion, with every handler it left behind.
    template <typename T>
    T run(herald::awaitable<T> task) {
        std::optional<T> out;
        std::exception_ptr failure;
        net::co_spawn(ctx, std::move(task), [&](std::exception_ptr e, T value) {
            failure = e;
            out = std::move(value);
        });
        ctx.run();
        if (failure)
            std::rethrow_exception(failure);
        return std::move(*out);
    }
};

struct two_reads {
    std::error_code first_ec;
    std::string first_path;
    std::error_code second_ec;
    std::string second_path;
};

// Reads a head whose bytes arrive `offset` from its deadline, then (if it was
// read) a second head with a distant deadline on the same socket_deadline.
herald::awaitable<two_reads> read_at_the_deadline(socket_pair& p,
                                                  std::chrono::microseconds offset) {
    two_reads out;
    socket_deadline watch(p.server);
    const auto deadline = clock_type::now() + 2ms;
    p.send_at(deadline + offset, "GET /first HTTP/1.1\r\nHost: x\r\n\r\n");
    http::request_parser first;
    auto a = co_await http::async_read_request(p.server, first, watch, deadline);
    out.first_ec = a.ec;
    out.first_path = a.req.path;
    if (!a.ec) {
        // The first deadline's expiry may still be queued: it must not
        // cancel this read.
        p.send_at(clock_type::now() + 1ms, "GET /second HTTP/1.1\r\nHost: x\r\n\r\n");
        http::request_parser second;
        auto b = co_await http::async_read_request(p.server, second, watch, clock_type::now() + 5s);
        out.second_ec = b.ec;
        out.second_path = b.req.path;
    }
    co_await watch.stop();
    co_return out;
}

struct timed_read {
    std::error_code ec;
    clock_type::duration took{};
};

// Arms the deadline for `first`, disarms it, then reads with `second` while
// the client sends nothing: the read must end at `second`, not `first`.
herald::awaitable<timed_read> rearmed_read(socket_pair& p, std::chrono::milliseconds first,
                                           std::chrono::milliseconds second) {
    socket_deadline watch(p.server);
    watch.arm(clock_type::now() + first);
    watch.disarm();
    const auto start = clock_type::now();
    http::request_parser parser;
    auto r = co_await http::async_read_request(p.server, parser, watch, start + second);
    const auto took = clock_type::now() - start;
    co_await watch.stop();
    co_return timed_read{r.ec, took};
}

// A read with a distant deadline, cancelled through the coroutine's slot:
// with a socket_deadline kept by the caller (which, like the app, handles
// cancellation as a value), or with the deadline-only overload (under Asio's
// default, which throws at a co_await after a cancellation).
herald::awaitable<timed_read> cancelled_read(socket_pair& p, bool own_deadline) {
    const auto start = clock_type::now();
    http::request_parser parser;
    if (!own_deadline) {
        auto r = co_await http::async_read_request(p.server, parser, start + 10s);
        co_return timed_read{r.ec, clock_type::now() - start};
    }
    co_await net::this_coro::throw_if_cancelled(false);
    socket_deadline watch(p.server);
    auto r = co_await http::async_read_request(p.server, parser, watch, start + 10s);
    const auto took = clock_type::now() - start;
    co_await watch.stop();
    co_return timed_read{r.ec, took};
}

} // namespace

TEST_CASE("a request arriving as its deadline passes is read whole or timed out, and a stale "
          "expiry never cancels the next read") {
    int read = 0, timed_out = 0;
    for (int i = 0; i < 300; ++i) {
        socket_pair p;
        const auto offset = std::chrono::microseconds((i % 21 - 10) * 50); // -500 us .. +500 us
        const auto out = p.run(read_at_the_deadline(p, offset));
        if (out.first_ec == make_error_code(errc::header_timeout)) {
            ++timed_out;
            continue;
        }
        REQUIRE_FALSE(out.first_ec);
        CHECK(out.first_path == "/first");
        REQUIRE_FALSE(out.second_ec);
        CHECK(out.second_path == "/second");
        ++read;
    }
    CHECK(read + timed_out == 300);
    CHECK(read > 0); // bytes sent half a millisecond early are read
}

TEST_CASE("a deadline re-armed later than the timer's pending expiry still fires at its time") {
    socket_pair p;
    // The timer waits for 50 ms first; the read's deadline is 300 ms out.
    const auto r = p.run(rearmed_read(p, 50ms, 300ms));
    CHECK(r.ec == make_error_code(errc::header_timeout));
    CHECK(r.took >= 290ms);
    CHECK(r.took < 2s);
}

TEST_CASE("a deadline re-armed earlier than the timer's pending expiry fires at the earlier time") {
    socket_pair p;
    const auto r = p.run(rearmed_read(p, 10s, 100ms));
    CHECK(r.ec == make_error_code(errc::header_timeout));
    CHECK(r.took >= 90ms);
    CHECK(r.took < 2s);
}

TEST_CASE("cancelling the reading coroutine aborts the read at once, and is not a timeout") {
    const bool own_deadline = GENERATE(true, false);
    socket_pair p;
    net::cancellation_signal signal;
    std::optional<timed_read> out;
    std::exception_ptr failure;
    net::co_spawn(
        p.ctx, cancelled_read(p, own_deadline),
        net::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e, timed_read r) {
            failure = e;
            out = r;
        }));
    net::steady_timer stopper(p.ctx, clock_type::now() + 50ms);
    stopper.async_wait(
        [&](const std::error_code&) { signal.emit(net::cancellation_type::terminal); });
    p.ctx.run();
    if (failure)
        std::rethrow_exception(failure); // the default throw_if_cancelled(true) must not throw
    REQUIRE(out);
    CHECK(out->ec == net::error::operation_aborted);
    CHECK(out->took < 2s);
}
