// The SSE protocol as herald serves it, over real loopback sockets: ids and
// resume, retry, the opening comment and heartbeats, headers, CORS, the
// event's shape, the demo page, and --max-events. Streams are read back with
// herald's own WHATWG parser, so the checks are about what a client sees.
#include "catch.hpp"
#include "herald/sse/parser.hpp"
#include "loopback.hpp"
#include "options.hpp"
#include "test_server.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using herald::test::client;
using herald::test::eventually;
using herald::test::sse_request;
using herald::test::test_options;
using herald::test::test_server;

namespace {

std::string get_sse(std::string_view extra_headers, std::string_view target = "/sse") {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" +
           std::string(extra_headers) + "\r\n";
}

struct response {
    std::string head; ///< status line and fields, up to and including the blank line
    std::string body;
};

response split(const std::string& bytes) {
    const auto end = bytes.find("\r\n\r\n");
    REQUIRE(end != std::string::npos);
    return {bytes.substr(0, end + 4), bytes.substr(end + 4)};
}

/// The value of the first header field called `name` (any case), if any.
std::optional<std::string> header(const std::string& head, std::string_view name) {
    std::size_t at = head.find("\r\n");
    while (at != std::string::npos && at + 2 < head.size()) {
        const auto line_end = head.find("\r\n", at + 2);
        const auto line = std::string_view(head).substr(at + 2, line_end - at - 2);
        const auto colon = line.find(':');
        if (colon == name.size() &&
            std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) ==
                       std::tolower(static_cast<unsigned char>(b));
            })) {
            auto value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ')
                value.remove_prefix(1);
            return std::string(value);
        }
        at = line_end;
    }
    return std::nullopt;
}

struct seen {
    std::string type, data, id;
    bool operator==(const seen&) const = default;
};

std::ostream& operator<<(std::ostream& os, const seen& e) {
    return os << "{type=\"" << e.type << "\" data=\"" << e.data << "\" id=\"" << e.id << "\"}";
}

/// A stream body as a client reads it.
struct stream_view {
    std::vector<seen> events;
    std::vector<std::string> comments;
    std::vector<std::pair<std::string, std::string>> fields;
    std::optional<std::uint64_t> retry;
};

stream_view parse_body(std::string_view body) {
    struct handler {
        stream_view& v;
        void on_event(const herald::sse::received_event& e) {
            v.events.push_back(
                {std::string(e.type), std::string(e.data), std::string(e.last_event_id)});
        }
        void on_comment(std::string_view text) { v.comments.emplace_back(text); }
        void on_field(std::string_view name, std::string_view value) {
            v.fields.emplace_back(name, value);
        }
    };
    stream_view v;
    herald::sse::parser p;
    handler h{v};
    p.feed(body, h);
    v.retry = p.retry();
    return v;
}

std::vector<std::string> ids_of(const std::vector<seen>& events) {
    std::vector<std::string> ids;
    for (const auto& e : events)
        ids.push_back(e.id);
    return ids;
}

std::size_t count(std::string_view text, std::string_view needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1))
        ++n;
    return n;
}

/// The id of the first event of a stream opened with `request`.
std::string first_id(std::uint16_t port, const std::string& request) {
    client c(port);
    c.send(request);
    const auto events = parse_body(split(c.read_until("data: Hello World\n\n", 3s)).body).events;
    return events.empty() ? "(none)" : events.front().id;
}

/// A server whose first event comes quickly, for tests that open many streams.
herald::app::options fast_options() {
    auto opts = test_options();
    opts.interval = 20ms;
    return opts;
}

} // namespace

// --- ids and resume ------------------------------------------------------

TEST_CASE("each stream numbers its events 1, 2, 3, ... and a new stream starts again at 1") {
    test_server server;
    {
        client c(server.port());
        c.send(sse_request);
        const auto events =
            parse_body(split(c.read_until("id: 4\ndata: Hello World\n\n")).body).events;
        CHECK(ids_of(events) == std::vector<std::string>{"1", "2", "3", "4"});
        for (const auto& e : events)
            CHECK(e == seen{"message", "Hello World", e.id});
    }
    client again(server.port());
    again.send(sse_request);
    CHECK(
        parse_body(split(again.read_until("id: 1\ndata: Hello World\n\n")).body).events.at(0).id ==
        "1");
}

TEST_CASE("a Last-Event-ID header resumes the stream at the next id") {
    test_server server(fast_options());
    CHECK(first_id(server.port(), get_sse("Last-Event-ID: 41\r\n")) == "42");
    CHECK(first_id(server.port(), get_sse("Last-Event-ID: 0\r\n")) == "1");
}

TEST_CASE("a ?lastEventId= query resumes the stream, for clients that cannot set headers") {
    test_server server(fast_options());
    CHECK(first_id(server.port(), get_sse("", "/sse?lastEventId=41")) == "42");
    CHECK(first_id(server.port(), get_sse("", "/sse?x=1&lastEventId=7")) == "8");
}

TEST_CASE("when both are sent, the Last-Event-ID header wins over the query") {
    test_server server(fast_options());
    CHECK(first_id(server.port(), get_sse("Last-Event-ID: 10\r\n", "/sse?lastEventId=99")) == "11");
}

TEST_CASE("a malformed Last-Event-ID is ignored: the stream starts at 1, with no error") {
    test_server server(fast_options());
    for (std::string_view bad : {"abc", "-1", "+5", "4x", "0x10", "1.5", "1 2",
                                 "18446744073709551615", "99999999999999999999999"}) {
        INFO("Last-Event-ID: " << bad);
        CHECK(first_id(server.port(), get_sse("Last-Event-ID: " + std::string(bad) + "\r\n")) ==
              "1");
        auto query = std::string(bad);
        if (const auto space = query.find(' '); space != std::string::npos)
            query.replace(space, 1, "%20"); // a raw space would end the request target
        CHECK(first_id(server.port(), get_sse("", "/sse?lastEventId=" + query)) == "1");
    }
    CHECK(first_id(server.port(), get_sse("Last-Event-ID:\r\n")) == "1");
}

// --- retry ---------------------------------------------------------------

TEST_CASE("with --retry, one retry line is sent at the start of the stream") {
    auto opts = test_options();
    opts.retry = 1500ms;
    test_server server(opts);
    client c(server.port());
    c.send(sse_request);
    const auto body = split(c.read_until("id: 3\ndata: Hello World\n\n")).body;
    CHECK(body.rfind(": ok\n\nretry: 1500\n\nid: 1\n", 0) == 0);
    CHECK(count(body, "retry:") == 1);
    CHECK(parse_body(body).retry == 1500u);
}

TEST_CASE("without --retry no retry line is sent") {
    test_server server;
    client c(server.port());
    c.send(sse_request);
    CHECK(count(c.read_until("id: 2\ndata: Hello World\n\n"), "retry") == 0);
}

// --- opening comment and heartbeats ----------------------------------------

TEST_CASE("a comment follows the response head at once, long before the first event") {
    auto opts = test_options();
    opts.interval = 10s;
    test_server server(opts);
    client c(server.port());
    const auto start = std::chrono::steady_clock::now();
    c.send(sse_request);
    const auto got = c.read_until(": ok\n\n", 3s);
    // Not a performance bound: the first event is 10 s away, so 2 s tells
    // "sent with the head" from "sent with the first event".
    CHECK(std::chrono::steady_clock::now() - start < 2s);
    CHECK(split(got).body == ": ok\n\n");
}

TEST_CASE("a heartbeat comment is sent whenever no event was sent for the heartbeat period") {
    auto opts = test_options();
    opts.interval = 10s;
    opts.heartbeat = 100ms;
    test_server server(opts);
    client c(server.port());
    const auto start = std::chrono::steady_clock::now();
    c.send(sse_request);
    c.read_until(": ok\n\n: heartbeat\n");
    const auto first = std::chrono::steady_clock::now() - start;
    const auto body = split(c.read_until(": heartbeat\n: heartbeat\n: heartbeat\n")).body;
    CHECK(body.rfind(": ok\n\n: heartbeat\n: heartbeat\n: heartbeat\n", 0) == 0);
    CHECK(first >= 90ms); // not before a whole silent period
    const auto view = parse_body(body);
    CHECK(view.events.empty());
    CHECK(std::count(view.comments.begin(), view.comments.end(), " heartbeat") >= 3);
}

TEST_CASE("no heartbeat is sent while events come more often than the heartbeat period") {
    auto opts = test_options();
    opts.interval = 50ms;
    opts.heartbeat = 300ms;
    test_server server(opts);
    client c(server.port());
    c.send(sse_request);
    // 16 events take 800 ms: more than two heartbeat periods.
    const auto body = split(c.read_until("id: 16\ndata: Hello World\n\n", 5s)).body;
    CHECK(parse_body(body).events.size() == 16);
    CHECK(count(body, "heartbeat") == 0);
}

TEST_CASE("a heartbeat period of 0 turns heartbeats off") {
    auto opts = test_options();
    opts.interval = 10s;
    opts.heartbeat = 0ms;
    test_server server(opts);
    client c(server.port());
    c.send(sse_request);
    c.read_until(": ok\n\n");
    CHECK(c.read_until("heartbeat", 400ms).find("heartbeat") == std::string::npos);
}

// --- headers -------------------------------------------------------------

TEST_CASE("the stream is never compressed or buffered, even when the client accepts gzip") {
    test_server server;
    client c(server.port());
    c.send(get_sse("Accept-Encoding: gzip, deflate, br\r\n"));
    const auto [head, body] = split(c.read_until("id: 1\ndata: Hello World\n\n"));
    CHECK(header(head, "Content-Type") == "text/event-stream");
    CHECK(header(head, "X-Accel-Buffering") == "no");
    CHECK(header(head, "Cache-Control") == "no-cache");
    CHECK_FALSE(header(head, "Content-Encoding"));
    CHECK_FALSE(header(head, "Content-Length"));
    CHECK_FALSE(header(head, "Transfer-Encoding"));
    CHECK(body == ": ok\n\nid: 1\ndata: Hello World\n\n");
}

TEST_CASE("HEAD /sse sends the stream's head and no body") {
    test_server server;
    client c(server.port());
    c.send("HEAD /sse HTTP/1.1\r\nHost: test\r\n\r\n");
    const auto got = c.read_to_end(3s);
    CHECK(c.saw_eof());
    const auto [head, body] = split(got);
    CHECK(head.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(header(head, "Content-Type") == "text/event-stream");
    CHECK(body.empty());
}

// --- CORS ----------------------------------------------------------------

TEST_CASE("CORS is off by default: no Access-Control-Allow-Origin, whatever the Origin") {
    test_server server;
    client c(server.port());
    c.send(get_sse("Origin: http://a.test\r\n"));
    const auto head = split(c.read_until(": ok\n\n")).head;
    CHECK_FALSE(header(head, "Access-Control-Allow-Origin"));
}

TEST_CASE("an allowed Origin is echoed exactly, with Vary: Origin") {
    auto opts = test_options();
    opts.cors_origins = {"http://a.test", "https://b.test:8443"};
    test_server server(opts);
    client c(server.port());
    c.send(get_sse("Origin: https://b.test:8443\r\n"));
    const auto head = split(c.read_until(": ok\n\n")).head;
    CHECK(header(head, "Access-Control-Allow-Origin") == "https://b.test:8443");
    CHECK(header(head, "Vary") == "Origin");
}

TEST_CASE("a CORS origin of '*' allows every origin, with no Vary") {
    auto opts = test_options();
    opts.cors_origins = {"*"};
    test_server server(opts);
    client c(server.port());
    c.send(get_sse("Origin: http://anywhere.test\r\n"));
    const auto head = split(c.read_until(": ok\n\n")).head;
    CHECK(header(head, "Access-Control-Allow-Origin") == "*");
    CHECK_FALSE(header(head, "Vary"));
}

TEST_CASE("an Origin that is not allowed gets no Access-Control-Allow-Origin") {
    auto opts = test_options();
    opts.cors_origins = {"http://a.test"};
    test_server server(opts);
    for (std::string_view origin : {"http://evil.test", "http://a.test.evil.test", "https://a.test",
                                    "http://A.TEST", "null"}) {
        INFO("Origin: " << origin);
        client c(server.port());
        c.send(get_sse("Origin: " + std::string(origin) + "\r\n"));
        const auto head = split(c.read_until(": ok\n\n")).head;
        CHECK_FALSE(header(head, "Access-Control-Allow-Origin"));
        CHECK(header(head, "Vary") == "Origin"); // the answer still depends on the Origin
    }
}

TEST_CASE("an OPTIONS preflight from an allowed origin is answered with the CORS fields") {
    auto opts = test_options();
    opts.cors_origins = {"http://a.test"};
    test_server server(opts);
    client c(server.port());
    c.send("OPTIONS /sse HTTP/1.1\r\nHost: test\r\nOrigin: http://a.test\r\n"
           "Access-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: "
           "last-event-id\r\n\r\n");
    const auto got = c.read_to_end(3s);
    const auto [head, body] = split(got);
    CHECK(head.rfind("HTTP/1.1 204 No Content\r\n", 0) == 0);
    CHECK(header(head, "Access-Control-Allow-Origin") == "http://a.test");
    CHECK(header(head, "Access-Control-Allow-Methods").value_or("").find("GET") !=
          std::string::npos);
    auto allowed_headers = header(head, "Access-Control-Allow-Headers").value_or("");
    std::transform(allowed_headers.begin(), allowed_headers.end(), allowed_headers.begin(),
                   [](unsigned char ch) { return char(std::tolower(ch)); });
    CHECK(allowed_headers.find("last-event-id") != std::string::npos);
    CHECK(header(head, "Vary") == "Origin");
    CHECK(body.empty());
}

TEST_CASE("an OPTIONS preflight from another origin gets no CORS permission") {
    auto opts = test_options();
    opts.cors_origins = {"http://a.test"};
    test_server server(opts);
    client c(server.port());
    c.send("OPTIONS /sse HTTP/1.1\r\nHost: test\r\nOrigin: http://evil.test\r\n"
           "Access-Control-Request-Method: GET\r\n\r\n");
    const auto head = split(c.read_to_end(3s)).head;
    CHECK_FALSE(header(head, "Access-Control-Allow-Origin"));
    CHECK(header(head, "Vary") == "Origin"); // a cache must not reuse this for an allowed origin
}

// --- the event's shape ---------------------------------------------------

TEST_CASE("the event name and multi-line event data shape every event") {
    auto opts = test_options();
    opts.event_name = "tick";
    opts.event_data = "line one\nline two\r\nline three\rline four";
    test_server server(opts);
    client c(server.port());
    c.send(sse_request);
    const auto body = split(c.read_until("id: 2\n")).body;
    CHECK(body.find("event: tick\nid: 1\ndata: line one\ndata: line two\ndata: line three\n"
                    "data: line four\n\n") != std::string::npos);
    const auto events = parse_body(body).events;
    REQUIRE_FALSE(events.empty());
    CHECK(events.front() == seen{"tick", "line one\nline two\nline three\nline four", "1"});
}

TEST_CASE("an event name with a line break or invalid UTF-8 data is refused at start-up") {
    auto opts = test_options();
    CHECK(herald::app::check_stream_options(opts).empty());
    opts.event_name = "a\nevent: b";
    CHECK(herald::app::check_stream_options(opts).find("--event-name") != std::string::npos);
    opts.event_name = "\xC3\x28";
    CHECK(herald::app::check_stream_options(opts).find("--event-name") != std::string::npos);
    opts.event_name = "ok";
    opts.event_data = "\xC3\x28";
    CHECK(herald::app::check_stream_options(opts).find("--event-data") != std::string::npos);
}

TEST_CASE("with --timestamps each event has a time field that clients ignore and the bench reads") {
    auto opts = test_options();
    opts.timestamps = true;
    test_server server(opts);
    client c(server.port());
    c.send(sse_request);
    const auto view = parse_body(split(c.read_until("id: 2\n")).body);
    REQUIRE_FALSE(view.events.empty());
    CHECK(view.events.front() == seen{"message", "Hello World", "1"});
    REQUIRE_FALSE(view.fields.empty());
    CHECK(view.fields.front().first == "time");
    const auto micros = std::stoll(view.fields.front().second);
    const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    CHECK(std::abs(now - micros) < 60'000'000); // the same minute: microseconds since the epoch
}

// --- --max-events ------------------------------------------------------------

TEST_CASE("with --max-events each stream ends cleanly with FIN after that many events") {
    auto opts = test_options();
    opts.interval = 50ms;
    opts.max_events = 3;
    test_server server(opts);
    client c(server.port());
    c.send(sse_request);
    const auto got = c.read_to_end(3s);
    CHECK(c.saw_eof());
    CHECK_FALSE(c.saw_reset());
    const auto body = split(got).body;
    CHECK(body == ": ok\n\nid: 1\ndata: Hello World\n\nid: 2\ndata: Hello World\n\n"
                  "id: 3\ndata: Hello World\n\n");
    CHECK(eventually([&] { return server.get().open_streams() == 0; }));
}

TEST_CASE(
    "after --max-events ends a stream, a client resuming with Last-Event-ID gets the next ids") {
    auto opts = test_options();
    opts.interval = 50ms;
    opts.max_events = 3;
    test_server server(opts);
    client c(server.port());
    c.send(get_sse("Last-Event-ID: 3\r\n"));
    const auto got = c.read_to_end(3s);
    CHECK(c.saw_eof());
    CHECK(ids_of(parse_body(split(got).body).events) == std::vector<std::string>{"4", "5", "6"});
}

TEST_CASE("the command line reads --max-events, 0 by default, and refuses a negative count") {
    const char* plain[] = {"herald"};
    CHECK(herald::app::parse_command_line(1, plain).opts.max_events == 0);
    const char* three[] = {"herald", "--max-events", "3"};
    const auto parsed = herald::app::parse_command_line(3, three);
    CHECK_FALSE(parsed.exit_code);
    CHECK(parsed.opts.max_events == 3);
    const char* negative[] = {"herald", "--max-events", "-1"};
    CHECK(herald::app::parse_command_line(3, negative).exit_code.value_or(0) != 0);
}

// --- the demo page -------------------------------------------------------

TEST_CASE("GET / serves the self-contained demo page that opens EventSource('/sse')") {
    test_server server;
    client c(server.port());
    c.send("GET / HTTP/1.1\r\nHost: test\r\n\r\n");
    const auto got = c.read_to_end(3s);
    const auto [head, body] = split(got);
    CHECK(head.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(header(head, "Content-Type").value_or("").rfind("text/html", 0) == 0);
    CHECK(header(head, "Content-Length") == std::to_string(body.size()));
    CHECK(body.find("new EventSource('/sse')") != std::string::npos);
    CHECK(body.find("lastEventId") != std::string::npos);
    // Self-contained: nothing is loaded from anywhere else.
    CHECK(body.find("src=") == std::string::npos);
    CHECK(count(body, "<link") == count(body, "<link rel=\"icon\" href=\"data:,\">"));
    CHECK(body.find("http://") == std::string::npos);
    CHECK(body.find("https://") == std::string::npos);
    CHECK(body.find("@import") == std::string::npos);
    CHECK(body.find("url(") == std::string::npos);
}
