// The body parser: Content-Length and chunked bodies (RFC 9112 §6.3, §7.1),
// each row fed whole, split at every byte offset, and one byte at a time.
#include "herald/http/body_parser.hpp"

#include "catch.hpp"
#include "herald/error.hpp"
#include "split.hpp"

#include <string>
#include <vector>

namespace {

using namespace std::string_literals;
using herald::errc;
using herald::http::body_framing;
using herald::http::body_limits;
using herald::http::body_parser;
using status = body_parser::status;

struct row {
    const char* name;
    body_framing framing;
    std::uint64_t length; // Content-Length, for body_framing::content_length
    std::string input;
    status expected;
    std::string body = {};    // when done
    std::size_t trailing = 0; // when done: bytes after the body, left for the caller
    errc error = {};          // when error
    body_limits limits = {};
};

row done(const char* name, std::string input, std::string body, std::size_t trailing = 0,
         body_limits limits = {}) {
    return {name,         body_framing::chunked, 0,        std::move(input),
            status::done, std::move(body),       trailing, {},
            limits};
}

row fails(const char* name, std::string input, errc error, body_limits limits = {}) {
    return {name, body_framing::chunked, 0, std::move(input), status::error, {}, 0, error, limits};
}

body_limits small() {
    body_limits l;
    l.max_body = 16;
    l.max_chunk_extensions = 8;
    l.max_trailer_section = 16;
    return l;
}

// clang-format off
const std::vector<row> rows{
    // ---- Content-Length (RFC 9112 §6.3) ----
    {"a Content-Length body ends after its length; the pipelined request is left",
     body_framing::content_length, 5, "helloGET / HTTP/1.1\r\n", status::done, "hello", 16},
    {"a Content-Length body exactly at the limit is accepted",
     body_framing::content_length, 16, std::string(16, 'x'), status::done, std::string(16, 'x'), 0,
     {}, small()},
    {"a short Content-Length body needs more",
     body_framing::content_length, 10, "hello", status::need_more},
    {"no body is done before any byte, which all stay the caller's",
     body_framing::none, 0, "GET /", status::done, "", 5},

    // ---- Chunked: sizes (RFC 9112 §7.1) ----
    done("one chunk and the last chunk", "5\r\nhello\r\n0\r\n\r\n", "hello"),
    done("several chunks are concatenated",
         "3\r\nabc\r\n1\r\nd\r\n2\r\nef\r\n0\r\n\r\n", "abcdef"),
    done("chunk sizes are hex, either case", "a\r\n0123456789\r\nB\r\n0123456789a\r\n0\r\n\r\n",
         "01234567890123456789a"),
    done("leading zeros are allowed up to sixteen digits",
         "0000000000000005\r\nhello\r\n0000\r\n\r\n", "hello"),
    done("an empty body is the last chunk alone", "0\r\n\r\n", ""),
    done("bytes after the final CRLF are the next request's",
         "1\r\nx\r\n0\r\n\r\nGET / HTTP/1.1\r\n", "x", 16),
    fails("seventeen digits of chunk size are 400, even as leading zeros",
          "00000000000000005\r\nhello\r\n0\r\n\r\n", errc::bad_chunk_size),
    fails("a chunk size over the body limit is 413 before its line ends",
          "ffffffffffffffffff", errc::body_too_large),
    fails("chunks that add up past the limit are 413",
          "8\r\n12345678\r\n8\r\n12345678\r\n1\r\nx\r\n0\r\n\r\n", errc::body_too_large, small()),
    done("chunks that add up exactly to the limit are accepted",
         "8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n", "1234567812345678", 0, small()),
    fails("a chunk size with 0x is 400", "0x5\r\nhello\r\n0\r\n\r\n", errc::bad_chunk_size),
    fails("a negative chunk size is 400", "-5\r\nhello\r\n0\r\n\r\n", errc::bad_chunk_size),
    fails("an empty chunk size is 400", "\r\nhello\r\n0\r\n\r\n", errc::bad_chunk_size),
    fails("a space before the chunk size is 400", " 5\r\nhello\r\n0\r\n\r\n", errc::bad_chunk_size),
    fails("a non-hex character after the size is 400", "5g\r\nhello\r\n0\r\n\r\n",
          errc::bad_chunk_size),

    // ---- Chunked: line endings ----
    fails("a bare LF after the chunk size is 400", "5\nhello\r\n0\r\n\r\n",
          errc::bad_chunk_framing),
    fails("a bare CR after the chunk size is 400", "5\rhello\r\n0\r\n\r\n",
          errc::bad_chunk_framing),
    fails("chunk data longer than its size is 400", "5\r\nhelloX\r\n0\r\n\r\n",
          errc::bad_chunk_framing),
    fails("a bare LF after chunk data is 400", "5\r\nhello\n0\r\n\r\n", errc::bad_chunk_framing),
    fails("a CR without LF after chunk data is 400", "5\r\nhello\rX0\r\n\r\n",
          errc::bad_chunk_framing),
    fails("a bare LF as the final line is 400", "0\r\n\n", errc::bad_chunk_framing),
    fails("a CR without LF as the final line is 400", "0\r\n\rX", errc::bad_chunk_framing),

    // ---- Chunked: extensions (tolerated, bounded) ----
    done("a chunk extension is ignored", "5;name=value\r\nhello\r\n0;last\r\n\r\n", "hello"),
    done("whitespace around the extension's semicolon is tolerated (BWS)",
         "5 ; a=\"q v\"\r\nhello\r\n0\r\n\r\n", "hello"),
    fails("whitespace after the size without an extension is 400", "5 \r\nhello\r\n0\r\n\r\n",
          errc::bad_chunk_extension),
    fails("a word after the size without a semicolon is 400", "5 x\r\nhello\r\n0\r\n\r\n",
          errc::bad_chunk_extension),
    fails("NUL in a chunk extension is 400", "5;a\0b\r\nhello\r\n0\r\n\r\n"s,
          errc::bad_chunk_extension),
    fails("a bare LF in a chunk extension is 400", "5;a\nhello\r\n0\r\n\r\n",
          errc::bad_chunk_framing),
    fails("a chunk extension over the limit is 400", "1;123456789\r\nx\r\n0\r\n\r\n",
          errc::chunk_extensions_too_large, small()),
    fails("chunk extensions over the limit across chunks are 400 (no endless tiny chunks)",
          "1;abc\r\nx\r\n1;abc\r\nx\r\n1;abc\r\nx\r\n0\r\n\r\n", errc::chunk_extensions_too_large, small()),

    // ---- Chunked: trailer section (bounded, discarded) ----
    done("a trailer field is discarded", "5\r\nhello\r\n0\r\nX-Sum: 1\r\nY:\r\n\r\n", "hello"),
    done("a trailer section exactly at the limit is accepted",
         "0\r\nX: 0123456789a\r\n\r\n", "", 0, small()),
    fails("a trailer section over the limit is 431", "0\r\nX: 0123456789ab\r\n\r\n",
          errc::trailer_section_too_large, small()),
    fails("an endless trailer line is 431 before it ends", "0\r\nX: " + std::string(100, 'a'),
          errc::trailer_section_too_large, small()),
    fails("a folded trailer line is 400", "0\r\nX: 1\r\n 2\r\n\r\n", errc::bad_trailer),
    fails("a trailer line without a colon is 400", "0\r\nX-Sum\r\n\r\n", errc::bad_trailer),
    fails("a trailer name with a space is 400", "0\r\nX Sum: 1\r\n\r\n", errc::bad_trailer),
    fails("NUL in a trailer value is 400", "0\r\nX: a\0b\r\n\r\n"s, errc::bad_trailer),
    fails("a bare LF ending a trailer line is 400", "0\r\nX: 1\n\r\n", errc::bad_chunk_framing),

    // ---- Incomplete ----
    {"a chunked body without its last chunk needs more", body_framing::chunked, 0,
     "5\r\nhello\r\n", status::need_more},
    {"a chunked body without its final CRLF needs more", body_framing::chunked, 0,
     "5\r\nhello\r\n0\r\n\r", status::need_more},
};
// clang-format on

void check(const row& r, body_parser& p, body_parser::result got, std::size_t consumed) {
    INFO(r.name << ": error " << p.error().message());
    REQUIRE(got.state == r.expected);
    if (r.expected == status::error) {
        CHECK(p.error() == r.error);
        return;
    }
    if (r.expected == status::need_more) {
        CHECK(consumed == r.input.size());
        return;
    }
    CHECK(consumed == r.input.size() - r.trailing);
    CHECK(p.body() == r.body);
    CHECK(p.is_done());
}

} // namespace

TEST_CASE("every body row gives the same answer however its bytes are split") {
    for (const auto& r : rows) {
        herald::test::for_each_split(r.input,
                                     [&r](std::string_view first, std::string_view second) {
                                         INFO("split at " << first.size());
                                         body_parser p(r.framing, r.length, r.limits);
                                         auto got = p.feed(first);
                                         std::size_t consumed = got.consumed;
                                         if (got.state == status::need_more && !second.empty()) {
                                             got = p.feed(second);
                                             consumed += got.consumed;
                                         }
                                         check(r, p, got, consumed);
                                     });
    }
}

TEST_CASE("every body row gives the same answer fed one byte at a time") {
    for (const auto& r : rows) {
        body_parser p(r.framing, r.length, r.limits);
        body_parser::result got{status::need_more, 0};
        std::size_t consumed = 0;
        for (std::size_t i = 0; i < r.input.size() && got.state == status::need_more; ++i) {
            got = p.feed(std::string_view(r.input).substr(i, 1));
            consumed += got.consumed;
        }
        if (r.input.empty())
            got = p.feed({});
        check(r, p, got, consumed);
    }
}

TEST_CASE("a declared Content-Length over the limit is 413 before any byte arrives") {
    body_limits limits;
    limits.max_body = 100;
    body_parser p(body_framing::content_length, 101, limits);
    CHECK_FALSE(p.is_done());
    CHECK(p.feed({}).state == status::error);
    CHECK(p.error() == errc::body_too_large);
    CHECK(herald::http_status_for(p.error()) == 413);
}

TEST_CASE("a chunk size of sixteen f digits does not overflow with the largest limit") {
    body_limits limits;
    limits.max_body = SIZE_MAX;
    body_parser p(body_framing::chunked, 0, limits);
    CHECK(p.feed("ffffffffffffffff").state == status::need_more);
    CHECK(p.feed("f").state == status::error);
    CHECK(p.error() == errc::bad_chunk_size);
}

TEST_CASE("after done or error the parser consumes nothing more") {
    body_parser ok(body_framing::chunked, 0);
    CHECK(ok.feed("0\r\n\r\n").state == status::done);
    const auto again = ok.feed("1\r\nx\r\n");
    CHECK(again.state == status::done);
    CHECK(again.consumed == 0);

    body_parser bad(body_framing::chunked, 0);
    CHECK(bad.feed("x").state == status::error);
    const auto still = bad.feed("0\r\n\r\n");
    CHECK(still.state == status::error);
    CHECK(still.consumed == 0);
}

TEST_CASE("body errors map to their HTTP status") {
    CHECK(herald::http_status_for(errc::body_too_large) == 413);
    CHECK(herald::http_status_for(errc::bad_chunk_size) == 400);
    CHECK(herald::http_status_for(errc::bad_chunk_framing) == 400);
    CHECK(herald::http_status_for(errc::bad_chunk_extension) == 400);
    CHECK(herald::http_status_for(errc::chunk_extensions_too_large) == 400);
    CHECK(herald::http_status_for(errc::bad_trailer) == 400);
    CHECK(herald::http_status_for(errc::trailer_section_too_large) == 431);
    CHECK(herald::http_status_for(errc::body_timeout) == 408);
}
