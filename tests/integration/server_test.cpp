// The herald server over real loopback sockets: the behaviours of the seed.
#include "catch.hpp"
#include "loopback.hpp"
#include "test_server.hpp"

#include <chrono>
#include <thread>

using namespace std::chrono_literals;
using herald::test::client;
using herald::test::eventually;
using herald::test::sse_request;
using herald::test::test_server;

TEST_CASE("GET /sse answers the seed's headers and then exact event bytes") {
    test_server server;
    client c(server.port());
    c.send(sse_request);
    const auto got = c.read_until("id: 2\ndata: Hello World\n\n");
    CHECK(got.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(got.find("\r\nContent-Type: text/event-stream\r\n") != std::string::npos);
    CHECK(got.find("\r\nCache-Control: no-cache\r\n") != std::string::npos);
    CHECK(got.find("\r\nConnection: keep-alive\r\n") != std::string::npos);
    const auto body = got.substr(got.find("\r\n\r\n") + 4);
    CHECK(body == ": ok\n\nid: 1\ndata: Hello World\n\nid: 2\ndata: Hello World\n\n");
}

TEST_CASE("events arrive on the interval's schedule") {
    auto opts = herald::test::test_options();
    opts.interval = 200ms;
    test_server server(opts);
    client c(server.port());
    const auto start = std::chrono::steady_clock::now();
    c.send(sse_request);
    c.read_until("id: 1\n");
    const auto first = std::chrono::steady_clock::now() - start;
    c.read_until("id: 3\n");
    const auto third = std::chrono::steady_clock::now() - start;
    // Not a performance check: only that events are paced by the interval,
    // not sent in a burst or delayed by whole intervals.
    CHECK(first >= 190ms);
    CHECK(third >= 590ms);
    CHECK(third < 2s);
}

TEST_CASE("a disconnecting client's stream is released at once, not at the next tick") {
    auto opts = herald::test::test_options();
    opts.interval = 10s;
    test_server server(opts);
    {
        client c(server.port());
        c.send(sse_request);
        c.read_until(": ok\n\n");
        REQUIRE(eventually([&] { return server.get().open_streams() == 1; }));
    }
    const auto closed = std::chrono::steady_clock::now();
    REQUIRE(eventually([&] { return server.get().open_streams() == 0; }));
    CHECK(std::chrono::steady_clock::now() - closed < 1s);
    CHECK(eventually([&] { return server.get().open_connections() == 0; }));
}

TEST_CASE("two clients stream at once, each with its own ids") {
    test_server server;
    client a(server.port()), b(server.port());
    a.send(sse_request);
    b.send(sse_request);
    CHECK(a.read_until("id: 3\n").find("id: 3\ndata: Hello World\n\n") != std::string::npos);
    CHECK(b.read_until("id: 3\n").find("id: 3\ndata: Hello World\n\n") != std::string::npos);
    CHECK(server.get().open_streams() == 2);
}

TEST_CASE("shutdown ends every open stream cleanly with FIN") {
    auto opts = herald::test::test_options();
    opts.interval = 10s;
    auto server = std::make_unique<test_server>(opts);
    std::vector<client> clients;
    for (int i = 0; i < 5; ++i) {
        clients.emplace_back(server->port());
        clients.back().send(sse_request);
        clients.back().read_until(": ok\n\n");
    }
    REQUIRE(eventually([&] { return server->get().open_streams() == 5; }));
    const auto start = std::chrono::steady_clock::now();
    server.reset(); // shutdown() and wait()
    CHECK(std::chrono::steady_clock::now() - start < 1s);
    for (auto& c : clients) {
        c.read_to_end(1s);
        CHECK(c.saw_eof());
        CHECK_FALSE(c.saw_reset());
    }
}

TEST_CASE("unknown paths get 404") {
    test_server server;
    client c(server.port());
    c.send("GET /nope HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    const auto got = c.read_to_end();
    CHECK(got.rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);
    CHECK(got.find("Content-Type: text/plain") != std::string::npos);
    CHECK(got.find("Connection: close") != std::string::npos);
    CHECK(c.saw_eof());
}

TEST_CASE("other methods on /sse get 405 with Allow") {
    test_server server;
    client c(server.port());
    c.send("POST /sse HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
    const auto got = c.read_to_end();
    CHECK(got.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0) == 0);
    CHECK(got.find("\r\nAllow: GET, HEAD, OPTIONS\r\n") != std::string::npos);
}

TEST_CASE("a malformed request gets 400") {
    test_server server;
    client c(server.port());
    c.send("GET /sse HTTP/1.1\r\nHost : t\r\n\r\n");
    const auto got = c.read_to_end();
    CHECK(got.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
    CHECK(got.find("Content-Length:") != std::string::npos);
}

TEST_CASE("resuming with Last-Event-ID continues after that id") {
    test_server server;
    client c(server.port());
    c.send("GET /sse HTTP/1.1\r\nHost: t\r\nLast-Event-ID: 41\r\n\r\n");
    CHECK(c.read_until("data: Hello World\n\n").find(": ok\n\nid: 42\n") != std::string::npos);
}
