// GET /metrics: a valid Prometheus exposition (promtool), and counters that
// move for each event they count.
#include "catch.hpp"
#include "loopback.hpp"
#include "metrics/metrics.hpp"
#include "raw_socket.hpp"
#include "test_server.hpp"

#include <arpa/inet.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace std::chrono_literals;
using herald::test::client;
using herald::test::eventually;
using herald::test::test_options;
using herald::test::test_server;

namespace {

std::string get(std::uint16_t port, const std::string& path) {
    client c(port);
    c.send("GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    return c.read_to_end(3s);
}

std::string post(std::uint16_t port, std::string_view body, std::string_view extra = {}) {
    client c(port);
    c.send("POST /.well-known/mercure HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: "
           "application/x-www-form-urlencoded\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n" + std::string(extra) + "\r\n" + std::string(body));
    return c.read_to_end();
}

// The value of one series ("name{labels}" exactly as exposed), or -1.
double metric(const std::string& text, const std::string& series) {
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos)
        return -1;
    return std::stod(text.substr(at + series.size() + 2));
}

double metric(herald::app::server& s, const std::string& series) {
    return metric("\n" + herald::app::metrics_text(s.metrics()), series);
}

client subscribe(std::uint16_t port, std::string_view query) {
    client c(port);
    c.send("GET /.well-known/mercure?" + std::string(query) + " HTTP/1.1\r\nHost: t\r\n\r\n");
    c.read_until("\r\n\r\n:\n");
    return c;
}

herald::app::options hub_options() {
    auto o = test_options();
    o.test_allow_all_publishers = true;
    return o;
}

} // namespace

TEST_CASE("GET /metrics passes promtool check metrics") {
    auto opts = hub_options();
    opts.threads = 2;
    test_server server(opts);
    {
        client sse(server.port());
        sse.send("GET /sse HTTP/1.1\r\nHost: t\r\n\r\n");
        sse.read_until("id: 1\n");
        auto sub = subscribe(server.port(), "match=t");
        CHECK(post(server.port(), "topic=t&data=x").rfind("HTTP/1.1 200", 0) == 0);
        sub.read_until("data: x\n");
        get(server.port(), "/nowhere");
    }
    const auto response = get(server.port(), "/metrics");
    REQUIRE(response.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(response.find("Content-Type: text/plain; version=0.0.4") != std::string::npos);
    const auto text = response.substr(response.find("\r\n\r\n") + 4);

    const auto path = std::filesystem::temp_directory_path() /
                      ("herald-metrics-" + std::to_string(::getpid()) + ".txt");
    std::ofstream(path) << text;
    // scripts/install-deps installs promtool (Debian's prometheus package).
    const int rc = std::system(("promtool check metrics < " + path.string() + " 2>&1").c_str());
    std::filesystem::remove(path);
    INFO(text);
    CHECK(rc == 0);
    CHECK(text.find("herald_build_info{version=\"") != std::string::npos);
}

TEST_CASE("ticker counters: streams open, events delivered, client left, requests") {
    auto opts = test_options();
    opts.interval = 20ms;
    test_server server(opts);
    auto& s = server.get();
    CHECK(metric(s, "herald_streams_open{endpoint=\"ticker\"}") == 0);
    {
        client c(server.port());
        c.send("GET /sse HTTP/1.1\r\nHost: t\r\n\r\n");
        c.read_until("id: 3\n");
        CHECK(metric(s, "herald_streams_open{endpoint=\"ticker\"}") == 1);
        CHECK(metric(s, "herald_connections_open") >= 1);
        // Counted after the write returns, so possibly after the client read it.
        CHECK(eventually(
            [&] { return metric(s, "herald_events_delivered_total{endpoint=\"ticker\"}") >= 3; }));
    }
    CHECK(eventually([&] { return metric(s, "herald_streams_open{endpoint=\"ticker\"}") == 0; }));
    CHECK(metric(s, "herald_stream_disconnects_total{reason=\"client_left\"}") == 1);
    CHECK(metric(s, "herald_http_requests_total{route=\"sse\",status=\"200\"}") == 1);
    get(server.port(), "/nowhere");
    get(server.port(), "/healthz");
    CHECK(metric(s, "herald_http_requests_total{route=\"other\",status=\"404\"}") == 1);
    CHECK(metric(s, "herald_http_requests_total{route=\"healthz\",status=\"200\"}") == 1);
    CHECK(metric(s, "herald_connections_accepted_total") >= 3);
}

TEST_CASE("streams ended by --max-events and by shutdown are counted as disconnect reasons") {
    auto opts = test_options();
    opts.interval = 10ms;
    opts.max_events = 2;
    test_server server(opts);
    auto& s = server.get();
    client done(server.port());
    done.send("GET /sse HTTP/1.1\r\nHost: t\r\n\r\n");
    done.read_to_end(3s);
    CHECK(eventually(
        [&] { return metric(s, "herald_stream_disconnects_total{reason=\"max_events\"}") == 1; }));

    opts.max_events = 0;
    auto server2 = std::make_unique<test_server>(opts);
    auto& s2 = server2->get();
    client open(server2->port());
    open.send("GET /sse HTTP/1.1\r\nHost: t\r\n\r\n");
    open.read_until("id: 1\n");
    s2.shutdown();
    s2.wait();
    CHECK(metric(s2, "herald_stream_disconnects_total{reason=\"shutdown\"}") == 1);
}

TEST_CASE("a client that takes no data is counted as a write timeout") {
    auto opts = test_options();
    opts.interval = 1ms;
    opts.event_data = std::string(16 * 1024, 'x');
    opts.write_timeout = 200ms;
    test_server server(opts);
    const int fd = herald::test::connect_with_small_receive_buffer(server.port());
    const std::string request = "GET /sse HTTP/1.1\r\nHost: t\r\n\r\n";
    REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == ssize_t(request.size()));
    CHECK(eventually(
        [&] {
            return metric(server.get(),
                          "herald_stream_disconnects_total{reason=\"write_timeout\"}") == 1;
        },
        5s));
    ::close(fd);
}

TEST_CASE("hub counters: publishes by outcome, events, latency, history, token expiry") {
    auto opts = hub_options();
    opts.test_subscriber_token_lifetime = 500ms;
    test_server server(opts);
    auto& s = server.get();
    auto sub = subscribe(server.port(), "match=t");
    CHECK(eventually([&] { return metric(s, "herald_streams_open{endpoint=\"hub\"}") == 1; }));
    CHECK(post(server.port(), "topic=t&data=one").rfind("HTTP/1.1 200", 0) == 0);
    CHECK(post(server.port(), "topic=t&data=two").rfind("HTTP/1.1 200", 0) == 0);
    CHECK(post(server.port(), "data=no-topic").rfind("HTTP/1.1 400", 0) == 0);
    sub.read_until("data: two\n");
    CHECK(metric(s, "herald_hub_updates_published_total{outcome=\"accepted\"}") == 2);
    CHECK(metric(s, "herald_hub_updates_published_total{outcome=\"rejected\"}") == 1);
    CHECK(metric(s, "herald_events_delivered_total{endpoint=\"hub\"}") == 2);
    CHECK(metric(s, "herald_hub_publish_to_write_seconds_count") == 2);
    CHECK(metric(s, "herald_hub_publish_to_write_seconds_bucket{le=\"+Inf\"}") == 2);
    CHECK(metric(s, "herald_hub_history_entries") == 2);
    CHECK(metric(s, "herald_hub_history_bytes") > 0);
    CHECK(metric(s, "herald_http_requests_total{route=\"hub\",status=\"200\"}") == 3);
    CHECK(metric(s, "herald_http_requests_total{route=\"hub\",status=\"400\"}") == 1);
    sub.read_to_end(3s); // the token's lifetime ends the stream
    CHECK(eventually([&] {
        return metric(s, "herald_stream_disconnects_total{reason=\"token_expired\"}") == 1;
    }));
    CHECK(metric(s, "herald_streams_open{endpoint=\"hub\"}") == 0);
}

TEST_CASE("a hub subscriber whose queue overflows is counted as a slow consumer") {
    auto opts = hub_options();
    opts.subscriber_queue = 4;
    test_server server(opts);
    const int fd = herald::test::connect_with_small_receive_buffer(server.port());
    const std::string request = "GET /.well-known/mercure?match=t HTTP/1.1\r\nHost: t\r\n\r\n";
    REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == ssize_t(request.size()));
    REQUIRE(eventually([&] { return server.get().open_streams() == 1; }));
    const std::string data(64 * 1024, 'x');
    for (int i = 0; i < 200 && metric(server.get(), "herald_streams_open{endpoint=\"hub\"}") != 0;
         ++i)
        post(server.port(), "topic=t&data=" + data);
    CHECK(eventually([&] {
        return metric(server.get(), "herald_stream_disconnects_total{reason=\"slow_consumer\"}") ==
               1;
    }));
    ::close(fd);
}

TEST_CASE("with metrics off, /metrics is 404 and nothing is counted") {
    auto opts = test_options();
    opts.metrics = false;
    test_server server(opts);
    CHECK(get(server.port(), "/metrics").rfind("HTTP/1.1 404", 0) == 0);
    CHECK(server.get().metrics().workers.empty());
}

TEST_CASE("requests refused before routing are counted, as unrouted when no path was read") {
    auto opts = hub_options();
    opts.header_timeout = 200ms;
    opts.body_limits.max_body = 16;
    test_server server(opts);
    auto& s = server.get();
    const auto send = [&](const std::string& bytes) {
        client c(server.port());
        c.send(bytes);
        return c.read_to_end(3s);
    };
    CHECK(send("NOT A REQUEST\r\n\r\n").rfind("HTTP/1.1 400", 0) == 0);
    CHECK(send("GET / HTTP/2.0\r\nHost: t\r\n\r\n").rfind("HTTP/1.1 505", 0) == 0);
    CHECK(send("GET / HTTP/1.1\r\nHost: t\r\nX: " + std::string(20'000, 'x') + "\r\n\r\n")
              .rfind("HTTP/1.1 431", 0) == 0);
    CHECK(send("GET / HTTP/1.1\r\nHost: t\r\n").rfind("HTTP/1.1 408", 0) == 0); // never ends
    // The head was read: a body too large counts on its route.
    CHECK(post(server.port(), "topic=t&data=" + std::string(100, 'x')).rfind("HTTP/1.1 413", 0) ==
          0);

    CHECK(eventually([&] {
        return metric(s, "herald_http_requests_total{route=\"unrouted\",status=\"408\"}") == 1;
    }));
    CHECK(metric(s, "herald_http_requests_total{route=\"unrouted\",status=\"400\"}") == 1);
    CHECK(metric(s, "herald_http_requests_total{route=\"unrouted\",status=\"505\"}") == 1);
    CHECK(metric(s, "herald_http_requests_total{route=\"unrouted\",status=\"431\"}") == 1);
    CHECK(metric(s, "herald_http_requests_total{route=\"hub\",status=\"413\"}") == 1);
    // A client that leaves before finishing its head was not answered: not counted.
    {
        client c(server.port());
        c.send("GET / HTTP/1.1\r\n");
    }
    std::this_thread::sleep_for(100ms);
    CHECK(metric(s, "herald_http_requests_total{route=\"unrouted\",status=\"400\"}") == 1);
}
