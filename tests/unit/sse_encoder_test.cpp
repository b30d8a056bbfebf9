#include "herald/sse/encoder.hpp"

#include "catch.hpp"
#include "herald/error.hpp"

using herald::errc;
using herald::sse::encode;
using herald::sse::event;

namespace {
std::string encoded(const event& e) {
    std::string out;
    REQUIRE_FALSE(encode(e, out));
    return out;
}
} // namespace

TEST_CASE("the seed's event encodes as one data line and a blank line") {
    CHECK(encoded({.data = "Hello World", .type = {}, .id = {}, .retry = {}}) ==
          "data: Hello World\n\n");
}

TEST_CASE("all fields encode in the order event, id, retry, data") {
    const event e{.data = "x", .type = "tick", .id = "42", .retry = std::chrono::milliseconds(3000)};
    CHECK(encoded(e) == "event: tick\nid: 42\nretry: 3000\ndata: x\n\n");
}

TEST_CASE("LF, CR and CRLF in data each start a new data line") {
    CHECK(encoded({.data = "a\nb\rc\r\nd", .type = {}, .id = {}, .retry = {}}) ==
          "data: a\ndata: b\ndata: c\ndata: d\n\n");
}

TEST_CASE("empty data is still sent as a data field") {
    CHECK(encoded({.data = "", .type = {}, .id = {}, .retry = {}}) == "data:\n\n");
}

TEST_CASE("an event type or id with a line break is rejected, not mangled") {
    std::string out;
    CHECK(encode({.data = "x", .type = "a\nb", .id = {}, .retry = {}}, out) ==
          errc::field_has_line_break);
    CHECK(encode({.data = "x", .type = {}, .id = "1\r", .retry = {}}, out) ==
          errc::field_has_line_break);
    CHECK(out.empty());
}

TEST_CASE("an id containing NUL is rejected") {
    std::string out;
    CHECK(encode({.data = "x", .type = {}, .id = std::string("1\0 2", 4), .retry = {}}, out) ==
          errc::id_has_nul);
}

TEST_CASE("invalid UTF-8 is rejected") {
    std::string out;
    CHECK(encode({.data = "\xC3\x28", .type = {}, .id = {}, .retry = {}}, out) == errc::invalid_utf8);
    CHECK(encode({.data = "\xED\xA0\x80", .type = {}, .id = {}, .retry = {}}, out) ==
          errc::invalid_utf8); // a UTF-16 surrogate
    CHECK_FALSE(encode({.data = "h\xC3\xA9llo \xF0\x9F\x98\x80", .type = {}, .id = {}, .retry = {}},
                       out));
}

TEST_CASE("a comment is a line starting with a colon") {
    std::string out;
    REQUIRE_FALSE(herald::sse::encode_comment("keep-alive", out));
    CHECK(out == ": keep-alive\n");
}
