#include "herald/sse/encoder.hpp"

#include "catch.hpp"
#include "herald/error.hpp"

using herald::errc;
using herald::sse::encode;
using herald::sse::event;
using namespace std::string_literals;

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
    const event e{
        .data = "x", .type = "tick", .id = "42", .retry = std::chrono::milliseconds(3000)};
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
    CHECK(encode({.data = "\xC3\x28", .type = {}, .id = {}, .retry = {}}, out) ==
          errc::invalid_utf8);
    CHECK(encode({.data = "\xED\xA0\x80", .type = {}, .id = {}, .retry = {}}, out) ==
          errc::invalid_utf8); // a UTF-16 surrogate
    CHECK_FALSE(
        encode({.data = "h\xC3\xA9llo \xF0\x9F\x98\x80", .type = {}, .id = {}, .retry = {}}, out));
}

TEST_CASE("a comment is a line starting with a colon") {
    std::string out;
    REQUIRE_FALSE(herald::sse::encode_comment("keep-alive", out));
    CHECK(out == ": keep-alive\n");
}

TEST_CASE("an empty id is sent as a bare id field, which resets the client's last event ID") {
    CHECK(encoded({.data = "x", .type = {}, .id = "", .retry = {}}) == "id:\ndata: x\n\n");
}

TEST_CASE("leading spaces survive: the encoder adds the one space a client removes") {
    CHECK(encoded({.data = " x", .type = " t", .id = " 1", .retry = {}}) ==
          "event:  t\nid:  1\ndata:  x\n\n");
}

TEST_CASE("line ends at the edges of data give empty data lines") {
    CHECK(encoded({.data = "a\r", .type = {}, .id = {}, .retry = {}}) == "data: a\ndata:\n\n");
    CHECK(encoded({.data = "\r\n", .type = {}, .id = {}, .retry = {}}) == "data:\ndata:\n\n");
    CHECK(encoded({.data = "\n\na", .type = {}, .id = {}, .retry = {}}) ==
          "data:\ndata:\ndata: a\n\n");
    // CR LF is one line end, LF CR is two.
    CHECK(encoded({.data = "a\n\rb", .type = {}, .id = {}, .retry = {}}) ==
          "data: a\ndata:\ndata: b\n\n");
}

TEST_CASE("colons, NUL and non-ASCII text in data are sent as they are") {
    CHECK(encoded({.data = "a: b\0c \xE2\x9C\x93"s, .type = {}, .id = {}, .retry = {}}) ==
          "data: a: b\0c \xE2\x9C\x93\n\n"s);
}

TEST_CASE("a negative retry is rejected") {
    std::string out;
    CHECK(encode({.data = "x", .type = {}, .id = {}, .retry = std::chrono::milliseconds(-1)},
                 out) == std::errc::invalid_argument);
    CHECK(herald::sse::encode_retry(std::chrono::milliseconds(-5), out) ==
          std::errc::invalid_argument);
    CHECK(out.empty());
}

TEST_CASE("a failed encode appends nothing to what the buffer already holds") {
    std::string out = "data: before\n\n";
    CHECK(encode({.data = "x", .type = "bad\r", .id = {}, .retry = {}}, out));
    CHECK(encode({.data = "\xFF", .type = {}, .id = {}, .retry = {}}, out));
    CHECK(out == "data: before\n\n");
    REQUIRE_FALSE(encode({.data = "after", .type = {}, .id = {}, .retry = {}}, out));
    CHECK(out == "data: before\n\ndata: after\n\n");
}

TEST_CASE("invalid UTF-8 is rejected in the type, the id and comments too") {
    std::string out;
    CHECK(encode({.data = "x", .type = "\xC0\xAF", .id = {}, .retry = {}}, out) ==
          errc::invalid_utf8);
    CHECK(encode({.data = "x", .type = {}, .id = "\x80", .retry = {}}, out) == errc::invalid_utf8);
    CHECK(herald::sse::encode_comment("\xF5\x80\x80\x80", out) == errc::invalid_utf8);
    CHECK(out.empty());
}

TEST_CASE("UTF-8 validation follows RFC 3629 at every boundary") {
    using herald::sse::is_valid_utf8;
    // The first and last code point of each length, and around the surrogates.
    for (std::string_view ok :
         {"\x7F", "\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF", "\xEE\x80\x80",
          "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF"}) {
        INFO("valid: " << ok);
        CHECK(is_valid_utf8(ok));
    }
    for (std::string_view bad : {"\x80",             // a continuation byte on its own
                                 "\xC0\x80",         // overlong NUL
                                 "\xC1\xBF",         // overlong U+007F
                                 "\xE0\x9F\xBF",     // overlong U+07FF
                                 "\xF0\x8F\xBF\xBF", // overlong U+FFFF
                                 "\xED\xA0\x80",     // U+D800, a surrogate
                                 "\xED\xBF\xBF",     // U+DFFF, a surrogate
                                 "\xF4\x90\x80\x80", // U+110000, past the end of Unicode
                                 "\xF8\x88\x80\x80\x80", "\xFE", "\xFF",
                                 "\xE2\x82",     // truncated
                                 "\xE2\x28\xA1", // bad continuation
                                 "a\xC3"}) {     // truncated at the end
        INFO("invalid: " << bad);
        CHECK_FALSE(is_valid_utf8(bad));
    }
}

TEST_CASE("a comment with line breaks becomes one comment line per line, and an empty one is a "
          "bare colon") {
    std::string out;
    REQUIRE_FALSE(herald::sse::encode_comment("one\ntwo\r\nthree", out));
    CHECK(out == ": one\n: two\n: three\n");
    out.clear();
    REQUIRE_FALSE(herald::sse::encode_comment("", out));
    CHECK(out == ":\n");
}

TEST_CASE("a retry hint on its own is the field and a blank line") {
    std::string out;
    REQUIRE_FALSE(herald::sse::encode_retry(std::chrono::milliseconds(2500), out));
    CHECK(out == "retry: 2500\n\n");
}

TEST_CASE("event and id may hold colons and non-ASCII text") {
    CHECK(encoded({.data = "x", .type = "a:b \xC3\xA9", .id = "k:1/\xE2\x9C\x93", .retry = {}}) ==
          "event: a:b \xC3\xA9\nid: k:1/\xE2\x9C\x93\ndata: x\n\n");
}
