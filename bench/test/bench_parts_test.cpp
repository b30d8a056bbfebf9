// The I/O-free parts of herald-bench: the histogram, the response head and
// body framing, and the command line's URL and address parsing.
#include "histogram.hpp"
#include "http_response.hpp"
#include "options.hpp"
#include "stats.hpp"

#include "catch.hpp"

#include <string>

using namespace herald::bench;

TEST_CASE("histogram buckets cover every value with under 1/64 relative error") {
    for (std::uint64_t v : {0ULL, 1ULL, 127ULL, 128ULL, 129ULL, 1000ULL, 65535ULL, 1000000ULL,
                            (1ULL << 37) + 12345}) {
        const auto i = histogram::index_of(v);
        CHECK(histogram::lowest_in(i) <= v);
        CHECK(histogram::highest_in(i) >= v);
        const auto width = histogram::highest_in(i) - histogram::lowest_in(i) + 1;
        CHECK(double(width) <= std::max(1.0, double(v) / 64.0));
    }
    // Consecutive buckets tile the range without gaps.
    for (std::size_t i = 1; i + 1 < histogram::bucket_count; ++i)
        CHECK(histogram::lowest_in(i) == histogram::highest_in(i - 1) + 1);
}

TEST_CASE("histogram quantiles of 1..10000 are within the bucket resolution") {
    histogram h;
    for (std::uint64_t v = 1; v <= 10000; ++v)
        h.record(v);
    CHECK(h.count() == 10000);
    CHECK(h.max() == 10000);
    CHECK(h.min() == 1);
    CHECK(h.quantile(0.5) >= 5000);
    CHECK(h.quantile(0.5) <= 5000 + 5000 / 64);
    CHECK(h.quantile(0.99) >= 9900);
    CHECK(h.quantile(0.99) <= 9900 + 9900 / 64);
    CHECK(h.quantile(1.0) == 10000);
}

TEST_CASE("merged histograms answer as if every value had gone into one") {
    histogram a, b, both;
    for (std::uint64_t v = 0; v < 5000; ++v) {
        a.record(v * 3);
        both.record(v * 3);
        b.record(v * 7 + 100000);
        both.record(v * 7 + 100000);
    }
    a.merge(b);
    CHECK(a.count() == both.count());
    CHECK(a.max() == both.max());
    for (double q : {0.1, 0.5, 0.9, 0.99, 0.999})
        CHECK(a.quantile(q) == both.quantile(q));
}

TEST_CASE("results merge counts, errors, histograms and keep the first error message") {
    result a, b;
    a.events = 3;
    a.note_error(error_class::refused, "connection refused");
    b.events = 4;
    b.note_error(error_class::reset, "reset");
    b.connect.record(42);
    a.merge(b);
    CHECK(a.events == 7);
    CHECK(a.error_total() == 2);
    CHECK(a.connect.count() == 1);
    CHECK(std::string(a.first_error) == "connection refused");
}

TEST_CASE("a response head is parsed: status, content type, framing") {
    response_head h;
    const std::string go = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                           "Transfer-Encoding: chunked\r\n\r\n13\r\ndata: Hello World\n\n\r\n";
    auto r = parse_response_head(go, h);
    REQUIRE(r.state == head_status::done);
    CHECK(go.substr(r.consumed, 4) == "13\r\n");
    CHECK(h.status == 200);
    CHECK(h.event_stream);
    CHECK(h.framing == body_framing::chunked);

    const std::string herald =
        "HTTP/1.1 200 OK\r\ncontent-type: Text/Event-Stream; charset=utf-8\r\n"
        "Connection: keep-alive\r\n\r\n: ok\n\n";
    r = parse_response_head(herald, h);
    REQUIRE(r.state == head_status::done);
    CHECK(h.event_stream);
    CHECK(h.framing == body_framing::close_delimited);

    r = parse_response_head("HTTP/1.1 503 Busy\r\nContent-Length: 4\r\n\r\nbusy", h);
    REQUIRE(r.state == head_status::done);
    CHECK(h.status == 503);
    CHECK(!h.event_stream);
    CHECK(h.framing == body_framing::content_length);
    CHECK(h.content_length == 4);
}

TEST_CASE("a response head split anywhere needs more until it is complete") {
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n";
    response_head h;
    for (std::size_t n = 0; n < head.size(); ++n)
        CHECK(parse_response_head(head.substr(0, n), h).state == head_status::need_more);
    CHECK(parse_response_head(head, h).state == head_status::done);
}

TEST_CASE("garbage or an oversized head is an error, not a wait") {
    response_head h;
    CHECK(parse_response_head("SSH-2.0-OpenSSH\r\n\r\n", h).state == head_status::error);
    CHECK(parse_response_head("HTTP/1.1 abc\r\n\r\n", h).state == head_status::error);
    CHECK(parse_response_head(std::string(20000, 'x'), h, 16384).state == head_status::error);
}

TEST_CASE("a chunked body decodes the same however it is split") {
    const std::string body = "13\r\ndata: Hello World\n\n\r\n"
                             "5;ext=1\r\nhello\r\n"
                             "A\r\n0123456789\r\n"
                             "0\r\nTrailer: x\r\n\r\nignored";
    const std::string expect = "data: Hello World\n\nhello0123456789";
    for (std::size_t step = 1; step <= body.size(); ++step) {
        body_decoder d;
        response_head h;
        h.framing = body_framing::chunked;
        d.start(h);
        std::string out;
        bool ok = true;
        for (std::size_t at = 0; at < body.size(); at += step)
            ok = ok && d.feed(std::string_view(body).substr(at, step),
                              [&](std::string_view run) { out.append(run); });
        INFO("split every " << step << " bytes");
        CHECK(ok);
        CHECK(out == expect);
        CHECK(d.finished());
    }
}

TEST_CASE("a chunked body with a bad size line is a framing error") {
    body_decoder d;
    response_head h;
    h.framing = body_framing::chunked;
    d.start(h);
    CHECK(!d.feed("zz\r\n", [](std::string_view) {}));
}

TEST_CASE("a close-delimited body passes through and never finishes by itself") {
    body_decoder d;
    d.start(response_head{});
    std::string out;
    CHECK(d.feed("data: x\n\n", [&](std::string_view run) { out.append(run); }));
    CHECK(out == "data: x\n\n");
    CHECK(!d.finished());
    CHECK(d.close_delimited());
}

TEST_CASE("URLs give host, port and target, and https is refused") {
    url_parts u;
    std::string error;
    REQUIRE(parse_url("http://127.0.0.1:4321/sse?x=1", u, error));
    CHECK(u.host == "127.0.0.1");
    CHECK(u.port == 4321);
    CHECK(u.target == "/sse?x=1");
    REQUIRE(parse_url("http://localhost", u, error));
    CHECK(u.port == 80);
    CHECK(u.target == "/");
    REQUIRE(parse_url("http://[::1]:8080/events", u, error));
    CHECK(u.host == "::1");
    CHECK(u.port == 8080);
    CHECK(!parse_url("https://example.com/", u, error));
    CHECK(!parse_url("http://host:99999/", u, error));
}

TEST_CASE("a process URL must name the main URL's host, and is kept by process") {
    const char* ok[] = {"herald-bench",         "http://127.0.0.1:1/sse", "--process-url",
                        "http://127.0.0.1:2/a", "--process-url",          "http://127.0.0.1:3/b"};
    const auto c = parse_command_line(int(std::size(ok)), ok);
    REQUIRE(!c.exit_code);
    REQUIRE(c.cfg.process_wheres.size() == 2);
    CHECK(c.cfg.process_wheres[0].port == 2);
    CHECK(c.cfg.process_wheres[1].target == "/b");
    const char* other_host[] = {"herald-bench", "http://127.0.0.1:1/sse", "--process-url",
                                "http://127.0.0.2:2/a"};
    CHECK(parse_command_line(int(std::size(other_host)), other_host).exit_code.value_or(0) != 0);
    const char* bad[] = {"herald-bench", "http://127.0.0.1:1/sse", "--process-url", "https://x/"};
    CHECK(parse_command_line(int(std::size(bad)), bad).exit_code.value_or(0) != 0);
}

TEST_CASE("source address ranges expand to every address in them") {
    std::vector<std::string> out;
    std::string error;
    REQUIRE(parse_source_addrs("127.0.0.2-127.0.0.9", out, error));
    REQUIRE(out.size() == 8);
    CHECK(out.front() == "127.0.0.2");
    CHECK(out.back() == "127.0.0.9");
    out.clear();
    REQUIRE(parse_source_addrs("127.0.0.5,127.0.1.254-127.0.2.1", out, error));
    CHECK(out == std::vector<std::string>{"127.0.0.5", "127.0.1.254", "127.0.1.255", "127.0.2.0",
                                          "127.0.2.1"});
    out.clear();
    CHECK(!parse_source_addrs("127.0.0.9-127.0.0.2", out, error));
    CHECK(!parse_source_addrs("localhost", out, error));
}

TEST_CASE("durations use herald's syntax") {
    milliseconds ms{};
    CHECK(parse_duration("250ms", ms));
    CHECK(ms.count() == 250);
    CHECK(parse_duration("1.5s", ms));
    CHECK(ms.count() == 1500);
    CHECK(parse_duration("0", ms));
    CHECK(ms.count() == 0);
    CHECK(!parse_duration("5", ms));
    CHECK(!parse_duration("2x", ms));
}
