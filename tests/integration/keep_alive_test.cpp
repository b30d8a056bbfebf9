// HTTP/1.1 connection management over loopback: keep-alive, pipelining,
// request bodies (Content-Length, chunked, Expect: 100-continue), body
// limits, the idle timeout, the early 400 for non-HTTP bytes, and shutdown
// with idle keep-alive connections.
#include "catch.hpp"
#include "loopback.hpp"
#include "test_server.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using herald::test::client;
using herald::test::eventually;
using herald::test::test_server;
using clock_type = std::chrono::steady_clock;

namespace {

struct response {
    int status = 0;
    std::string head; // status line and fields, up to the blank line
    std::string body;

    bool has(std::string_view field_line) const {
        return head.find("\r\n" + std::string(field_line) + "\r\n") != std::string::npos;
    }
};

// Splits `raw` into complete responses. `head_only[i]` says that the i-th
// answers a HEAD request (Content-Length without a body); requests past the
// list are not HEAD. Stops at the first incomplete response.
std::vector<response> parse_responses(std::string_view raw,
                                      const std::vector<bool>& head_only = {}) {
    std::vector<response> out;
    while (true) {
        const auto head_end = raw.find("\r\n\r\n");
        if (head_end == std::string_view::npos || raw.substr(0, 9).size() < 9)
            return out;
        response r;
        r.head = std::string(raw.substr(0, head_end + 2));
        r.status = std::stoi(std::string(raw.substr(9, 3)));
        std::size_t length = 0;
        const auto cl = r.head.find("\r\nContent-Length: ");
        if (cl != std::string::npos)
            length = std::stoul(r.head.substr(cl + 18));
        const bool is_head = out.size() < head_only.size() && head_only[out.size()];
        if (r.status == 100 || r.status == 204 || is_head)
            length = 0;
        if (raw.size() < head_end + 4 + length)
            return out;
        r.body = std::string(raw.substr(head_end + 4, length));
        raw.remove_prefix(head_end + 4 + length);
        out.push_back(std::move(r));
    }
}

// Reads until `n` complete responses have arrived (or the deadline).
std::vector<response> read_responses(client& c, std::size_t n,
                                     const std::vector<bool>& head_only = {},
                                     std::chrono::milliseconds timeout = 3s) {
    const auto raw = c.read_until(
        [&](std::string_view got) { return parse_responses(got, head_only).size() >= n; }, timeout);
    return parse_responses(raw, head_only);
}

// TCP segments with data that `c` has received so far. On loopback a write
// of less than the MSS (64 KiB) is one segment, so this counts the server's
// writes to the connection. glibc's tcp_info stops before the field, so the
// kernel's longer struct (which only ever grows) is spelt out to reach it.
struct kernel_tcp_info {
    tcp_info base;
    std::uint64_t pacing_rate, max_pacing_rate, bytes_acked, bytes_received;
    std::uint32_t segs_out, segs_in, notsent_bytes, min_rtt, data_segs_in;
};
static_assert(sizeof(tcp_info) == 104, "glibc's tcp_info ends at tcpi_total_retrans");

std::uint32_t data_segments_in(const client& c) {
    kernel_tcp_info info{};
    socklen_t size = sizeof info;
    REQUIRE(::getsockopt(c.fd(), IPPROTO_TCP, TCP_INFO, &info, &size) == 0);
    REQUIRE(size >= offsetof(kernel_tcp_info, data_segs_in) + sizeof info.data_segs_in);
    return info.data_segs_in;
}

const std::string get_root = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
const std::string get_nope = "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n";
const std::string head_root = "HEAD / HTTP/1.1\r\nHost: t\r\n\r\n";

} // namespace

TEST_CASE("a keep-alive connection serves one request after another") {
    test_server server;
    client c(server.port());
    for (int i = 0; i < 5; ++i) {
        INFO("request " << i);
        c.send(i % 2 == 0 ? get_root : get_nope);
        const auto got = read_responses(c, std::size_t(i + 1));
        REQUIRE(got.size() == std::size_t(i + 1));
        const auto& r = got.back();
        CHECK(r.status == (i % 2 == 0 ? 200 : 404));
        CHECK_FALSE(r.has("Connection: close"));
    }
    CHECK_FALSE(c.saw_eof());
    CHECK(server.get().open_connections() == 1);
}

TEST_CASE("pipelined requests in one write are answered in order") {
    test_server server;
    client c(server.port());
    c.send(get_nope + head_root + "OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n" + get_root +
           "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n" + get_nope);
    const auto got = read_responses(c, 6, {false, true});
    REQUIRE(got.size() == 6);
    CHECK(got[0].status == 404);
    CHECK(got[1].status == 200);
    CHECK(got[1].body.empty());
    CHECK(got[1].has("Content-Type: text/html; charset=utf-8"));
    CHECK(got[2].status == 204);
    CHECK(got[3].status == 200);
    CHECK(got[3].body.find("EventSource") != std::string::npos);
    CHECK(got[4].status == 405);
    CHECK(got[5].status == 404);
    // Nothing more: exactly six answers.
    c.read_to_end(200ms);
    CHECK(parse_responses(c.received(), {false, true}).size() == 6);
}

TEST_CASE("the answers to requests pipelined in one write leave in one write") {
    test_server server;
    client c(server.port());
    // A first exchange, so the connection is established and idle.
    c.send(get_nope);
    REQUIRE(read_responses(c, 1).size() == 1);
    const auto before = data_segments_in(c);
    std::string batch;
    for (int i = 0; i < 8; ++i)
        batch += i % 2 == 0 ? get_nope : "OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n";
    c.send(batch);
    const auto got = read_responses(c, 9);
    REQUIRE(got.size() == 9);
    for (std::size_t i = 1; i < got.size(); ++i) {
        INFO("response " << i);
        CHECK(got[i].status == (i % 2 == 1 ? 404 : 204));
    }
    CHECK(data_segments_in(c) - before == 1);
    CHECK_FALSE(c.saw_eof());
}

TEST_CASE("a partial request at the end of a pipeline does not hold back the answers before it") {
    test_server server;
    client c(server.port());
    const std::string post = "POST /nope HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n";
    SECTION("a partial head") {
        c.send(get_nope + get_nope + "GET / HT");
        // Answered while the third head is still incomplete: the client may
        // wait for them before it sends the rest.
        REQUIRE(read_responses(c, 2).size() == 2);
        c.send("TP/1.1\r\nHost: t\r\n\r\n");
    }
    SECTION("a head whose body has not arrived") {
        c.send(get_nope + get_nope + post + "01234");
        REQUIRE(read_responses(c, 2).size() == 2);
        c.send("56789");
    }
    const auto got = read_responses(c, 3);
    REQUIRE(got.size() == 3);
    CHECK(got[0].status == 404);
    CHECK(got[1].status == 404);
    CHECK((got[2].status == 200 || got[2].status == 404));
    CHECK_FALSE(c.saw_eof());
}

TEST_CASE("pipelined requests of every framing are answered in order") {
    test_server server;
    client c(server.port());
    // A chunked body, two equal Content-Lengths, a leading empty line: the
    // batch takes the cautious path for these, and each is still answered
    // once, in order.
    c.send(get_nope +
           std::string("POST /nope HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "3\r\nabc\r\n0\r\n\r\n") +
           "POST /nope HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nxy" +
           "\r\n" + get_root + "OPTIONS * HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
    const auto got = read_responses(c, 5);
    REQUIRE(got.size() == 5);
    CHECK(got[0].status == 404);
    CHECK(got[1].status == 404);
    CHECK(got[2].status == 404);
    CHECK(got[3].status == 200);
    CHECK(got[4].status == 204);
    c.read_to_end(200ms);
    CHECK(parse_responses(c.received()).size() == 5);
    CHECK_FALSE(c.saw_eof());
}

TEST_CASE("an unreadable request in a pipeline is answered after the ones before it, then the "
          "connection closes") {
    test_server server;
    client c(server.port());
    c.send(get_nope + head_root + "NOT HTTP AT ALL\r\n\r\n" + get_root);
    const auto raw = c.read_to_end(3s);
    const auto got = parse_responses(raw, {false, true});
    REQUIRE(got.size() == 3); // nothing after the unreadable request is answered
    CHECK(got[0].status == 404);
    CHECK_FALSE(got[0].has("Connection: close"));
    CHECK(got[1].status == 200);
    CHECK(got[1].body.empty());
    CHECK(got[2].status == 400);
    CHECK(got[2].has("Connection: close"));
    CHECK(c.saw_eof());
}

TEST_CASE("a POST body is consumed, so the request after it still parses") {
    test_server server;
    // A body that looks like a request must never be read as one.
    const std::string body = "GET /sse HTTP/1.1\r\nHost: evil\r\n\r\n";
    SECTION("Content-Length") {
        client c(server.port());
        c.send("POST /nonexistent HTTP/1.1\r\nHost: t\r\nContent-Type: "
               "application/x-www-form-urlencoded\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body + get_root);
        const auto got = read_responses(c, 2);
        REQUIRE(got.size() == 2);
        CHECK(got[0].status == 404);
        CHECK(got[1].status == 200);
        CHECK(got[1].head.find("text/event-stream") == std::string::npos);
    }
    SECTION("chunked, with an extension and a trailer") {
        client c(server.port());
        c.send("POST /nonexistent HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
               "5;x=y\r\n" +
               body.substr(0, 5) + "\r\n" + "1c\r\n" + body.substr(5) + "\r\n0\r\nX-T: 1\r\n\r\n" +
               get_root);
        const auto got = read_responses(c, 2);
        REQUIRE(got.size() == 2);
        CHECK(got[0].status == 404);
        CHECK(got[1].status == 200);
    }
    SECTION("a chunked body split over many writes") {
        client c(server.port());
        c.send("POST /nonexistent HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (char ch : body) {
            c.send(std::string("1\r\n") + ch + "\r\n");
            std::this_thread::sleep_for(1ms);
        }
        c.send("0\r\n\r\n" + get_nope);
        const auto got = read_responses(c, 2);
        REQUIRE(got.size() == 2);
        CHECK(got[0].status == 404);
        CHECK(got[1].status == 404);
        CHECK_FALSE(c.saw_eof());
    }
}

TEST_CASE("a body over --max-body-bytes is 413 and the connection closes") {
    auto opts = herald::test::test_options();
    opts.body_limits.max_body = 100;
    test_server server(opts);
    SECTION("declared by Content-Length: answered before the body is sent") {
        client c(server.port());
        c.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 101\r\n\r\n");
        const auto raw = c.read_to_end(2s);
        const auto got = parse_responses(raw);
        REQUIRE(got.size() == 1);
        CHECK(got[0].status == 413);
        CHECK(got[0].has("Connection: close"));
        CHECK(c.saw_eof());
    }
    SECTION("chunked, found while decoding") {
        client c(server.port());
        c.send("POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
               "32\r\n" +
               std::string(50, 'a') + "\r\n33\r\n" + std::string(51, 'b') + "\r\n0\r\n\r\n" +
               get_root);
        const auto raw = c.read_to_end(2s);
        const auto got = parse_responses(raw);
        REQUIRE(got.size() == 1); // and not the pipelined GET: the stream is desynchronised
        CHECK(got[0].status == 413);
        CHECK(got[0].has("Connection: close"));
        CHECK(c.saw_eof());
    }
    SECTION("exactly the limit is accepted") {
        client c(server.port());
        c.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n" +
               std::string(100, 'a') + get_root);
        const auto got = read_responses(c, 2);
        REQUIRE(got.size() == 2);
        CHECK(got[0].status == 404);
        CHECK(got[1].status == 200);
    }
}

TEST_CASE("a malformed chunked body is 400 with Connection: close, and nothing after it is read") {
    test_server server;
    client c(server.port());
    c.send(get_root +
           "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
           "5\nhello\r\n0\r\n\r\n" +
           get_root);
    const auto raw = c.read_to_end(2s);
    const auto got = parse_responses(raw);
    REQUIRE(got.size() == 2);
    CHECK(got[0].status == 200);
    CHECK(got[1].status == 400);
    CHECK(got[1].has("Connection: close"));
    CHECK(c.saw_eof());
}

TEST_CASE("Expect: 100-continue gets 100 Continue before the body is sent") {
    test_server server;
    client c(server.port());
    c.send("POST /nope HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    const auto interim = c.read_until("\r\n\r\n", 2s);
    CHECK(interim == "HTTP/1.1 100 Continue\r\n\r\n");
    c.send("hello" + get_root);
    const auto got = read_responses(c, 3);
    REQUIRE(got.size() == 3);
    CHECK(got[0].status == 100);
    CHECK(got[1].status == 404);
    CHECK(got[2].status == 200);
}

TEST_CASE("Expect: 100-continue with a body over the limit gets 413 and no 100") {
    auto opts = herald::test::test_options();
    opts.body_limits.max_body = 10;
    test_server server(opts);
    client c(server.port());
    c.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n");
    const auto raw = c.read_to_end(2s);
    CHECK(raw.rfind("HTTP/1.1 413 ", 0) == 0);
    CHECK(raw.find("100 Continue") == std::string::npos);
    CHECK(c.saw_eof());
}

TEST_CASE("a body that stops arriving is 408 after the header timeout") {
    auto opts = herald::test::test_options();
    opts.header_timeout = 300ms;
    test_server server(opts);
    client c(server.port());
    const auto start = clock_type::now();
    c.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
    const auto raw = c.read_to_end(5s);
    CHECK(raw.rfind("HTTP/1.1 408 ", 0) == 0);
    CHECK(c.saw_eof());
    CHECK(clock_type::now() - start < 3s);
}

TEST_CASE("an idle keep-alive connection is closed quietly after --idle-timeout") {
    auto opts = herald::test::test_options();
    opts.idle_timeout = 300ms;
    test_server server(opts);
    client c(server.port());
    // Timed from before the request: the server's idle time starts after its
    // answer, which a busy machine may deliver to this thread much later.
    const auto start = clock_type::now();
    c.send(get_nope);
    REQUIRE(read_responses(c, 1).size() == 1);
    const auto answered = c.received().size();
    c.read_to_end(5s);
    const auto waited = clock_type::now() - start;
    CHECK(c.saw_eof());
    CHECK(c.received().size() == answered); // no 408, nothing at all
    CHECK(waited >= 250ms);
    CHECK(waited < 3s);
    CHECK(eventually([&] { return server.get().open_connections() == 0; }));
}

TEST_CASE("the idle timeout restarts with each request") {
    auto opts = herald::test::test_options();
    // Each pause is a third of the timeout, so a busy machine may stretch
    // it by a whole second before the server rightly closes the connection.
    opts.idle_timeout = 1500ms;
    test_server server(opts);
    client c(server.port());
    for (int i = 0; i < 5; ++i) {
        if (i > 0)
            std::this_thread::sleep_for(500ms); // 2 s in all: more than one idle timeout
        c.send(get_nope);
        REQUIRE(read_responses(c, std::size_t(i + 1)).size() == std::size_t(i + 1));
    }
    CHECK_FALSE(c.saw_eof());
}

TEST_CASE("a head begun on a keep-alive connection must finish within the header timeout") {
    auto opts = herald::test::test_options();
    opts.header_timeout = 300ms;
    opts.idle_timeout = 10s;
    test_server server(opts);
    client c(server.port());
    c.send(get_nope);
    REQUIRE(read_responses(c, 1).size() == 1);
    c.send("GET / HT");
    const auto start = clock_type::now();
    const auto got = parse_responses(c.read_to_end(5s));
    REQUIRE(got.size() == 2);
    CHECK(got[1].status == 408);
    CHECK(c.saw_eof());
    CHECK(clock_type::now() - start < 3s);
}

TEST_CASE("TLS ClientHello bytes get 400 at once, not after the header timeout") {
    auto opts = herald::test::test_options();
    opts.header_timeout = 10s;
    test_server server(opts);
    client c(server.port());
    const auto start = clock_type::now();
    // The first bytes of a TLS 1.2/1.3 ClientHello record.
    c.send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
    const auto raw = c.read_to_end(8s);
    CHECK(raw.rfind("HTTP/1.1 400 ", 0) == 0);
    CHECK(c.saw_eof());
    CHECK(clock_type::now() - start < 5s); // half the header timeout: not waiting for it
}

TEST_CASE("HTTP/1.0 closes after its response") {
    test_server server;
    client c(server.port());
    c.send("GET / HTTP/1.0\r\n\r\n" + get_root);
    const auto raw = c.read_to_end(2s);
    const auto got = parse_responses(raw);
    REQUIRE(got.size() == 1);
    CHECK(got[0].status == 200);
    CHECK(got[0].has("Connection: close"));
    CHECK(c.saw_eof());
}

TEST_CASE("Connection: close from the client is honoured, and later pipelined requests dropped") {
    test_server server;
    client c(server.port());
    c.send(get_nope + "GET / HTTP/1.1\r\nHost: t\r\nConnection: keep-alive, Close\r\n\r\n" +
           get_nope);
    const auto raw = c.read_to_end(2s);
    const auto got = parse_responses(raw);
    REQUIRE(got.size() == 2);
    CHECK(got[0].status == 404);
    CHECK_FALSE(got[0].has("Connection: close"));
    CHECK(got[1].status == 200);
    CHECK(got[1].has("Connection: close"));
    CHECK(c.saw_eof());
}

TEST_CASE("GET /sse after requests on a keep-alive connection becomes the stream") {
    test_server server;
    client c(server.port());
    c.send(get_nope + head_root + herald::test::sse_request.data());
    const auto raw = c.read_until("id: 1\n");
    const auto got = parse_responses(raw, {false, true});
    REQUIRE(got.size() >= 3);
    CHECK(got[0].status == 404);
    CHECK(got[1].status == 200);
    CHECK(got[2].has("Content-Type: text/event-stream"));
    CHECK(raw.find("id: 1\ndata: Hello World\n\n") != std::string::npos);
}

TEST_CASE("ten thousand requests on one keep-alive connection are all answered, in order") {
    test_server server;
    client c(server.port());
    constexpr int total = 10'000, batch = 200;
    std::vector<bool> head_only;
    std::vector<int> expected;
    for (int i = 0; i < total; ++i) {
        const bool nope = i % 3 == 0;
        head_only.push_back(!nope);
        expected.push_back(nope ? 404 : 200);
    }
    // Pipelined in batches, so neither side's buffers fill while the other
    // is not reading.
    for (int sent = 0; sent < total; sent += batch) {
        std::string requests;
        for (int i = sent; i < sent + batch; ++i)
            requests += i % 3 == 0 ? get_nope : head_root;
        c.send(requests);
        // Each batch's answers hold exactly one status line per request
        // (a cheap count; the full parse below checks them).
        const auto want = std::size_t(sent + batch);
        std::size_t lines = 0, scanned = 0;
        c.read_until(
            [&](std::string_view got) {
                for (auto at = got.find("HTTP/1.1 ", scanned); at != std::string_view::npos;
                     at = got.find("HTTP/1.1 ", at + 1))
                    ++lines, scanned = at + 1;
                return lines >= want;
            },
            5s);
        REQUIRE(lines >= want);
    }
    const auto got = parse_responses(c.received(), head_only);
    REQUIRE(got.size() == std::size_t(total));
    int out_of_order = 0;
    for (int i = 0; i < total; ++i)
        out_of_order += got[std::size_t(i)].status != expected[std::size_t(i)];
    CHECK(out_of_order == 0);
    CHECK_FALSE(c.saw_eof());
    CHECK(server.get().open_connections() == 1);
}

TEST_CASE("shutdown closes idle keep-alive connections promptly") {
    auto opts = herald::test::test_options();
    opts.shutdown_timeout = 10s;
    opts.idle_timeout = 60s;
    auto server = std::make_unique<test_server>(opts);
    std::vector<client> clients;
    for (int i = 0; i < 20; ++i) {
        clients.emplace_back(server->port());
        clients.back().send(get_nope);
        REQUIRE(read_responses(clients.back(), 1).size() == 1);
    }
    REQUIRE(server->get().open_connections() == 20);
    const auto start = clock_type::now();
    server.reset();                        // shutdown() and wait()
    CHECK(clock_type::now() - start < 3s); // not waiting for the shutdown timeout
    for (auto& c : clients) {
        c.read_to_end(1s);
        CHECK(c.saw_eof());
    }
}

TEST_CASE("shutdown lets a response being written finish, then closes at its end") {
    test_server server;
    client c(server.port());
    // The client does not read at first, so with enough pipelined GET /
    // (each a few KiB) the server is stuck in the middle of a response when
    // the shutdown comes.
    constexpr int total = 3000;
    std::string requests;
    for (int i = 0; i < total; ++i)
        requests += get_root;
    c.send(requests);
    // Shut down once the answers have begun: a fixed sleep may end before a
    // busy machine has run the server at all.
    pollfd readable{c.fd(), POLLIN, 0};
    REQUIRE(::poll(&readable, 1, 10'000) == 1);
    std::this_thread::sleep_for(100ms); // then let the buffers fill
    REQUIRE(server.get().open_connections() == 1);
    server.get().shutdown();
    const auto raw = c.read_to_end(10s);
    CHECK(c.saw_eof());
    const auto got = parse_responses(raw);
    INFO(got.size() << " complete responses");
    CHECK(got.size() > 0);
    CHECK(got.size() < std::size_t(total));
    // Nothing after the last complete response: no half-written one.
    std::size_t complete_bytes = 0;
    for (const auto& r : got)
        complete_bytes += r.head.size() + 2 + r.body.size();
    CHECK(complete_bytes == raw.size());
}

TEST_CASE("each pipelined head gets its own header timeout, not the first request's") {
    auto opts = herald::test::test_options();
    opts.header_timeout = 2s;
    test_server server(opts);
    client c(server.port());
    // The first request's body takes 1.2 s; the second head, begun with it,
    // is completed 1.2 s later: past the first head's deadline, within its
    // own. Each step has 0.8 s to spare for a busy machine.
    c.send("POST /nope HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhel");
    std::this_thread::sleep_for(1200ms);
    c.send("loGET / HT");
    std::this_thread::sleep_for(1200ms);
    c.send("TP/1.1\r\nHost: t\r\n\r\n");
    const auto got = read_responses(c, 2);
    REQUIRE(got.size() == 2);
    CHECK(got[0].status == 404);
    CHECK(got[1].status == 200);
}

TEST_CASE("the command line reads --max-body-bytes and --idle-timeout, with their defaults") {
    const char* plain[] = {"herald"};
    const auto defaults = herald::app::parse_command_line(1, plain).opts;
    CHECK(defaults.body_limits.max_body == 1024 * 1024);
    CHECK(defaults.idle_timeout == 75s);
    const char* set[] = {"herald", "--max-body-bytes", "2048", "--idle-timeout", "5s"};
    const auto parsed = herald::app::parse_command_line(5, set);
    REQUIRE_FALSE(parsed.exit_code);
    CHECK(parsed.opts.body_limits.max_body == 2048);
    CHECK(parsed.opts.idle_timeout == 5s);
    for (const auto& bad : {std::vector<const char*>{"herald", "--idle-timeout", "0"},
                            std::vector<const char*>{"herald", "--idle-timeout", "soon"},
                            std::vector<const char*>{"herald", "--max-body-bytes", "-1"},
                            std::vector<const char*>{"herald", "--max-body-bytes", "1k"}}) {
        INFO(bad[1] << " " << bad[2]);
        CHECK(herald::app::parse_command_line(3, bad.data()).exit_code.value_or(0) != 0);
    }
}
