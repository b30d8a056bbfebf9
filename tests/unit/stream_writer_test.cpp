// The stream writer's fast path, over a real loopback TCP connection whose
// buffers are made tiny so that the socket takes all, part or none of a
// write: send_now() sends what fits without waiting, finish() writes the rest
// with async_write, and the watched time is set only while a write pends.
#include "herald/sse/stream_writer.hpp"

#include "catch.hpp"

#include <array>
#include <chrono>
#include <span>
#include <string>
#include <vector>

namespace {

using herald::awaitable;
using herald::error_code;
using herald::tcp;
using herald::use_tuple;
namespace net = herald::net;
using writer_type = herald::sse::stream_writer<tcp::socket>;
using clock_type = std::chrono::steady_clock;

// A connected pair on 127.0.0.1: `out` writes, `in` reads. Both ends get
// small kernel buffers, so a megabyte cannot fit in them.
struct socket_pair {
    net::io_context io;
    tcp::socket out{io}, in{io};

    socket_pair() {
        tcp::acceptor acceptor(io, tcp::endpoint(net::ip::address_v4::loopback(), 0));
        in.open(tcp::v4());
        in.set_option(net::socket_base::receive_buffer_size(4096));
        in.connect(acceptor.local_endpoint());
        acceptor.accept(out);
        out.set_option(net::socket_base::send_buffer_size(4096));
        out.non_blocking(true);
    }
};

std::string pattern(std::size_t size, char seed) {
    std::string s(size, '\0');
    for (std::size_t i = 0; i < size; ++i)
        s[i] = char(seed + i % 23);
    return s;
}

// Reads exactly `n` bytes from `in`, asynchronously, into `got`.
awaitable<void> read_exactly(tcp::socket& in, std::size_t n, std::string& got) {
    got.resize(n);
    auto [ec, read] = co_await net::async_read(in, net::buffer(got), use_tuple);
    got.resize(read);
}

void run_coroutine(net::io_context& io, awaitable<void> a) {
    net::co_spawn(io, std::move(a), [](std::exception_ptr e) {
        if (e)
            std::rethrow_exception(e);
    });
}

} // namespace

TEST_CASE("send_now sends a whole gather when the socket has room, and watches nothing") {
    socket_pair p;
    const std::string a = "event: tick\n", b = "id: 7\n", c = "data: x\n\n";
    std::array<net::const_buffer, 3> out{net::buffer(a), net::buffer(b), net::buffer(c)};
    clock_type::time_point watched{};
    writer_type writer(p.out, &watched);

    CHECK(writer.send_now(out) == a.size() + b.size() + c.size());
    CHECK(net::buffer_size(out) == 0); // advanced past everything
    CHECK(watched == clock_type::time_point{});

    std::string got;
    run_coroutine(p.io, read_exactly(p.in, a.size() + b.size() + c.size(), got));
    p.io.run();
    CHECK(got == a + b + c);
}

TEST_CASE("send_now sends what fits, and finish writes the rest, watched while it pends") {
    socket_pair p;
    const auto a = pattern(256 * 1024, 'a'), b = pattern(512 * 1024, 'k'),
               c = pattern(256 * 1024, 'A');
    const auto total = a.size() + b.size() + c.size();
    std::array<net::const_buffer, 3> out{net::buffer(a), net::buffer(b), net::buffer(c)};
    clock_type::time_point watched{};
    writer_type writer(p.out, &watched);

    const auto sent = writer.send_now(out);
    CHECK(sent > 0);
    CHECK(sent < total);
    CHECK(net::buffer_size(out) == total - sent); // what is left is exactly the rest
    CHECK(watched == clock_type::time_point{});   // send_now never watches

    const auto since = clock_type::now() - std::chrono::seconds(3);
    herald::sse::write_result result{net::error::operation_aborted, 0};
    run_coroutine(p.io,
                  [](writer_type& w, std::span<net::const_buffer> rest,
                     clock_type::time_point since,
                     herald::sse::write_result& r) -> awaitable<void> {
                      r = co_await w.finish(rest, since);
                  }(writer, out, since, result));
    p.io.poll(); // the write starts, and pends: nobody reads yet
    CHECK(watched == since);

    std::string got;
    run_coroutine(p.io, read_exactly(p.in, total, got));
    p.io.run();
    CHECK_FALSE(result.ec);
    CHECK(result.bytes == total - sent);
    CHECK(watched == clock_type::time_point{}); // cleared once the write completed
    CHECK(got.size() == total);
    CHECK(got == a + b + c); // in order, nothing lost or repeated at the seam
}

TEST_CASE("send_now takes nothing from a full socket, and write() sends it all by async_write") {
    socket_pair p;
    // Fill the kernel's buffers until the socket refuses a byte more.
    const auto filler = pattern(64 * 1024, '0');
    std::string queued;
    writer_type writer(p.out);
    for (int i = 0; i < 10'000; ++i) {
        std::array<net::const_buffer, 1> f{net::buffer(filler)};
        const auto n = writer.send_now(f);
        if (n == 0)
            break;
        queued.append(filler, 0, n);
    }
    const auto event = pattern(10'000, 'e');
    std::array<net::const_buffer, 1> out{net::buffer(event)};
    CHECK(writer.send_now(out) == 0);
    CHECK(net::buffer_size(out) == event.size()); // untouched

    clock_type::time_point watched{};
    writer.watch(&watched);
    herald::sse::write_result result{net::error::operation_aborted, 0};
    run_coroutine(p.io,
                  [](writer_type& w, std::span<net::const_buffer> bytes,
                     herald::sse::write_result& r) -> awaitable<void> {
                      r = co_await w.write(bytes);
                  }(writer, out, result));
    p.io.poll();
    CHECK(watched != clock_type::time_point{}); // pending, from about now

    std::string got;
    run_coroutine(p.io, read_exactly(p.in, queued.size() + event.size(), got));
    p.io.run();
    CHECK_FALSE(result.ec);
    CHECK(result.bytes == event.size());
    CHECK(watched == clock_type::time_point{});
    CHECK(got == queued + event);
}

TEST_CASE("on a blocking socket send_now sends nothing and write() still writes everything") {
    socket_pair p;
    p.out.non_blocking(false);
    const std::string bytes = "data: blocking\n\n";
    std::array<net::const_buffer, 1> out{net::buffer(bytes)};
    writer_type writer(p.out);
    CHECK(writer.send_now(out) == 0);

    herald::sse::write_result result{net::error::operation_aborted, 0};
    run_coroutine(p.io,
                  [](writer_type& w, std::span<net::const_buffer> b, herald::sse::write_result& r)
                      -> awaitable<void> { r = co_await w.write(b); }(writer, out, result));
    std::string got;
    run_coroutine(p.io, read_exactly(p.in, bytes.size(), got));
    p.io.run();
    CHECK_FALSE(result.ec);
    CHECK(result.bytes == bytes.size());
    CHECK(got == bytes);
}

TEST_CASE("finish writes nothing for a coroutine whose cancellation was only recorded") {
    // A stop emitted while the coroutine waits on something that ignores
    // cancellation (here a post) is recorded in its state and reaches no
    // operation. finish() must see it rather than start a write that nothing
    // would cancel.
    socket_pair p;
    const auto big = pattern(4 << 20, 'z');
    std::array<net::const_buffer, 1> out{net::buffer(big)};
    clock_type::time_point watched{};
    writer_type writer(p.out, &watched);
    net::cancellation_signal stop;
    herald::sse::write_result result{};
    bool finished = false;
    net::co_spawn(
        p.io,
        [](writer_type& w, std::span<net::const_buffer> b, herald::sse::write_result& r,
           bool& done) -> awaitable<void> {
            co_await net::this_coro::throw_if_cancelled(false);
            co_await net::post(net::use_awaitable); // the stop arrives meanwhile
            r = co_await w.finish(b);
            done = true;
        }(writer, out, result, finished),
        net::bind_cancellation_slot(stop.slot(), [](std::exception_ptr e) {
            if (e)
                std::rethrow_exception(e);
        }));
    net::post(p.io, [&] { stop.emit(net::cancellation_type::terminal); });
    p.io.run();
    CHECK(finished);
    CHECK(result.ec == net::error::operation_aborted);
    CHECK(result.bytes == 0);
    CHECK(watched == clock_type::time_point{});
    std::array<char, 16> probe;
    error_code ec;
    p.in.non_blocking(true);
    p.in.read_some(net::buffer(probe), ec);
    CHECK(ec == net::error::would_block); // not one byte was sent
}
