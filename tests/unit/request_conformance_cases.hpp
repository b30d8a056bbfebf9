// tests/unit/request_conformance_cases.hpp — the request-head conformance table.
//
// One row per rule of RFC 9112 / RFC 9110 that herald's request parser
// enforces, valid and invalid requests alike. The unit tests run every row
// (request_conformance_test.cpp) and the request parser fuzzer starts from
// every row's input (tests/fuzz/write_request_corpus.cpp), so the table is the
// single source of both.
//
// Ideas for rows came from reading nodejs/llhttp's test/request/*.md fixtures
// and h2o/picohttpparser's test.c; the rows are written anew for herald, and
// where those parsers are lenient (bare LF, non-ASCII targets) herald's
// stricter answer is the expected one.
#pragma once

#include "herald/error.hpp"
#include "herald/http/request.hpp"
#include "herald/http/request_parser.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace herald::test {

using namespace std::string_literals; // "..."s keeps embedded NULs

enum class outcome { done, need_more, error };

/// What a parsed head must look like (for rows whose outcome is `done`).
struct head_expect {
    std::string_view method = "GET";
    std::string_view path = "/";
    std::string_view query = {};
    int minor = 1;
    http::body_framing framing = http::body_framing::none;
    std::uint64_t content_length = 0;
    std::size_t trailing = 0;    ///< bytes after the head, left for the caller
    bool known_method = true;    ///< false: the server answers 501 (routing, not parsing)
    std::string_view field = {}; ///< if set, header(field) must equal value
    std::string_view value = {};
};

struct conformance_case {
    const char* name; ///< the rule, its section, and the answer
    std::string input;
    outcome expected;
    errc error{};   ///< when expected == outcome::error
    int status = 0; ///< when expected == outcome::error: the HTTP answer
    head_expect head{};
    http::request_limits limits{};
};

inline conformance_case done(const char* name, std::string input, head_expect head = {},
                             http::request_limits limits = {}) {
    return {name, std::move(input), outcome::done, {}, 0, head, limits};
}

inline conformance_case fails(const char* name, std::string input, errc error, int status,
                              http::request_limits limits = {}) {
    return {name, std::move(input), outcome::error, error, status, {}, limits};
}

inline conformance_case needs_more(const char* name, std::string input) {
    return {name, std::move(input), outcome::need_more, {}, 0, {}, {}};
}

/// A head: the request line, then `fields` (each ending in CRLF), then CRLF.
inline std::string req(std::string_view line, std::string_view fields = "Host: a\r\n") {
    std::string out(line);
    out += "\r\n";
    out += fields;
    out += "\r\n";
    return out;
}

/// Small limits, so that the limit rows stay short: a 32-byte request line,
/// a 64-byte header section, 3 fields.
inline http::request_limits small_limits() {
    http::request_limits l;
    l.max_request_line = 32;
    l.max_header_section = 64;
    l.max_header_fields = 3;
    return l;
}

/// With small_limits(): the longest path whose request line ("GET " path
/// " HTTP/1.1") fits in 32 bytes, and the largest value of a field "X" that
/// fits, after "Host: a\r\n", in a 64-byte header section ("X: " value CRLF).
inline const std::string longest_path = "/" + std::string(18, 'a');
inline const std::string largest_value = std::string(50, 'b');

using http::body_framing;

// clang-format off
inline const conformance_case conformance_cases[] = {
    // ---- Request line: forms of request-target (RFC 9112 §3.2) ----
    done("RFC 9112 §3.2.1: origin-form GET is done",
         req("GET /sse HTTP/1.1"), {.path = "/sse"}),
    done("RFC 9112 §3.2.1: origin-form splits path and query at the first question mark",
         req("GET /a/b?x=1&y=2 HTTP/1.1"), {.path = "/a/b", .query = "x=1&y=2"}),
    done("RFC 9112 §3.2.1: a second question mark belongs to the query",
         req("GET /test?foo=bar?baz HTTP/1.1"), {.path = "/test", .query = "foo=bar?baz"}),
    done("RFC 9112 §3.2.1: quotes and a vertical bar in the target are accepted as browsers send them",
         req("GET /with_\"quotes\"?q=| HTTP/1.1"), {.path = "/with_\"quotes\"", .query = "q=|"}),
    done("RFC 9112 §3.2.2: absolute-form is routed by its path and query",
         req("GET http://example.com/sse?x=1 HTTP/1.1"), {.path = "/sse", .query = "x=1"}),
    done("RFC 9112 §3.2.2: absolute-form without a path means the root",
         req("GET http://example.com HTTP/1.1"), {.path = "/"}),
    done("RFC 9112 §3.2.2: absolute-form with a port and a query but no path",
         req("GET http://example.com:8080?x=1 HTTP/1.1"), {.path = "/", .query = "x=1"}),
    done("RFC 9112 §3.2.2: the scheme of absolute-form is case-insensitive",
         req("GET HTTPS://example.com/a HTTP/1.1"), {.path = "/a"}),
    fails("RFC 9112 §3.2.2: absolute-form with a scheme other than http or https is 400",
          req("GET ftp://example.com/ HTTP/1.1"), errc::bad_target, 400),
    fails("RFC 9112 §3.2.2 and RFC 9110 §4.2.4: userinfo in absolute-form is 400",
          req("GET http://user:pw@example.com/ HTTP/1.1"), errc::bad_target, 400),
    fails("RFC 9112 §3.2.2: absolute-form with an empty authority is 400",
          req("GET http:///sse HTTP/1.1"), errc::bad_target, 400),
    done("RFC 9112 §3.2.4: asterisk-form is accepted for OPTIONS",
         req("OPTIONS * HTTP/1.1"), {.method = "OPTIONS", .path = "*"}),
    fails("RFC 9112 §3.2.4: asterisk-form on GET is 400",
          req("GET * HTTP/1.1"), errc::bad_target, 400),
    done("RFC 9112 §3.2.3: authority-form is accepted for CONNECT",
         req("CONNECT example.com:443 HTTP/1.1", "Host: example.com:443\r\n"),
         {.method = "CONNECT", .path = ""}),
    fails("RFC 9112 §3.2.3: CONNECT without a port is 400",
          req("CONNECT example.com HTTP/1.1"), errc::bad_target, 400),
    fails("RFC 9112 §3.2.3: CONNECT with origin-form is 400",
          req("CONNECT /sse HTTP/1.1"), errc::bad_target, 400),
    fails("RFC 9112 §3.2.3: authority-form on GET is 400",
          req("GET example.com:80 HTTP/1.1"), errc::bad_target, 400),
    fails("RFC 9112 §3.2: a target without a leading slash or scheme is 400",
          req("GET sse HTTP/1.1"), errc::bad_target, 400),
    fails("RFC 9112 §3.2: a fragment in the target is 400",
          req("GET /sse#top HTTP/1.1"), errc::bad_target, 400),
    fails("RFC 9112 §3.2: a non-ASCII byte in the target is 400 (picohttpparser accepts it)",
          req("GET /\xa0 HTTP/1.1"), errc::bad_target, 400),
    fails("RFC 9112 §3.2: DEL in the target is 400",
          req("GET /\x7f" "hello HTTP/1.1"), errc::bad_target, 400),
    fails("RFC 9112 §3.2: NUL in the target is 400",
          req("GET /a\0b HTTP/1.1"s), errc::bad_target, 400),

    // ---- Request line: method (RFC 9112 §3.1, RFC 9110 §9) ----
    done("RFC 9112 §3.1: an unknown method that is a token parses (the server answers 501)",
         req("BREW /pot HTTP/1.1"), {.method = "BREW", .path = "/pot", .known_method = false}),
    done("RFC 9110 §9.1: methods are case-sensitive, so get is an unknown method (501)",
         req("get / HTTP/1.1"), {.method = "get", .known_method = false}),
    done("RFC 9110 §5.6.2: a method may use any tchar",
         req("M-SEARCH.v2~ / HTTP/1.1"), {.method = "M-SEARCH.v2~", .known_method = false}),
    done("RFC 9110 §9.3.8: OPTIONS with origin-form is a known method",
         req("OPTIONS /sse HTTP/1.1"), {.method = "OPTIONS", .path = "/sse"}),
    fails("RFC 9112 §3.1: a method holding a separator is 400",
          req("GE(T / HTTP/1.1"), errc::bad_method, 400),
    fails("RFC 9112 §3.1: NUL in the method is 400",
          req("G\0T / HTTP/1.1"s), errc::bad_method, 400),
    fails("RFC 9112 §3: a tab between method and target is 400",
          req("GET\t/ HTTP/1.1"), errc::bad_request_line, 400),
    fails("RFC 9112 §3: a TLS ClientHello is 400 at its first bytes, not at the header timeout",
          "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"s, errc::bad_method, 400),
    fails("RFC 9112 §3: a byte that cannot start a method is 400 before the line ends",
          "{\"jsonrpc\": \"2.0\"", errc::bad_method, 400),
    fails("RFC 9112 §2.2: empty lines, then a byte that cannot start a method, is 400 at once",
          "\r\n\r\n\x16\x03\x01"s, errc::bad_method, 400),
    fails("RFC 9112 §3: a NUL inside a method is 400 before the line ends",
          "GE\0"s, errc::bad_method, 400),
    fails("RFC 9112 §2.2: a bare CR inside a method is 400 before the line ends",
          "GE\rT / HTTP/1.1", errc::bare_cr, 400),
    needs_more("RFC 9112 §3: a method not yet ended by a space needs more", "OPTIONS"),

    // ---- Request line: spacing (RFC 9112 §3) ----
    fails("RFC 9112 §3: two spaces after the method are 400",
          req("GET  / HTTP/1.1"), errc::bad_request_line, 400),
    fails("RFC 9112 §3: a space before the method is 400",
          req(" GET / HTTP/1.1"), errc::bad_request_line, 400),
    fails("RFC 9112 §3: a space after the version is 400",
          req("GET / HTTP/1.1 "), errc::bad_request_line, 400),
    fails("RFC 9112 §3: a space inside the target is 400",
          req("GET /foo bar HTTP/1.1"), errc::bad_request_line, 400),
    fails("RFC 9112 §3: a request line without a version (HTTP/0.9 style) is 400",
          "GET /\r\n\r\n", errc::bad_request_line, 400),
    fails("RFC 9112 §3: a request line of one word is 400",
          "GET\r\n\r\n", errc::bad_request_line, 400),

    // ---- Request line: version (RFC 9112 §2.3) ----
    done("RFC 9112 §2.3 and §3.2: HTTP/1.0 without Host is served as 1.0",
         "GET / HTTP/1.0\r\n\r\n", {.minor = 0}),
    done("RFC 9112 §2.3: a later 1.x minor version (HTTP/1.2) is served as 1.1",
         req("GET / HTTP/1.2"), {.minor = 1}),
    fails("RFC 9112 §2.3: HTTP/2.0 in a request line is 505",
          req("GET / HTTP/2.0"), errc::unsupported_version, 505),
    fails("RFC 9112 §2.3: HTTP/0.9 written as a version is 505",
          req("GET / HTTP/0.9"), errc::unsupported_version, 505),
    fails("RFC 9112 §2.3: a major version of 5 is 505",
          req("GET / HTTP/5.6"), errc::unsupported_version, 505),
    fails("RFC 9112 §2.3: the HTTP/2 connection preface is 505",
          "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", errc::unsupported_version, 505),
    fails("RFC 9112 §2.3: a lowercase http version is 400",
          req("GET / http/1.1"), errc::bad_version, 400),
    fails("RFC 9112 §2.3: a two-digit minor version is 400",
          req("GET / HTTP/1.10"), errc::bad_version, 400),
    fails("RFC 9112 §2.3: a version without its minor is 400",
          req("GET / HTTP/1"), errc::bad_version, 400),
    fails("RFC 9112 §2.3: a protocol other than HTTP (ICE/1.0) is 400",
          req("GET / ICE/1.0"), errc::bad_version, 400),
    fails("RFC 9112 §2.3: a prefixed protocol name (IHTTP/1.0) is 400",
          req("GET / IHTTP/1.0"), errc::bad_version, 400),

    // ---- Message format and line endings (RFC 9112 §2.2) ----
    done("RFC 9112 §2.2: empty lines before the request line are ignored",
         "\r\n\r\n" + req("GET / HTTP/1.1")),
    fails("RFC 9112 §2.2: a bare LF empty line before the request line is 400 (herald rejects bare LF)",
          "\n" + req("GET / HTTP/1.1"), errc::bare_lf, 400),
    fails("RFC 9112 §2.2: a request line ended by bare LF is 400 (herald rejects bare LF)",
          "GET / HTTP/1.1\nHost: a\r\n\r\n", errc::bare_lf, 400),
    fails("RFC 9112 §2.2: a field line ended by bare LF is 400 (herald rejects bare LF)",
          "GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n", errc::bare_lf, 400),
    fails("RFC 9112 §2.2: a head ended by a bare LF blank line is 400 (herald rejects bare LF)",
          "GET / HTTP/1.1\r\nHost: a\r\n\n", errc::bare_lf, 400),
    fails("RFC 9112 §2.2: a head with only LF line ends is 400 (herald rejects bare LF)",
          "GET / HTTP/1.1\nHost: a\n\n", errc::bare_lf, 400),
    fails("RFC 9112 §2.2: a bare LF that hides Content-Length from CRLF parsers is 400 (herald rejects bare LF)",
          "GET / HTTP/1.1\r\nHost: a\r\nDummy: x\nContent-Length: 23\r\n\r\n", errc::bare_lf, 400),
    fails("RFC 9112 §2.2: a bare CR between two fields is 400",
          "GET / HTTP/1.1\r\nHost: a\r\nFoo: 1\rBar: 2\r\n\r\n", errc::bare_cr, 400),
    fails("RFC 9112 §2.2: a bare CR inside the request line is 400",
          req("GET /\r HTTP/1.1"), errc::bare_cr, 400),
    fails("RFC 9112 §2.2: CR CR LF does not end a line (400)",
          "GET / HTTP/1.1\r\r\nHost: a\r\n\r\n", errc::bare_cr, 400),
    fails("RFC 9112 §2.2: a CR followed by a smuggled request line is 400",
          "GET / HTTP/1.1\r\nHost: a\r\n\rZGET /evil: HTTP/1.1\r\nHost: a\r\n\r\n", errc::bare_cr,
          400),

    // ---- Field lines (RFC 9112 §5, RFC 9110 §5) ----
    done("RFC 9110 §5.1: field names are case-insensitive",
         req("GET / HTTP/1.1", "hOsT: a\r\n"), {.field = "Host", .value = "a"}),
    done("RFC 9112 §5.1: whitespace around a field value is trimmed",
         req("GET / HTTP/1.1", "Host: a\r\nAccept: \t text/event-stream \t \r\n"),
         {.field = "accept", .value = "text/event-stream"}),
    done("RFC 9112 §5.1: no whitespace is needed after the colon",
         req("GET / HTTP/1.1", "Host:a\r\n"), {.field = "Host", .value = "a"}),
    done("RFC 9110 §5.5: an empty field value is allowed",
         req("GET / HTTP/1.1", "Host: a\r\nCookie: \r\n"), {.field = "Cookie", .value = ""}),
    done("RFC 9110 §5.5: obs-text bytes (0x80 to 0xFF) in a field value are allowed",
         req("GET / HTTP/1.1", "Host: a\r\nUser-Agent: \xe3\x81\xb2\xe3/1.0\r\n"),
         {.field = "User-Agent", .value = "\xe3\x81\xb2\xe3/1.0"}),
    done("RFC 9110 §5.5: a tab inside a field value is kept",
         req("GET / HTTP/1.1", "Host: a\r\nX: a\tb\r\n"), {.field = "X", .value = "a\tb"}),
    done("RFC 9110 §5.5: a field value may contain colons",
         req("GET / HTTP/1.1", "Host: a\r\nX: a:b: c\r\n"), {.field = "X", .value = "a:b: c"}),
    fails("RFC 9112 §5.1: whitespace between a field name and the colon is 400",
          req("GET / HTTP/1.1", "Host : a\r\n"), errc::bad_header_name, 400),
    fails("RFC 9112 §5.1: a tab between a field name and the colon is 400",
          req("GET / HTTP/1.1", "Host\t: a\r\n"), errc::bad_header_name, 400),
    fails("RFC 9110 §5.1: an empty field name is 400",
          req("GET / HTTP/1.1", "Host: a\r\n: b\r\n"), errc::bad_header_name, 400),
    fails("RFC 9110 §5.1: a field name holding a separator is 400",
          req("GET / HTTP/1.1", "Host: a\r\nFo@: b\r\n"), errc::bad_header_name, 400),
    fails("RFC 9110 §5.1: NUL in a field name is 400",
          req("GET / HTTP/1.1", "Host: a\r\nFo\0o: b\r\n"s), errc::bad_header_name, 400),
    fails("RFC 9112 §5: a field line without a colon is 400",
          req("GET / HTTP/1.1", "Host: a\r\nFoo\r\n"), errc::bad_header_name, 400),
    fails("RFC 9112 §5: a field name continued on the next line is 400",
          req("GET / HTTP/1.1", "Host: a\r\nname\r\n : value\r\n"), errc::bad_header_name, 400),
    fails("RFC 9112 §5.2: obs-fold is rejected with 400",
          req("GET / HTTP/1.1", "Host: a\r\nX: a\r\n b\r\n"), errc::obsolete_line_folding, 400),
    fails("RFC 9112 §5.2: obs-fold with a tab is rejected with 400",
          req("GET / HTTP/1.1", "Host: a\r\nX: a\r\n\tb\r\n"), errc::obsolete_line_folding, 400),
    fails("RFC 9112 §5.2: obs-fold that hides a Content-Length is rejected with 400",
          req("POST /hello HTTP/1.1", "Host: a\r\nFoo: bar\r\n Content-Length: 38\r\n"),
          errc::obsolete_line_folding, 400),
    fails("RFC 9112 §2.2: whitespace before the first field line is 400",
          req("GET / HTTP/1.1", " Host: a\r\n"), errc::obsolete_line_folding, 400),
    fails("RFC 9110 §5.5: NUL in a field value is 400",
          req("GET / HTTP/1.1", "Host: a\r\nX: a\0b\r\n"s), errc::bad_header_value, 400),
    fails("RFC 9110 §5.5: a control character (ESC) in a field value is 400",
          req("GET / HTTP/1.1", "Host: a\r\nX: a\x1b" "b\r\n"), errc::bad_header_value, 400),
    fails("RFC 9110 §5.5: DEL in a field value is 400",
          req("GET / HTTP/1.1", "Host: a\r\nX: a\x7f" "b\r\n"), errc::bad_header_value, 400),

    // ---- Host (RFC 9112 §3.2, RFC 9110 §7.2) ----
    fails("RFC 9112 §3.2: HTTP/1.1 without Host is 400",
          req("GET / HTTP/1.1", ""), errc::missing_host, 400),
    fails("RFC 9112 §3.2: two Host fields are 400",
          req("GET / HTTP/1.1", "Host: a\r\nHost: a\r\n"), errc::duplicate_host, 400),
    fails("RFC 9112 §3.2: two Host fields spelled differently are 400",
          req("GET / HTTP/1.1", "Host: a\r\nhost: b\r\n"), errc::duplicate_host, 400),
    fails("RFC 9112 §3.2: two Host fields on HTTP/1.0 are 400 too",
          req("GET / HTTP/1.0", "Host: a\r\nHost: b\r\n"), errc::duplicate_host, 400),
    done("RFC 9112 §3.2: an empty Host is allowed",
         req("GET / HTTP/1.1", "Host:\r\n"), {.field = "Host", .value = ""}),
    done("RFC 9110 §7.2: a Host with an IPv6 literal and a port is accepted",
         req("GET / HTTP/1.1", "Host: [::1]:8080\r\n"), {.field = "Host", .value = "[::1]:8080"}),
    fails("RFC 9110 §7.2: a Host with a space inside is 400",
          req("GET / HTTP/1.1", "Host: a b\r\n"), errc::bad_host, 400),
    fails("RFC 9110 §4.2.4: userinfo in Host is 400",
          req("GET / HTTP/1.1", "Host: user@a\r\n"), errc::bad_host, 400),
    fails("RFC 9110 §7.2: a Host with a path is 400",
          req("GET / HTTP/1.1", "Host: a/b\r\n"), errc::bad_host, 400),

    // ---- Content-Length (RFC 9112 §6.3, RFC 9110 §8.6) ----
    done("RFC 9110 §8.6: Content-Length frames a body, which is left for the caller",
         req("POST /sse HTTP/1.1", "Host: a\r\nContent-Length: 5\r\n") + "hello",
         {.method = "POST", .path = "/sse", .framing = body_framing::content_length,
          .content_length = 5, .trailing = 5}),
    done("RFC 9110 §8.6: Content-Length with leading zeros is a number like any other",
         req("PUT /url HTTP/1.1", "Host: a\r\nContent-Length: 003\r\n") + "abc",
         {.method = "PUT", .path = "/url", .framing = body_framing::content_length,
          .content_length = 3, .trailing = 3}),
    done("RFC 9110 §8.6: Content-Length 0 means no body",
         req("POST / HTTP/1.1", "Host: a\r\nContent-Length: 0\r\n"),
         {.method = "POST", .framing = body_framing::none}),
    done("RFC 9110 §8.6: whitespace around Content-Length is trimmed",
         req("POST / HTTP/1.1", "Host: a\r\nContent-Length:  42 \r\n"),
         {.method = "POST", .framing = body_framing::content_length, .content_length = 42}),
    done("RFC 9110 §8.6: the largest 64-bit Content-Length is accepted",
         req("POST / HTTP/1.1", "Host: a\r\nContent-Length: 18446744073709551615\r\n"),
         {.method = "POST", .framing = body_framing::content_length,
          .content_length = 18446744073709551615u}),
    fails("RFC 9110 §8.6: a Content-Length one past 64 bits is 400",
          req("POST / HTTP/1.1", "Host: a\r\nContent-Length: 18446744073709551616\r\n"),
          errc::bad_content_length, 400),
    fails("RFC 9110 §8.6: a Content-Length of 22 digits is 400",
          req("POST / HTTP/1.1", "Host: a\r\nContent-Length: 1000000000000000000000\r\n"),
          errc::bad_content_length, 400),
    fails("RFC 9110 §8.6: a negative Content-Length is 400",
          req("POST / HTTP/1.1", "Host: a\r\nContent-Length: -1\r\n"), errc::bad_content_length, 400),
    fails("RFC 9110 §8.6: a Content-Length with a plus sign is 400",
          req("POST / HTTP/1.1", "Host: a\r\nContent-Length: +5\r\n"), errc::bad_content_length, 400),
    fails("RFC 9110 §8.6: a Content-Length with a space inside is 400",
          req("POST / HTTP/1.1", "Host: a\r\nContent-Length: 4 2\r\n"), errc::bad_content_length,
          400),
    fails("RFC 9110 §8.6: an empty Content-Length is 400",
          req("POST / HTTP/1.1", "Host: a\r\nContent-Length:\r\n"), errc::bad_content_length, 400),
    fails("RFC 9110 §8.6: a hexadecimal Content-Length is 400",
          req("POST / HTTP/1.1", "Host: a\r\nContent-Length: 0x10\r\n"), errc::bad_content_length,
          400),
    done("RFC 9110 §8.6: repeated Content-Length fields that agree are accepted",
         req("POST / HTTP/1.1", "Host: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n"),
         {.method = "POST", .framing = body_framing::content_length, .content_length = 5}),
    fails("RFC 9110 §8.6: repeated Content-Length fields that disagree are 400",
          req("PUT /url HTTP/1.1", "Host: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n"),
          errc::bad_content_length, 400),
    done("RFC 9110 §8.6: a Content-Length list whose elements agree (5, 5) is accepted",
         req("POST / HTTP/1.1", "Host: a\r\nContent-Length: 5, 5\r\n"),
         {.method = "POST", .framing = body_framing::content_length, .content_length = 5}),
    fails("RFC 9110 §8.6: a Content-Length list that disagrees (5, 6) is 400",
          req("POST / HTTP/1.1", "Host: a\r\nContent-Length: 5, 6\r\n"), errc::bad_content_length,
          400),
    fails("RFC 9110 §8.6: a Content-Length list with an empty element is 400",
          req("POST / HTTP/1.1", "Host: a\r\nContent-Length: 5,\r\n"), errc::bad_content_length,
          400),

    // ---- Transfer-Encoding (RFC 9112 §6.1) ----
    done("RFC 9112 §6.1: Transfer-Encoding chunked frames the body",
         req("POST / HTTP/1.1", "Host: a\r\nTransfer-Encoding: chunked\r\n"),
         {.method = "POST", .framing = body_framing::chunked}),
    done("RFC 9112 §6.1: transfer coding names are case-insensitive",
         req("POST / HTTP/1.1", "Host: a\r\nTransfer-Encoding: Chunked\r\n"),
         {.method = "POST", .framing = body_framing::chunked}),
    done("RFC 9112 §6.1: gzip then chunked is accepted because chunked is last",
         req("POST / HTTP/1.1", "Host: a\r\nTransfer-Encoding: gzip, chunked\r\n"),
         {.method = "POST", .framing = body_framing::chunked}),
    done("RFC 9112 §6.1: codings in two fields form one list, deflate then chunked",
         req("POST / HTTP/1.1",
             "Host: a\r\nTransfer-Encoding: deflate\r\nTransfer-Encoding: chunked\r\n"),
         {.method = "POST", .framing = body_framing::chunked}),
    done("RFC 9112 §6.1: a chunked body on GET is the caller's, never a next request",
         req("GET /sse HTTP/1.1", "Host: a\r\nTransfer-Encoding: chunked\r\n") +
             "5\r\nhello\r\n0\r\n\r\n",
         {.path = "/sse", .framing = body_framing::chunked, .trailing = 15}),
    fails("RFC 9112 §6.1: Transfer-Encoding together with Content-Length is 400",
          req("POST / HTTP/1.1", "Host: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n"),
          errc::conflicting_framing, 400),
    fails("RFC 9112 §6.1: Content-Length before Transfer-Encoding is 400 too",
          req("POST / HTTP/1.1", "Host: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n"),
          errc::conflicting_framing, 400),
    fails("RFC 9112 §6.1: an unknown coding with Content-Length is 400, not 501",
          req("POST / HTTP/1.1", "Host: a\r\nTransfer-Encoding: pigeons\r\nContent-Length: 5\r\n"),
          errc::conflicting_framing, 400),
    fails("RFC 9112 §6.1: an empty Transfer-Encoding with Content-Length is 400",
          req("POST / HTTP/1.1", "Host: a\r\nTransfer-Encoding:\r\nContent-Length: 5\r\n"),
          errc::conflicting_framing, 400),
    fails("RFC 9112 §6.1: Transfer-Encoding on HTTP/1.0 is 400",
          req("POST / HTTP/1.0", "Transfer-Encoding: chunked\r\n"), errc::bad_transfer_encoding,
          400),
    fails("RFC 9112 §6.1: chunked followed by another coding is 400",
          req("POST / HTTP/1.1", "Host: a\r\nTransfer-Encoding: chunked, gzip\r\n"),
          errc::bad_transfer_encoding, 400),
    fails("RFC 9112 §6.1: chunked in one field and another coding in a later field is 400",
          req("POST / HTTP/1.1",
              "Host: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: deflate\r\n"),
          errc::bad_transfer_encoding, 400),
    fails("RFC 9112 §6.1: a known coding without chunked leaves the body unframed (400)",
          req("POST / HTTP/1.1", "Host: a\r\nTransfer-Encoding: gzip\r\n"),
          errc::bad_transfer_encoding, 400),
    fails("RFC 9112 §6.1: chunked twice is 400",
          req("POST / HTTP/1.1", "Host: a\r\nTransfer-Encoding: chunked, chunked\r\n"),
          errc::bad_transfer_encoding, 400),
    fails("RFC 9112 §6.1: an empty Transfer-Encoding is 400",
          req("POST / HTTP/1.1", "Host: a\r\nTransfer-Encoding:\r\n"), errc::bad_transfer_encoding,
          400),
    fails("RFC 9112 §6.1: an unknown transfer coding is 501",
          req("PUT /url HTTP/1.1", "Host: a\r\nTransfer-Encoding: pigeons\r\n"),
          errc::unknown_transfer_coding, 501),
    fails("RFC 9112 §6.1: chunkedchunked is an unknown transfer coding (501)",
          req("POST / HTTP/1.1", "Host: a\r\nTransfer-Encoding: chunkedchunked\r\n"),
          errc::unknown_transfer_coding, 501),
    fails("RFC 9112 §6.1: a transfer coding that is not a token is 400",
          req("POST / HTTP/1.1", "Host: a\r\nTransfer-Encoding: \"chunked\"\r\n"),
          errc::bad_transfer_encoding, 400),

    // ---- Limits (RFC 9110 §15.5.15 for 414, RFC 6585 §5 for 431), with small_limits() ----
    done("RFC 9110 §15.5.15: a request line exactly at the limit is accepted",
         req("GET " + longest_path + " HTTP/1.1"), {.path = longest_path},
         small_limits()),
    fails("RFC 9110 §15.5.15: a request line one byte over the limit is 414",
          req("GET " + longest_path + "a HTTP/1.1"), errc::request_line_too_long, 414,
          small_limits()),
    fails("RFC 9110 §15.5.15: an endless request line is 414 before it ends",
          "GET /" + std::string(100, 'a'), errc::request_line_too_long, 414, small_limits()),
    fails("RFC 9112 §2.2: empty lines before the request line count against its limit (400)",
          [] {
              std::string crlfs;
              for (int i = 0; i < 17; ++i)
                  crlfs += "\r\n";
              return crlfs + req("GET / HTTP/1.1");
          }(),
          errc::bad_request_line, 400, small_limits()),
    done("RFC 6585 §5: a header section exactly at the byte limit is accepted",
         req("GET / HTTP/1.1", "Host: a\r\nX: " + largest_value + "\r\n"),
         {.field = "X", .value = largest_value},
         small_limits()),
    fails("RFC 6585 §5: a header section one byte over the limit is 431",
          req("GET / HTTP/1.1", "Host: a\r\nX: " + largest_value + "b\r\n"),
          errc::header_section_too_large, 431, small_limits()),
    fails("RFC 6585 §5: an endless field line is 431 before it ends",
          "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(100, 'b'),
          errc::header_section_too_large, 431, small_limits()),
    done("RFC 6585 §5: exactly the maximum number of fields is accepted",
         req("GET / HTTP/1.1", "Host: a\r\nA: 1\r\nB: 2\r\n"), {.field = "B", .value = "2"},
         small_limits()),
    fails("RFC 6585 §5: one field over the count limit is 431",
          req("GET / HTTP/1.1", "Host: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n"),
          errc::too_many_header_fields, 431, small_limits()),

    // ---- Where the head ends (RFC 9112 §2.1, §9.3) ----
    done("RFC 9112 §9.3: a pipelined request after the head is left unconsumed",
         req("GET /sse HTTP/1.1") + req("GET /next HTTP/1.1"),
         {.path = "/sse", .trailing = req("GET /next HTTP/1.1").size()}),
    done("RFC 9112 §6.3: a body on GET with Content-Length is left for the caller, not parsed",
         req("GET / HTTP/1.1", "Host: a\r\nContent-Length: 30\r\n") + req("GET /evil HTTP/1.1"),
         {.framing = body_framing::content_length, .content_length = 30,
          .trailing = req("GET /evil HTTP/1.1").size()}),
    needs_more("RFC 9112 §2.1: a head without its blank line needs more",
               "GET / HTTP/1.1\r\nHost: a\r\n"),
    needs_more("RFC 9112 §2.1: a head ending in a lone CR needs more",
               "GET / HTTP/1.1\r\nHost: a\r\n\r"),
    needs_more("RFC 9112 §2.1: a partial request line needs more", "GET /ss"),
    needs_more("RFC 9112 §2.1: no bytes at all need more", ""),
};
// clang-format on

inline constexpr std::size_t conformance_case_count = std::extent_v<decltype(conformance_cases)>;

} // namespace herald::test
