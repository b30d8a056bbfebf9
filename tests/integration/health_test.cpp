// /healthz and /readyz: liveness while the event loops run, readiness that
// fails from the first moment of a shutdown while streams are still served.
#include "catch.hpp"
#include "herald_process.hpp"
#include "loopback.hpp"
#include "test_server.hpp"

#include <atomic>
#include <csignal>
#include <string>
#include <thread>

using namespace std::chrono_literals;
using herald::test::client;
using herald::test::eventually;
using herald::test::test_options;
using herald::test::test_server;

namespace {

// One request on a new connection; the whole response.
std::string get(std::uint16_t port, const std::string& path, const std::string& method = "GET") {
    client c(port);
    c.send(method + " " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    return c.read_to_end(3s);
}

bool is_status(const std::string& response, int status) {
    return response.rfind("HTTP/1.1 " + std::to_string(status) + " ", 0) == 0;
}

} // namespace

TEST_CASE("a running server is live and ready, and says so in text") {
    test_server server;
    const auto live = get(server.port(), "/healthz");
    CHECK(is_status(live, 200));
    CHECK(live.ends_with("\r\n\r\nok\n"));
    CHECK(live.find("Cache-Control: no-store") != std::string::npos);
    const auto ready = get(server.port(), "/readyz");
    CHECK(is_status(ready, 200));
    CHECK(ready.ends_with("\r\n\r\nok\n"));
}

TEST_CASE("HEAD on the health routes has no body, and other methods get 405") {
    test_server server;
    const auto head = get(server.port(), "/readyz", "HEAD");
    CHECK(is_status(head, 200));
    CHECK(head.ends_with("\r\n\r\n"));
    const auto post = get(server.port(), "/healthz", "POST");
    CHECK(is_status(post, 405));
    CHECK(post.find("Allow: GET, HEAD") != std::string::npos);
}

TEST_CASE("readiness fails at once when a shutdown starts, before any stream is cut") {
    test_server server;
    client stream(server.port());
    stream.send("GET /sse HTTP/1.1\r\nHost: t\r\n\r\n");
    stream.read_until(": ok\n\n");
    REQUIRE(eventually([&] { return server.get().open_streams() == 1; }));
    CHECK(server.get().health().not_ready().empty());
    server.get().shutdown();
    // shutdown() returns before any worker has run its part: the stream is
    // still open, and readiness already fails.
    CHECK(server.get().health().not_ready() == "shutting down");
    CHECK(server.get().health().not_live().empty());
}

TEST_CASE("with a shutdown delay, /readyz answers 503 on new connections while streams go on") {
    auto opts = test_options();
    opts.shutdown_delay = 600ms;
    opts.interval = 50ms;
    test_server server(opts);
    client stream(server.port());
    stream.send("GET /sse HTTP/1.1\r\nHost: t\r\n\r\n");
    stream.read_until("id: 1\n");

    const auto start = std::chrono::steady_clock::now();
    server.get().shutdown();
    const auto ready = get(server.port(), "/readyz");
    CHECK(is_status(ready, 503));
    CHECK(ready.ends_with("shutting down\n"));
    CHECK(is_status(get(server.port(), "/healthz"), 200));
    // The open stream still gets events during the delay...
    const auto seen = stream.received().size();
    stream.read_until([seen](std::string_view s) { return s.size() > seen + 10; }, 1s);
    CHECK(stream.received().size() > seen);
    CHECK(std::chrono::steady_clock::now() - start < 600ms);
    // ...and ends cleanly after it.
    stream.read_to_end(3s);
    CHECK(stream.saw_eof());
    CHECK(std::chrono::steady_clock::now() - start >= 600ms);
}

TEST_CASE("readiness follows the cluster hook: not ready while Redis is unreachable") {
    auto opts = test_options();
    herald::app::logger log(opts.level);
    herald::app::server server(opts, log);
    std::atomic<bool> connected{false};
    server.health().cluster_ready = [&] { return connected.load(); };
    REQUIRE(!server.listen());
    server.start();
    const auto down = get(server.port(), "/readyz");
    CHECK(is_status(down, 503));
    CHECK(down.ends_with("not connected to Redis\n"));
    connected = true;
    CHECK(is_status(get(server.port(), "/readyz"), 200));
    connected = false;
    CHECK(is_status(get(server.port(), "/readyz"), 503));
    CHECK(is_status(get(server.port(), "/healthz"), 200)); // liveness is not about Redis
    server.shutdown();
    server.wait();
}

TEST_CASE("liveness fails when a worker's event loop has not beaten within the limit") {
    herald::app::health_state health;
    health.stall_limit = 100ms;
    health.add_worker();
    health.add_worker();
    health.set_listening();
    CHECK(health.not_live().empty());
    std::this_thread::sleep_for(150ms);
    health.beat(0);
    CHECK(health.not_live().find("worker 1") != std::string::npos);
    health.beat(1);
    CHECK(health.not_live().empty());
}

TEST_CASE("a live server's workers keep beating: /healthz stays 200 past the stall limit") {
    auto opts = test_options();
    opts.threads = 2;
    opts.write_timeout = 200ms; // the sweep, and so the beat, every 50 ms
    herald::app::logger log(opts.level);
    herald::app::server server(opts, log);
    server.health().stall_limit = 300ms;
    REQUIRE(!server.listen());
    server.start();
    std::this_thread::sleep_for(600ms);
    CHECK(is_status(get(server.port(), "/healthz"), 200));
    server.shutdown();
    server.wait();
}

TEST_CASE("SIGTERM with --shutdown-delay: not ready at once, streams end after the delay, exit 0") {
    herald::test::herald_process p({"--host", "127.0.0.1", "--port", "0", "--threads", "2",
                                    "--interval", "50ms", "--shutdown-delay", "700ms"});
    const auto port = p.port();
    CHECK(is_status(get(port, "/readyz"), 200));
    client stream(port);
    stream.send("GET /sse HTTP/1.1\r\nHost: t\r\n\r\n");
    stream.read_until("id: 1\n");
    const auto start = std::chrono::steady_clock::now();
    p.signal(SIGTERM);
    p.read_log_until("shutting down");
    CHECK(is_status(get(port, "/readyz"), 503));
    const auto seen = stream.received().size();
    stream.read_until([seen](std::string_view s) { return s.size() > seen + 10; }, 1s);
    CHECK(stream.received().size() > seen);
    stream.read_to_end(3s);
    CHECK(stream.saw_eof());
    CHECK(std::chrono::steady_clock::now() - start >= 700ms);
    CHECK(p.wait(3s) == 0);
}

TEST_CASE("with --admin-listen, health and metrics move to the admin port, and only they") {
    auto opts = test_options();
    opts.admin_listen = "127.0.0.1:0";
    test_server server(opts);
    const auto admin = server.get().admin_port();
    REQUIRE(admin != 0);
    REQUIRE(admin != server.port());
    CHECK(is_status(get(admin, "/healthz"), 200));
    CHECK(is_status(get(admin, "/readyz"), 200));
    CHECK(is_status(get(admin, "/metrics"), 200));
    CHECK(is_status(get(admin, "/sse"), 404));
    CHECK(is_status(get(admin, "/"), 404));
    CHECK(is_status(get(server.port(), "/healthz"), 404));
    CHECK(is_status(get(server.port(), "/readyz"), 404));
    CHECK(is_status(get(server.port(), "/metrics"), 404));
    CHECK(is_status(get(server.port(), "/"), 200));
}

TEST_CASE("an --admin-listen that is not host:port is refused") {
    for (const char* bad : {"9090", "127.0.0.1:", ":9090", "127.0.0.1:70000", "127.0.0.1:x"}) {
        herald::test::herald_process p({"--admin-listen", bad});
        INFO(bad);
        CHECK(p.wait() > 0);
        CHECK(p.read_log_until("--admin-listen").find("--admin-listen") != std::string::npos);
    }
}
