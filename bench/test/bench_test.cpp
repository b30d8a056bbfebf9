// herald-bench as a user runs it: against a child herald (close-delimited
// body, `time:` fields), against the Node peer (a chunked body), and through
// a server shutdown. Each run is a couple of seconds with a few dozen streams
// on loopback; the checks are on the JSON report, never on timings.
#include "child_process.hpp"

#include "catch.hpp"

#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace std::chrono_literals;

using namespace bench_test;

namespace {

std::uint16_t herald_port(child& server) {
    const auto text = server.err_until(" threads=", 5s);
    const auto at = text.find("listening on 127.0.0.1:");
    REQUIRE(at != std::string::npos);
    return std::uint16_t(std::stoi(text.substr(at + 23)));
}

} // namespace

TEST_CASE("herald-bench opens every stream to herald and reports events, latency and server "
          "figures as JSON") {
    child server({HERALD_BINARY, "--host", "127.0.0.1", "--port", "0", "--threads", "1",
                  "--interval", "50ms", "--timestamps", "--log-level", "info"});
    const auto port = herald_port(server);
    const auto url = "http://127.0.0.1:" + std::to_string(port) + "/sse";
    child bench({HERALD_BENCH_BINARY, url, "--streams", "50", "--duration", "2s", "--warmup",
                 "200ms", "--expect-interval", "50ms", "--processes", "2", "--json", "--server-pid",
                 std::to_string(server.pid())});
    REQUIRE(bench.wait(30s) == 0);
    const auto& json = bench.out();
    INFO(json);
    CHECK(json_number(json, "streams_requested") == 50);
    CHECK(json_number(json, "streams_opened") == 50);
    CHECK(json_number(json, "streams_open_at_end") == 50);
    CHECK(json_number(json, "total", "errors") == 0);
    CHECK(json_number(json, "events", "window") > 0);
    CHECK(json_number(json, "count", "latency_us") > 0);
    CHECK(json_number(json, "count", "jitter_us") > 0);
    CHECK(json_number(json, "count", "connect_us") == 50);
    CHECK(json_number(json, "count", "first_event_us") == 50);
    CHECK(json_number(json, "rss_end_kib", "server") > 0);
    CHECK(json_number(json, "kib_per_stream", "server") > 0);
}

TEST_CASE("herald-bench reads the chunked stream of the Node peer") {
    if (std::string(NODE_EXECUTABLE).empty() ||
        std::string(NODE_EXECUTABLE).find("NOTFOUND") != std::string::npos)
        FAIL("node is not installed: run scripts/install-deps");
    child server(
        {NODE_EXECUTABLE, NODE_PEER_SCRIPT, "-addr", "127.0.0.1:0", "-interval", "50ms", "-quiet"});
    const auto text = server.err_until("\n", 10s);
    const auto at = text.find("SERVER START): 127.0.0.1:");
    REQUIRE(at != std::string::npos);
    const auto port = std::to_string(std::stoi(text.substr(at + 25)));
    child bench({HERALD_BENCH_BINARY, "http://127.0.0.1:" + port + "/sse", "--streams", "20",
                 "--duration", "1s", "--warmup", "200ms", "--expect-interval", "50ms", "--json"});
    REQUIRE(bench.wait(30s) == 0);
    const auto& json = bench.out();
    INFO(json);
    CHECK(json_number(json, "streams_opened") == 20);
    CHECK(json_number(json, "total", "errors") == 0);
    CHECK(json_number(json, "events", "window") > 0);
    CHECK(json_number(json, "count", "gap_us") > 0);
}

TEST_CASE("when herald shuts down, herald-bench --expect-end counts every stream's clean end") {
    child server({HERALD_BINARY, "--host", "127.0.0.1", "--port", "0", "--threads", "1",
                  "--interval", "50ms", "--log-level", "info"});
    const auto port = herald_port(server);
    child bench({HERALD_BENCH_BINARY, "http://127.0.0.1:" + std::to_string(port) + "/sse",
                 "--streams", "30", "--duration", "20s", "--warmup", "0", "--expect-end",
                 "--json"});
    // Shut the server down once every stream is open (its log counts them).
    server.err_until("streams=30", 10s);
    std::this_thread::sleep_for(200ms);
    server.signal(SIGTERM);
    REQUIRE(bench.wait(30s) == 0);
    const auto& json = bench.out();
    INFO(json);
    CHECK(json_number(json, "streams_opened") == 30);
    CHECK(json_number(json, "clean", "ended") == 30);
    CHECK(json_number(json, "unclean", "ended") == 0);
    CHECK(json_number(json, "total", "errors") == 0);
}

namespace {

// A loopback port with nothing listening: bound, then closed.
std::uint16_t unused_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

} // namespace

TEST_CASE("a refused connection is counted as refused, and the exit status says errors") {
    child bench({HERALD_BENCH_BINARY, "http://127.0.0.1:" + std::to_string(unused_port()) + "/sse",
                 "--streams", "5", "--duration", "100ms", "--warmup", "0", "--json"});
    CHECK(bench.wait(30s) == 1);
    const auto& json = bench.out();
    INFO(json);
    CHECK(json_number(json, "refused", "errors") == 5);
    CHECK(json_number(json, "streams_opened") == 0);
}

TEST_CASE("process URLs give each worker process its own server: half the streams go to each") {
    child server({HERALD_BINARY, "--host", "127.0.0.1", "--port", "0", "--threads", "1",
                  "--interval", "50ms", "--log-level", "info"});
    const auto port = herald_port(server);
    const auto live = "http://127.0.0.1:" + std::to_string(port) + "/sse";
    // The second process's URL has nothing listening: its streams are refused.
    const auto dead = "http://127.0.0.1:" + std::to_string(unused_port()) + "/sse";
    child bench({HERALD_BENCH_BINARY, dead, "--process-url", live, "--process-url", dead,
                 "--processes", "2", "--streams", "20", "--duration", "300ms", "--warmup", "0",
                 "--json"});
    CHECK(bench.wait(30s) == 1);
    const auto& json = bench.out();
    INFO(json);
    CHECK(json_number(json, "streams_opened") == 10);
    CHECK(json_number(json, "refused", "errors") == 10);
}
