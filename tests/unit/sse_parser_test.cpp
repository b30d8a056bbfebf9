// The client-side parser against WHATWG HTML §9.2.6, "Interpreting an event
// stream". Each TEST_CASE is one rule of that section (or one of its
// examples), named after it. Every input is fed whole, split in two at every
// byte offset, and one byte at a time: the network may chop a stream anywhere,
// including between the CR and LF of a CRLF.
#include "herald/sse/parser.hpp"

#include "catch.hpp"
#include "split.hpp"

#include <initializer_list>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

using namespace std::string_literals;

namespace {

struct seen {
    std::string type, data, id;
    bool operator==(const seen&) const = default;
};

std::ostream& operator<<(std::ostream& os, const seen& e) {
    return os << "{type=\"" << e.type << "\" data=\"" << e.data << "\" id=\"" << e.id << "\"}";
}

/// Everything a parser reported for one stream, and its state after it.
struct outcome {
    std::vector<seen> events;
    std::vector<std::string> comments;
    std::vector<std::pair<std::string, std::string>> fields;
    std::string last_event_id;
    std::optional<std::uint64_t> retry;
    bool operator==(const outcome&) const = default;
};

struct recorder {
    outcome& out;
    void on_event(const herald::sse::received_event& e) {
        out.events.push_back(
            {std::string(e.type), std::string(e.data), std::string(e.last_event_id)});
    }
    void on_comment(std::string_view text) { out.comments.emplace_back(text); }
    void on_field(std::string_view name, std::string_view value) {
        out.fields.emplace_back(name, value);
    }
};

outcome parse_chunks(std::initializer_list<std::string_view> chunks) {
    herald::sse::parser p;
    outcome out;
    recorder r{out};
    for (auto chunk : chunks)
        p.feed(chunk, r);
    p.end_of_stream();
    out.last_event_id = p.last_event_id();
    out.retry = p.retry();
    return out;
}

outcome parse_bytewise(std::string_view stream) {
    herald::sse::parser p;
    outcome out;
    recorder r{out};
    for (std::size_t i = 0; i < stream.size(); ++i)
        p.feed(stream.substr(i, 1), r);
    p.end_of_stream();
    out.last_event_id = p.last_event_id();
    out.retry = p.retry();
    return out;
}

/// Parses `stream` whole, at every split and byte by byte; every way must
/// give the same outcome. Returns it (from the whole input) for the test to check.
outcome parse_every_way(std::string_view stream) {
    const auto whole = parse_chunks({stream});
    herald::test::for_each_split(stream, [&](std::string_view a, std::string_view b) {
        INFO("split at byte " << a.size());
        REQUIRE(parse_chunks({a, b}) == whole);
    });
    REQUIRE(parse_bytewise(stream) == whole);
    return whole;
}

std::vector<seen> events_of(std::string_view stream) {
    return parse_every_way(stream).events;
}

seen message(std::string data, std::string id = {}) {
    return {"message", std::move(data), std::move(id)};
}

} // namespace

// --- The stream: decoding and lines --------------------------------------

TEST_CASE("spec: a stream may start with a U+FEFF BOM, which is skipped") {
    CHECK(events_of("\xEF\xBB\xBF"
                    "data: x\n\n") == std::vector{message("x")});
}

TEST_CASE("spec: only one leading BOM is skipped, a second is part of the first field name") {
    const auto got = parse_every_way("\xEF\xBB\xBF\xEF\xBB\xBF"
                                     "data: x\n\n");
    CHECK(got.events.empty());
    REQUIRE(got.fields.size() == 1);
    CHECK(got.fields[0].first == "\xEF\xBB\xBF"
                                 "data");
}

TEST_CASE("spec: a BOM after the start of the stream is text, not skipped") {
    CHECK(events_of("data: \xEF\xBB\xBFx\n\n") == std::vector{message("\xEF\xBB\xBFx")});
}

TEST_CASE("bytes that only begin like a BOM are kept as text") {
    // U+FEFE shares its first two bytes with the BOM.
    const auto got = parse_every_way("\xEF\xBB\xBE: not a BOM\ndata: x\n\n");
    CHECK(got.events == std::vector{message("x")});
    REQUIRE(got.fields.size() == 1);
    CHECK(got.fields[0] == std::pair<std::string, std::string>("\xEF\xBB\xBE", "not a BOM"));
}

TEST_CASE("spec: lines end with CRLF, LF or CR") {
    CHECK(events_of("data: a\r\ndata: b\ndata: c\rdata: d\r\n\r\n") ==
          std::vector{message("a\nb\nc\nd")});
    CHECK(events_of("data: a\n\n") == std::vector{message("a")});
    CHECK(events_of("data: a\r\r") == std::vector{message("a")});
    CHECK(events_of("data: a\r\n\r\n") == std::vector{message("a")});
}

TEST_CASE("spec: CR CR and LF CR are two line ends, not one") {
    CHECK(events_of("data: a\r\rdata: b\n\n") == std::vector{message("a"), message("b")});
    CHECK(events_of("data: a\n\rdata: b\n\n") == std::vector{message("a"), message("b")});
}

TEST_CASE("a CR at the end of one chunk and an LF at the start of the next are one line end") {
    // Were the split CRLF two line ends, the LF would be a blank line and
    // dispatch "a" on its own.
    const auto got = parse_chunks({"data: a\r", "\ndata: b\r", "\n\r", "\n"});
    CHECK(got.events == std::vector{message("a\nb")});
    CHECK(parse_chunks({"data: a\r", "", "\n\r", "\n"}).events == std::vector{message("a")});
}

TEST_CASE("a CR that ends the last chunk still ends its line") {
    CHECK(parse_chunks({"data: a\r", "\r"}).events == std::vector{message("a")});
}

TEST_CASE("text that is not ASCII passes through unchanged") {
    CHECK(events_of("event: t\xC3\xAF"
                    "ck\nid: \xE2\x9C\x93\ndata: \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80\n\n") ==
          std::vector{seen{"t\xC3\xAF"
                           "ck",
                           "\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80", "\xE2\x9C\x93"}});
}

// --- Lines: blank, comment, field ------------------------------------------

TEST_CASE("spec: a blank line dispatches the event") {
    CHECK(events_of("data: x\n\n") == std::vector{message("x")});
    CHECK(events_of("data: x\n").empty());
}

TEST_CASE("spec: a line starting with a colon is a comment and is ignored") {
    const auto got = parse_every_way(": this is a comment\ndata: x\n: another\n:\n\n");
    CHECK(got.events == std::vector{message("x")});
    CHECK(got.comments == std::vector<std::string>{" this is a comment", " another", ""});
    CHECK(got.fields.empty());
    CHECK(events_of(": only a comment\n\n").empty());
}

TEST_CASE("spec: the field name is what comes before the first colon, the value what comes after") {
    CHECK(events_of("data: a:b: c\n\n") == std::vector{message("a:b: c")});
    CHECK(events_of("data::\n\n") == std::vector{message(":")});
}

TEST_CASE("spec: a single leading space is removed from the value") {
    // The spec's example: these two events both have the data "test".
    CHECK(events_of("data:test\n\ndata: test\n\n") ==
          std::vector{message("test"), message("test")});
}

TEST_CASE("spec: only one leading space is removed, and no other whitespace") {
    CHECK(events_of("data:  test\n\n") == std::vector{message(" test")});
    CHECK(events_of("data:\ttest\n\n") == std::vector{message("\ttest")});
    CHECK(events_of("data: test \n\n") == std::vector{message("test ")});
}

TEST_CASE("spec: a line without a colon is a field name with an empty value") {
    CHECK(events_of("data\n\n") == std::vector{message("")});
    CHECK(events_of("event: tick\nevent\ndata: x\n\n") == std::vector{message("x")});
}

TEST_CASE("spec: field names match exactly, with case and without spaces") {
    const auto got = parse_every_way("Data: x\n\nDATA: y\n\ndata : z\n\n data: w\n\n");
    CHECK(got.events.empty());
    CHECK(got.fields.size() == 4);
}

TEST_CASE("spec: fields other than event, data, id and retry are ignored") {
    const auto got = parse_every_way("foo: bar\ndata: x\nbaz\ntime: 123\n\n");
    CHECK(got.events == std::vector{message("x")});
    CHECK(got.fields == std::vector<std::pair<std::string, std::string>>{
                            {"foo", "bar"}, {"baz", ""}, {"time", "123"}});
}

// --- data ----------------------------------------------------------------

TEST_CASE("spec example: data lines are joined with LF (YHOO +2 10)") {
    CHECK(events_of("data: YHOO\ndata: +2\ndata: 10\n\n") == std::vector{message("YHOO\n+2\n10")});
}

TEST_CASE("spec: the data buffer's last LF is removed, and only that one") {
    CHECK(events_of("data: a\ndata:\n\n") == std::vector{message("a\n")});
    CHECK(events_of("data:\ndata:\ndata:\n\n") == std::vector{message("\n\n")});
}

TEST_CASE("spec example: 'data' gives \"\", 'data data' gives \"\\n\", and an unterminated "
          "'data:' is discarded") {
    CHECK(events_of("data\n\ndata\ndata\n\ndata:") == std::vector{message(""), message("\n")});
}

TEST_CASE("spec: a block whose data buffer is empty dispatches nothing") {
    CHECK(events_of("event: tick\n\n").empty());
    CHECK(events_of("id: 1\n\n").empty());
    CHECK(events_of("retry: 10\n\n").empty());
    CHECK(events_of("\n\n\n").empty());
}

TEST_CASE("NUL in data is kept") {
    CHECK(events_of("data: a\0b\n\n"s) == std::vector{message("a\0b"s)});
}

TEST_CASE("comments and unknown fields inside an event do not end it") {
    CHECK(events_of("data: a\n: note\nfoo: 1\ndata: b\n\n") == std::vector{message("a\nb")});
}

// --- event ---------------------------------------------------------------

TEST_CASE("spec: the event field sets the type, without one the type is message") {
    CHECK(events_of("event: tick\ndata: a\n\ndata: b\n\n") ==
          std::vector{seen{"tick", "a", ""}, message("b")});
}

TEST_CASE("spec: an empty event field resets the type to message") {
    CHECK(events_of("event: tick\nevent:\ndata: a\n\n") == std::vector{message("a")});
    CHECK(events_of("event: a\nevent: b\ndata: x\n\n") == std::vector{seen{"b", "x", ""}});
}

TEST_CASE("spec: the type is reset after every blank line, even when nothing was dispatched") {
    CHECK(events_of("event: tick\n\ndata: x\n\n") == std::vector{message("x")});
}

// --- id ------------------------------------------------------------------

TEST_CASE("spec: id sets the last event ID, which persists across later events") {
    const auto got = parse_every_way("id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n");
    CHECK(got.events == std::vector{message("a", "1"), message("b", "1"), message("c", "2")});
    CHECK(got.last_event_id == "2");
}

TEST_CASE("spec: an empty id resets the last event ID") {
    CHECK(events_of("id: 1\ndata: a\n\nid\ndata: b\n\n") ==
          std::vector{message("a", "1"), message("b", "")});
    CHECK(events_of("id: 1\ndata: a\n\nid:\ndata: b\n\n") ==
          std::vector{message("a", "1"), message("b", "")});
}

TEST_CASE("spec: an id containing NUL is ignored") {
    const auto got = parse_every_way("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n"s);
    CHECK(got.events == std::vector{message("a", "1"), message("b", "1")});
    CHECK(got.last_event_id == "1");
}

TEST_CASE("spec: the last event ID is set at dispatch, even by a block without data") {
    const auto got = parse_every_way("id: 7\n\ndata: x\n\n");
    CHECK(got.events == std::vector{message("x", "7")});
    CHECK(parse_every_way("id: 7\n\n").last_event_id == "7");
}

TEST_CASE("spec: an id is not taken until its block's blank line") {
    const auto got = parse_every_way("id: 5\ndata: x\n\nid: 6\ndata: y\n");
    CHECK(got.events == std::vector{message("x", "5")});
    CHECK(got.last_event_id == "5");
}

TEST_CASE("spec example: a test stream with a comment, two ids and a third event") {
    constexpr std::string_view stream = ": test stream\n"
                                        "\n"
                                        "data: first event\n"
                                        "id: 1\n"
                                        "\n"
                                        "data:second event\n"
                                        "id\n"
                                        "\n"
                                        "data:  third event\n";
    // The third block has no blank line after it: the end of the stream is
    // not enough to dispatch it.
    const auto got = parse_every_way(stream);
    CHECK(got.events == std::vector{message("first event", "1"), message("second event", "")});
    CHECK(got.comments == std::vector<std::string>{" test stream"});
    // With the blank line, it fires with one leading space left.
    CHECK(events_of(std::string(stream) + "\n") == std::vector{message("first event", "1"),
                                                               message("second event", ""),
                                                               message(" third event", "")});
}

// --- retry ---------------------------------------------------------------

TEST_CASE("spec: retry of ASCII digits sets the reconnection time") {
    CHECK(parse_every_way("retry: 3000\n").retry == 3000u);
    CHECK(parse_every_way("retry: 0\n").retry == 0u);
    CHECK(parse_every_way("retry: 100\nretry: 2500\n").retry == 2500u);
}

TEST_CASE("spec: retry with anything but ASCII digits is ignored") {
    for (std::string_view bad :
         {"retry: 10a", "retry: -1", "retry: 1.5", "retry: +5", "retry:  100", "retry: 100 ",
          "retry: ", "retry", "retry: 1e3", "retry: \xD9\xA1\xD9\xA2"}) { // Arabic-Indic digits
        INFO(bad);
        CHECK(parse_every_way("retry: 500\n" + std::string(bad) + "\n").retry == 500u);
        CHECK(parse_every_way(std::string(bad) + "\n").retry == std::nullopt);
    }
}

TEST_CASE("a retry too large for 64 bits saturates instead of wrapping") {
    CHECK(parse_every_way("retry: 99999999999999999999999\n").retry == UINT64_MAX);
}

// --- end of stream -------------------------------------------------------

TEST_CASE("spec: at end of stream, an event without its blank line is discarded") {
    CHECK(events_of("data: complete\n\ndata: partial\n") == std::vector{message("complete")});
    CHECK(events_of("data: complete\n\ndata: partial") == std::vector{message("complete")});
}

TEST_CASE("after end of stream the parser reads the next stream with the same last event ID") {
    herald::sse::parser p;
    outcome out;
    recorder r{out};
    p.feed("retry: 250\nid: 3\ndata: a\n\nid: 4\ndata: b\nevent: x\n", r);
    p.end_of_stream();
    CHECK(p.last_event_id() == "3");
    // A reconnect: the new stream may start with a BOM, and an event without
    // an id carries the last event ID.
    p.feed("\xEF\xBB\xBF"
           "data: c\n\n",
           r);
    CHECK(out.events == std::vector{message("a", "3"), message("c", "3")});
    CHECK(p.retry() == 250u);
}

TEST_CASE("the seed's stream parses to message events") {
    CHECK(events_of("data: Hello World\n\ndata: Hello World\n\n") ==
          std::vector{message("Hello World"), message("Hello World")});
}

TEST_CASE("herald's own stream opening, ids and heartbeats parse to numbered events") {
    const auto got = parse_every_way(": ok\n\nretry: 2000\n\n: heartbeat\nid: 1\ndata: Hello "
                                     "World\n\n: heartbeat\nid: 2\ndata: Hello World\n\n");
    CHECK(got.events == std::vector{message("Hello World", "1"), message("Hello World", "2")});
    CHECK(got.retry == 2000u);
    CHECK(got.comments == std::vector<std::string>{" ok", " heartbeat", " heartbeat"});
}
