#include "herald/sse/parser.hpp"

#include "catch.hpp"
#include "split.hpp"

#include <string>
#include <vector>

namespace {

struct seen {
    std::string type, data, id;
    bool operator==(const seen&) const = default;
};

std::vector<seen> parse_split(std::string_view a, std::string_view b) {
    herald::sse::parser p;
    std::vector<seen> events;
    auto on_event = [&](const herald::sse::received_event& e) {
        events.push_back({std::string(e.type), std::string(e.data), std::string(e.last_event_id)});
    };
    p.feed(a, on_event);
    p.feed(b, on_event);
    p.end_of_stream();
    return events;
}

void expect_events(std::string_view stream, const std::vector<seen>& expected) {
    herald::test::for_each_split(stream, [&](std::string_view a, std::string_view b) {
        INFO("split at " << a.size());
        CHECK(parse_split(a, b) == expected);
    });
}

} // namespace

TEST_CASE("the seed's stream parses to message events") {
    expect_events("data: Hello World\n\ndata: Hello World\n\n",
                  {{"message", "Hello World", ""}, {"message", "Hello World", ""}});
}

TEST_CASE("CR, LF and CRLF all end lines, even when CRLF is split across chunks") {
    expect_events("data: a\r\ndata: b\rdata: c\n\r\n", {{"message", "a\nb\nc", ""}});
}

TEST_CASE("one leading BOM is skipped") {
    expect_events("\xEF\xBB\xBF"
                  "data: x\n\n",
                  {{"message", "x", ""}});
}

TEST_CASE("an event without its blank line is discarded at end of stream") {
    expect_events("data: complete\n\ndata: partial\n", {{"message", "complete", ""}});
}
