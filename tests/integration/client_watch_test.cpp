// A stream sees its client leave without a second coroutine (client_watch):
// stray bytes from the client are discarded and the stream goes on; a FIN
// ends the stream at once, whether it sleeps or waits on a write the client
// will never read.
#include "catch.hpp"
#include "hub_client.hpp"
#include "loopback.hpp"
#include "test_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

using namespace std::chrono_literals;
using herald::test::client;
using herald::test::eventually;
using herald::test::publish;
using herald::test::sse_request;
using herald::test::subscribe;
using herald::test::test_server;

namespace {

herald::app::options hub_options() {
    auto o = herald::test::test_options();
    o.test_allow_all_publishers = true;
    return o;
}

} // namespace

TEST_CASE("a ticker client that sends bytes after its request keeps its stream until it leaves") {
    auto opts = herald::test::test_options();
    opts.interval = 50ms;
    test_server server(opts);
    {
        client c(server.port());
        c.send(sse_request);
        c.read_until(": ok\n\n");
        c.send("GET /sse HTTP/1.1\r\nHost: test\r\n\r\nstray bytes"); // never parsed
        const auto got = c.read_until("id: 4\n", 3s);
        CHECK(got.find("id: 4\ndata: Hello World\n\n") != std::string::npos);
        CHECK(server.get().open_streams() == 1);
    }
    const auto closed = std::chrono::steady_clock::now();
    REQUIRE(eventually([&] { return server.get().open_streams() == 0; }));
    CHECK(std::chrono::steady_clock::now() - closed < 1s);
}

TEST_CASE(
    "a hub subscriber that sends stray bytes keeps receiving, and its leaving is seen at once",
    "[hub]") {
    test_server server(hub_options());
    {
        auto sub = subscribe(server.port(), "match=t");
        sub.send("x\r\n\r\n");
        publish(server.port(), "topic=t&id=1&data=a");
        CHECK(sub.read_until("data: a\n\n").find("id: 1\ndata: a\n\n") != std::string::npos);
        sub.send("more stray bytes");
        publish(server.port(), "topic=t&id=2&data=b");
        CHECK(sub.read_until("data: b\n\n").find("id: 2\ndata: b\n\n") != std::string::npos);
        CHECK(server.get().open_streams() == 1);
    }
    const auto closed = std::chrono::steady_clock::now();
    REQUIRE(eventually([&] { return server.get().open_streams() == 0; }));
    CHECK(std::chrono::steady_clock::now() - closed < 1s);
}

TEST_CASE("a hub subscriber that leaves while a write to it pends is released at once, not at the "
          "write timeout",
          "[hub]") {
    auto opts = hub_options();
    opts.write_timeout = 30s;
    opts.heartbeat = 0ms;
    opts.subscriber_queue_bytes = std::size_t(256) << 20; // never cut as slow here
    test_server server(opts);

    // A subscriber with a tiny receive buffer that reads nothing: the
    // server's send buffer fills and its writer waits in async_write.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    const int size = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(server.port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    const std::string request = "GET /.well-known/mercure?match=t HTTP/1.1\r\nHost: test\r\n\r\n";
    REQUIRE(::send(fd, request.data(), request.size(), 0) == ssize_t(request.size()));
    REQUIRE(eventually([&] { return server.get().open_streams() == 1; }));

    // More than the kernel's buffers on both sides can hold (tcp_wmem's
    // maximum is 4 MiB by default).
    const std::string data(60'000, 'x');
    for (int i = 0; i < 150; ++i)
        publish(server.port(), "topic=t&data=" + data);
    std::this_thread::sleep_for(200ms);
    REQUIRE(server.get().open_streams() == 1); // still there, its write pending

    ::shutdown(fd, SHUT_WR); // FIN: the client is gone, and will never read
    const auto left = std::chrono::steady_clock::now();
    CHECK(eventually([&] { return server.get().open_streams() == 0; }));
    CHECK(std::chrono::steady_clock::now() - left < 2s);
    ::close(fd);
}
