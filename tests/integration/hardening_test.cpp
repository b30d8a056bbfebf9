// Hostile clients and faults: slowloris, floods, slow consumers,
// EMFILE, resets, fd leaks, request smuggling, and what every error answer
// looks like. Every test runs over loopback with short, test-sized timeouts.
#include "catch.hpp"
#include "herald_process.hpp"
#include "loopback.hpp"
#include "raw_socket.hpp"
#include "test_server.hpp"

#include <arpa/inet.h>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <sstream>
#include <string>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace std::chrono_literals;
using herald::test::client;
using herald::test::eventually;
using herald::test::herald_process;
using herald::test::sse_request;
using herald::test::test_server;
using clock_type = std::chrono::steady_clock;

namespace {

// ---------------------------------------------------------------------------
// Responses

struct response {
    std::string status_line;
    std::string head; // the field lines, each ending in CRLF
    std::string body;
    bool complete = false; // a head was found

    std::optional<std::string> field(std::string_view name) const {
        std::istringstream lines(head);
        std::string line;
        while (std::getline(lines, line)) {
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            const auto colon = line.find(':');
            if (colon == std::string::npos || colon != name.size())
                continue;
            if (strncasecmp(line.data(), name.data(), name.size()) == 0) {
                auto value = line.substr(colon + 1);
                while (!value.empty() && value.front() == ' ')
                    value.erase(0, 1);
                return value;
            }
        }
        return std::nullopt;
    }
};

response split_response(const std::string& raw) {
    response r;
    const auto line_end = raw.find("\r\n");
    const auto head_end = raw.find("\r\n\r\n");
    if (line_end == std::string::npos || head_end == std::string::npos)
        return r;
    r.status_line = raw.substr(0, line_end);
    r.head = raw.substr(line_end + 2, head_end + 2 - (line_end + 2));
    r.body = raw.substr(head_end + 4);
    r.complete = true;
    return r;
}

bool contains_marker(std::string_view raw) {
    // Requests in these tests carry "ZQX" (or "zqx"); a response must never
    // repeat anything the client sent.
    return raw.find("ZQX") != std::string_view::npos || raw.find("zqx") != std::string_view::npos;
}

// Checks the shape every error answer must have, and that the connection
// was closed after it.
void check_error_response(client& c, const std::string& raw, int status) {
    INFO("response: " << raw);
    const auto r = split_response(raw);
    REQUIRE(r.complete);
    CHECK(r.status_line.rfind("HTTP/1.1 " + std::to_string(status) + " ", 0) == 0);
    CHECK(r.field("Content-Type").value_or("").rfind("text/plain", 0) == 0);
    REQUIRE(r.field("Content-Length").has_value());
    CHECK(std::stoul(*r.field("Content-Length")) == r.body.size());
    CHECK(r.field("Connection") == "close");
    CHECK_FALSE(r.body.empty()); // a short reason
    CHECK(r.body.size() < 200);
    CHECK_FALSE(contains_marker(raw));
    CHECK(c.saw_eof());
}

// ---------------------------------------------------------------------------
// Sockets the loopback client cannot make

void send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const auto n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        REQUIRE(n > 0);
        bytes.remove_prefix(std::size_t(n));
    }
}

// Reads an event stream without keeping it (the events may be large) and
// notes when each event's "id:" line arrived.
class event_watch {
public:
    explicit event_watch(int fd)
        : fd_(fd) {}

    // Reads whatever arrives within `timeout`. Returns false on EOF or error.
    bool pump(std::chrono::milliseconds timeout) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, int(timeout.count())) <= 0)
            return true;
        std::array<char, 65536> chunk;
        const auto n = ::recv(fd_, chunk.data(), chunk.size(), 0);
        if (n <= 0)
            return false;
        const auto now = clock_type::now();
        // Match "\nid: " across chunk boundaries, one byte at a time.
        static constexpr std::string_view marker = "\nid: ";
        for (auto i = 0; i < n; ++i) {
            const char ch = chunk[std::size_t(i)];
            matched_ = ch == marker[matched_] ? matched_ + 1 : (ch == '\n' ? 1 : 0);
            if (matched_ == marker.size()) {
                arrivals.push_back(now);
                matched_ = 0;
            }
        }
        return true;
    }

    std::vector<clock_type::time_point> arrivals;

private:
    int fd_;
    std::size_t matched_ = 0;
};

std::size_t count(std::string_view text, std::string_view needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1))
        ++n;
    return n;
}

} // namespace

// ---------------------------------------------------------------------------
// Slow and idle clients

TEST_CASE("slowloris: a client trickling its head gets 408 at the header timeout") {
    auto opts = herald::test::test_options();
    opts.header_timeout = 400ms;
    test_server server(opts);
    // Taken before connecting: the server's deadline cannot start earlier.
    const auto start = clock_type::now();
    client c(server.port());
    // One byte every 20 ms, forever: each read succeeds, but the deadline
    // covers the whole head, so the trickle does not extend it.
    const std::string trickle = "GET /sse HTTP/1.1\r\nX-ZQX: " + std::string(1000, 'a');
    std::size_t sent = 0;
    while (c.received().find("\r\n\r\n") == std::string::npos && clock_type::now() - start < 5s) {
        c.send(trickle.substr(sent++ % trickle.size(), 1));
        c.read_until("\r\n\r\n", 20ms);
    }
    const auto answered = clock_type::now() - start;
    const auto got = c.read_to_end(2s);
    CHECK(answered >= 390ms);
    CHECK(answered < 3s); // a trickle that extended the deadline would go on to 5 s
    check_error_response(c, got, 408);
}

TEST_CASE("a client that connects and sends nothing gets 408 at the header timeout") {
    auto opts = herald::test::test_options();
    opts.header_timeout = 300ms;
    test_server server(opts);
    const auto start = clock_type::now();
    client c(server.port());
    const auto got = c.read_to_end(5s);
    CHECK(clock_type::now() - start < 3s);
    check_error_response(c, got, 408);
    CHECK(eventually([&] { return server.get().open_connections() == 0; }));
}

// ---------------------------------------------------------------------------
// Connection limit

TEST_CASE("over --max-connections, a client gets 503 with Retry-After and is closed") {
    auto opts = herald::test::test_options();
    opts.max_connections = 2;
    test_server server(opts);
    client a(server.port()), b(server.port());
    a.send(sse_request);
    b.send(sse_request);
    a.read_until(": ok\n\n");
    b.read_until(": ok\n\n");
    REQUIRE(eventually([&] { return server.get().open_connections() == 2; }));

    client over(server.port());
    over.send("GET /sse?zqx HTTP/1.1\r\nHost: ZQX\r\n\r\n");
    const auto got = over.read_to_end(3s);
    check_error_response(over, got, 503);
    CHECK(split_response(got).field("Retry-After") == "1");
    CHECK(server.get().rejected_busy() == 1);

    // The two streams were not disturbed, and a freed slot is usable again.
    CHECK(a.read_until("id: 2\n").find("id: 2\n") != std::string::npos);
    a.close();
    REQUIRE(eventually([&] { return server.get().open_connections() == 1; }));
    client again(server.port());
    again.send(sse_request);
    CHECK(again.read_until(": ok\n\n").rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(b.read_until("id: 3\n").find("id: 3\n") != std::string::npos);
}

// ---------------------------------------------------------------------------
// Slow consumers

TEST_CASE("a client that stops reading is closed after the write timeout, other streams keep "
          "their schedule, and memory stays bounded") {
    auto opts = herald::test::test_options();
    opts.interval = 25ms;
    opts.event_data = std::string(128 * 1024, 'x'); // 5 MB/s per stream: buffers fill fast
    // Long enough that a worker held up by a blocked write (a gap of a whole
    // write timeout) stands well clear of scheduling delays on a busy machine.
    opts.write_timeout = 3s;
    test_server server(opts);

    client fast_client(server.port());
    fast_client.send(sse_request);
    event_watch fast(fast_client.fd());
    const auto warm_up = clock_type::now() + 300ms;
    while (clock_type::now() < warm_up)
        REQUIRE(fast.pump(20ms));
    const auto rss_before = herald::test::rss_kib();

    // The slow client asks for the stream and never reads a byte. Its clock
    // starts before it connects, so no server-side time precedes it.
    const auto slow_start = clock_type::now();
    const int slow_fd = herald::test::connect_with_small_receive_buffer(server.port());
    send_all(slow_fd, sse_request);
    const auto fast_events_before = fast.arrivals.size();

    std::size_t rss_peak = rss_before;
    std::optional<clock_type::time_point> closed_at;
    const auto deadline = slow_start + opts.write_timeout + 6s;
    while (clock_type::now() < deadline) {
        REQUIRE(fast.pump(10ms));
        rss_peak = std::max(rss_peak, herald::test::rss_kib());
        if (!closed_at && server.get().write_timeouts() == 1)
            closed_at = clock_type::now();
        if (closed_at && clock_type::now() - *closed_at > 500ms)
            break; // the fast stream has been watched past the slow one's end
    }

    REQUIRE(closed_at.has_value());
    // Closed by the write timeout: not before it, and within a sweep period
    // or so after the buffers filled.
    CHECK(*closed_at - slow_start >= opts.write_timeout);
    CHECK(*closed_at - slow_start < opts.write_timeout + 4s);
    CHECK(eventually([&] { return server.get().open_streams() == 1; }));

    // The fast stream kept its schedule while the slow one was stuck: if a
    // blocked write delayed the worker, a gap of a whole write timeout
    // would show. Half of one is generous for slow (sanitizer) builds.
    std::chrono::nanoseconds longest_gap{0};
    for (auto i = fast_events_before + 1; i < fast.arrivals.size(); ++i)
        longest_gap = std::max(longest_gap, fast.arrivals[i] - fast.arrivals[i - 1]);
    const auto watched = clock_type::now() - slow_start;
    const auto expected_events = std::size_t(watched / opts.interval);
    INFO("events " << fast.arrivals.size() - fast_events_before << " of " << expected_events
                   << ", longest gap " << longest_gap.count() / 1'000'000 << " ms");
    CHECK(longest_gap < opts.write_timeout / 2);
    CHECK(fast.arrivals.size() - fast_events_before >= expected_events / 2);

    // Nothing is queued per stream: the slow stream cost its socket buffers
    // (kernel memory, not ours), so the process grew by far less than the
    // megabytes the slow client failed to take.
    INFO("RSS before " << rss_before << " KiB, peak " << rss_peak << " KiB");
    CHECK(rss_peak - rss_before < 16 * 1024);

    ::close(slow_fd);
}

// ---------------------------------------------------------------------------
// Faults

TEST_CASE("EMFILE: herald backs off, keeps its streams, and recovers when descriptors free up") {
#if defined(__SANITIZE_ADDRESS__)
    // The asan preset is ASan + UBSan. UBSan's vptr check reads memory through
    // a pipe (sanitizer_common's IsAccessibleMemoryRange); in a process out of
    // descriptors that pipe fails, and the check reports "invalid vptr" and
    // aborts: a false positive of the runtime, which no suppression reaches.
    // The dev and tsan presets run this test.
    WARN("skipped under AddressSanitizer + UBSan: its vptr check needs free descriptors");
    return;
#endif
    constexpr int clients = 40;
    herald_process herald({"--host", "127.0.0.1", "--port", "0", "--threads", "1", "--interval",
                           "100ms", "--max-connections", "1000", "--log-level", "info"},
                          40);
    const auto port = herald.port();

    // More clients than herald has descriptors for. The kernel completes
    // every handshake (the listen backlog), so each connect succeeds and
    // each request is sent; herald can accept only some of them.
    std::vector<client> conns;
    for (int i = 0; i < clients; ++i) {
        conns.emplace_back(port);
        conns.back().send(sse_request);
    }
    REQUIRE(herald.read_log_until("backing off").find("backing off") != std::string::npos);

    // Which clients herald took: it answers each at once, but a busy
    // machine may delay that answer by any amount, so read until no further
    // client has been answered for a while.
    const auto is_served = [&](std::size_t i) {
        return conns[i].received().find(": ok\n\n") != std::string::npos;
    };
    auto last_answer = clock_type::now();
    const auto give_up = last_answer + 20s;
    while (clock_type::now() - last_answer < 1500ms && clock_type::now() < give_up) {
        for (std::size_t i = 0; i < conns.size(); ++i) {
            if (is_served(i))
                continue;
            conns[i].read_until(": ok\n\n", 5ms);
            if (is_served(i))
                last_answer = clock_type::now();
        }
    }
    std::vector<std::size_t> served, waiting;
    for (std::size_t i = 0; i < conns.size(); ++i)
        (is_served(i) ? served : waiting).push_back(i);
    INFO(served.size() << " served, " << waiting.size() << " waiting");
    REQUIRE(served.size() > 1);
    REQUIRE_FALSE(waiting.empty());
    REQUIRE(waiting.size() < served.size()); // so freeing the served ones makes room for all

    // While out of descriptors, the open streams go on, and herald does not
    // spin on accept(): it waits up to 1 s between attempts.
    CHECK(conns[served.front()].read_until("id: 3\n", 5s).find("id: 3\n") != std::string::npos);
    const auto cpu_before = herald.cpu_time();
    std::this_thread::sleep_for(1s);
    const auto cpu_used = herald.cpu_time() - cpu_before;
    CHECK(cpu_used < 500ms);

    // Free descriptors: every waiting client is then served, the log says
    // so, and the backing-off warning was logged once for each episode, not
    // once for each retry. A retry that falls while herald has closed only
    // some of the freed connections takes what it can and runs out again: a
    // second episode, which the scheduling of a busy machine can bring.
    for (std::size_t k = 1; k < served.size(); ++k)
        conns[served[k]].close();
    for (auto i : waiting)
        CHECK(conns[i].read_until(": ok\n\n", 8s).find(": ok\n\n") != std::string::npos);
    // Every waiting client was served, so every episode has ended and
    // logged its recovery.
    herald.read_log_until("recovered");
    for (int reads = 0; reads < 100 && herald.read_log_for(200ms); ++reads) {
    }
    const auto episodes = count(herald.log(), "accept: recovered");
    CHECK(episodes >= 1);
    CHECK(count(herald.log(), "backing off") == episodes);
    CHECK(conns[served.front()].read_until("id: 8\n", 5s).find("id: 8\n") != std::string::npos);
    CHECK(herald.alive());
}

TEST_CASE("clients that reset the connection mid-write cost an error, not the process") {
    herald_process herald({"--host", "127.0.0.1", "--port", "0", "--threads", "1", "--interval",
                           "5ms", "--event-data", std::string(32 * 1024, 'x'), "--log-level",
                           "info"});
    const auto port = herald.port();
    for (int i = 0; i < 5; ++i) {
        const int fd = herald::test::connect_with_small_receive_buffer(port);
        send_all(fd, sse_request);
        // Stop reading until herald's writes back up, then reset.
        std::this_thread::sleep_for(200ms);
        const linger hard{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
        ::close(fd);
    }
    herald.read_log_for(200ms);
    CHECK(herald.alive());
    client c(port);
    c.send(sse_request);
    CHECK(c.read_until("id: 2\n").find("id: 2\n") != std::string::npos);
    CHECK(herald.alive());
}

TEST_CASE("2,000 connect and close cycles of every kind leak no file descriptor") {
    auto opts = herald::test::test_options();
    opts.interval = 1s;
    test_server server(opts);
    {
        client warm(server.port());
        warm.send(sse_request);
        warm.read_until(": ok\n\n");
    }
    REQUIRE(eventually([&] { return server.get().open_connections() == 0; }));
    const auto baseline = herald::test::open_fd_count();

    for (int i = 0; i < 2000; ++i) {
        client c(server.port());
        switch (i % 5) {
        case 0: // connect and leave
            break;
        case 1: // half a head, then leave
            c.send("GET /sse HTTP/1.1\r\nHo");
            break;
        case 2: // a whole stream, then leave
            c.send(sse_request);
            c.read_until(": ok\n\n");
            break;
        case 3: // a bad request, and leave without reading the answer
            c.send("GET / HTTP/1.1\r\nHost : x\r\n\r\n");
            break;
        case 4: // a stream, then a reset
            c.send(sse_request);
            c.read_until(": ok\n\n");
            c.reset();
            break;
        }
    }
    const bool settled = eventually(
        [&] {
            return server.get().open_connections() == 0 &&
                   herald::test::open_fd_count() == baseline;
        },
        10s);
    INFO("fds: baseline " << baseline << ", now " << herald::test::open_fd_count()
                          << "; connections " << server.get().open_connections());
    CHECK(settled);
}

// ---------------------------------------------------------------------------
// Framing: nothing after a head is ever parsed as a request

TEST_CASE("a request body on GET is never reinterpreted as a next request") {
    test_server server;
    const std::string smuggled = "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n";
    const std::string chunked_smuggled = "1f\r\n" + smuggled + "\r\n0\r\n\r\n";
    REQUIRE(smuggled.size() == 0x1f);
    for (const auto& [framing, body] :
         {std::pair{"Content-Length: " + std::to_string(smuggled.size()), smuggled},
          std::pair{std::string("Transfer-Encoding: chunked"), chunked_smuggled}}) {
        client c(server.port());
        c.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n" + framing + "\r\n\r\n" + body);
        const auto got = c.read_to_end();
        const auto r = split_response(got);
        INFO(framing);
        REQUIRE(r.complete);
        CHECK(r.status_line == "HTTP/1.1 200 OK");
        // Exactly one response: the body is as long as its Content-Length
        // says, and nothing follows it.
        CHECK(r.body.size() == std::stoul(r.field("Content-Length").value_or("0")));
        CHECK(got.find("404") == std::string::npos);
        CHECK(c.saw_eof());
    }
}

TEST_CASE("bytes pipelined after GET /sse, or sent during the stream, do not corrupt it") {
    test_server server;
    client c(server.port());
    c.send(std::string(sse_request) + "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(c.read_until("id: 1\n", 10s).find("id: 1\n") != std::string::npos);
    c.send("GET /sse HTTP/1.1\r\nHost: t\r\n\r\nGARBAGE\r\n\r\n");
    const auto got = c.read_until("id: 3\ndata: Hello World\n\n", 10s);
    INFO("received: " << got);
    REQUIRE(got.find("id: 3\ndata: Hello World\n\n") != std::string::npos);
    CHECK(count(got, "HTTP/1.1") == 1);
    // A client that was not scheduled for an interval reads id: 4 (or part
    // of it) together with id: 3, so everything received is compared, as far
    // as it goes, with the one stream the server may send.
    const auto head_end = got.find("\r\n\r\n");
    REQUIRE(head_end != std::string::npos);
    const auto body = got.substr(head_end + 4);
    std::string expected = ": ok\n\n";
    for (int id = 1; expected.size() < body.size(); ++id)
        expected += "id: " + std::to_string(id) + "\ndata: Hello World\n\n";
    CHECK(expected.compare(0, body.size(), body) == 0);
}

// ---------------------------------------------------------------------------
// Error answers

TEST_CASE("every error answer has its status, text/plain, Content-Length, Connection: close, "
          "and echoes nothing") {
    auto opts = herald::test::test_options();
    opts.limits.max_request_line = 64;
    opts.limits.max_header_section = 256;
    opts.limits.max_header_fields = 5;
    opts.header_timeout = 300ms;
    test_server server(opts);

    struct row {
        std::string request;
        int status;
    };
    const std::vector<row> rows{
        {"GET /ZQX HTTP/1.1\r\nHost : zqx\r\n\r\n", 400},
        {"GET /ZQX HTTP/1.1\r\nHost: ZQX/zqx\r\n\r\n", 400},
        {"GET /ZQX HTTP/1.1\r\nHost: a\nX-ZQX: 1\r\n\r\n", 400},
        {"GET /ZQX HTTP/1.1\r\nHost: a\r\nX-ZQX: 1\r\n folded\r\n\r\n", 400},
        {"POST /ZQX HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
         400},
        {"GET /ZQX" + std::string(100, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n", 414},
        {"GET /ZQX HTTP/1.1\r\nHost: a\r\nX-ZQX: " + std::string(300, 'z') + "\r\n\r\n", 431},
        {"GET /ZQX HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE-ZQX: 5\r\n\r\n", 431},
        {"GET /ZQX HTTP/2.0\r\nHost: a\r\n\r\n", 505},
        // Answers from routing keep the connection unless the client closes it.
        {"ZQX /ZQX HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 501},
        {"POST /ZQX HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: zqx\r\n\r\n", 501},
        {"GET /ZQX HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 404},
        {"POST /sse?zqx HTTP/1.1\r\nHost: ZQX\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
         405},
        {"GET /ZQX HTTP/1.1\r\nHost: zqx\r\n", 408}, // never finished: the header timeout
    };
    for (const auto& [request, status] : rows) {
        INFO("request: " << request.substr(0, 60));
        client c(server.port());
        c.send(request);
        const auto got = c.read_to_end(3s);
        check_error_response(c, got, status);
    }
}

TEST_CASE("HEAD answers have no content, errors included") {
    test_server server;
    {
        client c(server.port());
        c.send("HEAD /sse HTTP/1.1\r\nHost: t\r\n\r\n");
        const auto got = c.read_to_end();
        const auto r = split_response(got);
        CHECK(r.status_line == "HTTP/1.1 200 OK");
        CHECK(r.field("Content-Type") == "text/event-stream");
        CHECK(r.body.empty());
        CHECK(c.saw_eof());
    }
    {
        client c(server.port());
        c.send("HEAD /nope HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        const auto got = c.read_to_end();
        const auto r = split_response(got);
        CHECK(r.status_line == "HTTP/1.1 404 Not Found");
        CHECK(r.field("Content-Length").has_value());
        CHECK(r.body.empty());
        CHECK(c.saw_eof());
    }
}

TEST_CASE("OPTIONS * is answered 204 with the methods herald allows") {
    test_server server;
    client c(server.port());
    c.send("OPTIONS * HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    const auto r = split_response(c.read_to_end());
    CHECK(r.status_line == "HTTP/1.1 204 No Content");
    CHECK(r.field("Allow") == "GET, HEAD, OPTIONS");
    CHECK(r.body.empty());
    CHECK(c.saw_eof());
}
