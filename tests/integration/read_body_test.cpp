// async_read_request and async_read_body over a loopback socket pair: a
// body arrives intact (Content-Length or chunked, in any number of writes),
// the bytes after it are handed back for the next request, 100 Continue is
// sent when asked for, and the deadline and a closed connection are errors.
#include "herald/http/read_body.hpp"

#include "catch.hpp"
#include "herald/error.hpp"
#include "herald/http/read_request.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>

using namespace std::chrono_literals;
using herald::errc;
using herald::tcp;
namespace net = herald::net;
namespace http = herald::http;
using clock_type = std::chrono::steady_clock;

namespace {

struct outcome {
    std::error_code head_ec;
    http::body_read_result body;
};

// A server socket reading one request (head, then body) on a thread of its
// own, and a blocking client socket for the test to drive.
class reader {
public:
    explicit reader(http::body_limits limits = {}, std::chrono::milliseconds timeout = 3s) {
        tcp::acceptor acceptor(ctx_, {net::ip::make_address("127.0.0.1"), 0});
        client_.connect(acceptor.local_endpoint());
        acceptor.accept(server_);
        net::co_spawn(ctx_, read_one(limits, timeout), net::detached);
        thread_ = std::thread([this] { ctx_.run(); });
    }
    ~reader() {
        ctx_.stop();
        thread_.join();
    }

    void send(std::string_view bytes) { net::write(client_, net::buffer(bytes)); }

    std::string receive_some() {
        std::array<char, 256> buf;
        const auto n = client_.read_some(net::buffer(buf));
        return {buf.data(), n};
    }

    void close_client() { client_.shutdown(tcp::socket::shutdown_send); }

    // Waits for the server side to finish.
    const outcome& result() {
        const auto deadline = clock_type::now() + 5s;
        while (!done_.load() && clock_type::now() < deadline)
            std::this_thread::sleep_for(1ms);
        REQUIRE(done_.load());
        return outcome_;
    }

    // Whether the server side wrote anything to the client (non-blocking peek).
    bool client_has_input() {
        client_.non_blocking(true);
        std::array<char, 1> b;
        std::error_code ec;
        client_.receive(net::buffer(b), tcp::socket::message_peek, ec);
        client_.non_blocking(false);
        return !ec;
    }

private:
    herald::awaitable<void> read_one(http::body_limits limits, std::chrono::milliseconds timeout) {
        http::request_parser parser;
        auto head = co_await http::async_read_request(server_, parser, clock_type::now() + timeout);
        outcome_.head_ec = head.ec;
        if (!head.ec)
            outcome_.body = co_await http::async_read_body(
                server_, head.req, std::move(head.leftover), limits, clock_type::now() + timeout);
        done_ = true;
    }

    net::io_context ctx_;
    tcp::socket client_{ctx_};
    tcp::socket server_{ctx_};
    outcome outcome_;
    std::atomic<bool> done_{false};
    std::thread thread_;
};

// A plain coroutine function, not a lambda: co_spawn would keep only the
// lambda's frame, not its captures.
herald::awaitable<void> read_two_heads(tcp::socket& server, std::string& first, std::string& second,
                                       std::string& rest) {
    http::request_parser p1;
    auto a = co_await http::async_read_request(server, p1, clock_type::now() + 1s);
    first = a.req.path;
    http::request_parser p2;
    auto b = co_await http::async_read_request(server, p2, clock_type::now() + 1s,
                                               std::move(a.leftover));
    second = b.req.path;
    rest = b.leftover;
}

std::string binary_body(std::size_t n) {
    std::string body(n, '\0');
    for (std::size_t i = 0; i < n; ++i)
        body[i] = char((i * 7919) % 256); // every byte value, NUL and CR LF included
    return body;
}

} // namespace

TEST_CASE("a Content-Length body arrives intact over many writes, and the next request is left") {
    const auto body = binary_body(64 * 1024);
    reader r;
    r.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n");
    for (std::size_t i = 0; i < body.size(); i += 1000)
        r.send(std::string_view(body).substr(i, 1000));
    r.send("GET /next HTTP/1.1\r\n");
    const auto& got = r.result();
    REQUIRE_FALSE(got.head_ec);
    REQUIRE_FALSE(got.body.ec);
    CHECK(got.body.body == body);
    // The next request's bytes may or may not have arrived by then; what
    // did is its start, never the body's end.
    CHECK(std::string_view("GET /next HTTP/1.1\r\n").substr(0, got.body.leftover.size()) ==
          got.body.leftover);
}

TEST_CASE("a chunked body is decoded intact, and the bytes after it are left") {
    const auto body = binary_body(10'000);
    std::string chunked;
    for (std::size_t i = 0, size = 1; i < body.size(); i += size, size = size * 2 % 997 + 1) {
        const auto piece = std::string_view(body).substr(i, size);
        char hex[32];
        std::snprintf(hex, sizeof hex, "%zx", piece.size());
        chunked += std::string(hex) + "\r\n" + std::string(piece) + "\r\n";
    }
    chunked += "0\r\n\r\n";
    reader r;
    r.send("POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked +
           "GET /next HTTP/1.1\r\n\r\n");
    const auto& got = r.result();
    REQUIRE_FALSE(got.body.ec);
    CHECK(got.body.body == body);
    CHECK(std::string_view("GET /next HTTP/1.1\r\n\r\n").substr(0, got.body.leftover.size()) ==
          got.body.leftover);
}

TEST_CASE("Expect: 100-continue gets exactly one 100 Continue, then the body is read") {
    reader r;
    r.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-Continue\r\n\r\n");
    CHECK(r.receive_some() == "HTTP/1.1 100 Continue\r\n\r\n");
    r.send("hello");
    const auto& got = r.result();
    REQUIRE_FALSE(got.body.ec);
    CHECK(got.body.body == "hello");
    CHECK_FALSE(r.client_has_input());
}

TEST_CASE("no 100 Continue when the body came with the head") {
    reader r;
    r.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello");
    const auto& got = r.result();
    REQUIRE_FALSE(got.body.ec);
    CHECK(got.body.body == "hello");
    std::this_thread::sleep_for(50ms);
    CHECK_FALSE(r.client_has_input());
}

TEST_CASE("a declared body over the limit fails before any 100 Continue") {
    http::body_limits limits;
    limits.max_body = 4;
    reader r(limits);
    r.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    const auto& got = r.result();
    CHECK(got.body.ec == errc::body_too_large);
    std::this_thread::sleep_for(50ms);
    CHECK_FALSE(r.client_has_input());
}

TEST_CASE("a body that stops arriving fails with body_timeout at the deadline") {
    reader r({}, 300ms);
    const auto start = clock_type::now();
    r.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhel");
    const auto& got = r.result();
    CHECK(got.body.ec == errc::body_timeout);
    CHECK(clock_type::now() - start < 2s);
}

TEST_CASE("a connection closed inside the body fails with partial_body") {
    reader r;
    r.send("POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
    r.close_client();
    const auto& got = r.result();
    CHECK(got.body.ec == errc::partial_body);
}

TEST_CASE("a pipelined request after a head is found in the buffered bytes, without a read") {
    // Two heads in one write: the second is parsed from the first's leftover.
    net::io_context ctx;
    tcp::acceptor acceptor(ctx, {net::ip::make_address("127.0.0.1"), 0});
    tcp::socket client(ctx), server(ctx);
    client.connect(acceptor.local_endpoint());
    acceptor.accept(server);
    net::write(client,
               net::buffer(std::string_view(
                   "GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\n")));
    std::string first, second;
    std::string rest = "unset";
    net::co_spawn(ctx, read_two_heads(server, first, second, rest), net::detached);
    ctx.run_for(2s);
    CHECK(first == "/a");
    CHECK(second == "/b");
    CHECK(rest.empty());
}
