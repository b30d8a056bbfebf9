// tests/app/first_event_id_test.cpp — where a /sse stream resumes: the
// Last-Event-ID header, else ?lastEventId=, and nothing else.
#include "session.hpp"

#include "catch.hpp"
#include "herald/http/request_parser.hpp"

#include <string>

namespace {

/// first_event_id of a GET for `target` with the extra `fields` (each ending
/// in CRLF).
std::uint64_t first_id(const std::string& target, const std::string& fields = {}) {
    herald::http::request_parser parser;
    const auto head = "GET " + target + " HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n";
    REQUIRE(parser.feed(head).state == herald::http::request_parser::status::done);
    return herald::app::first_event_id(parser.get());
}

} // namespace

TEST_CASE("without an id the stream starts at 1") {
    CHECK(first_id("/sse") == 1);
}

TEST_CASE("the Last-Event-ID header resumes after its id") {
    CHECK(first_id("/sse", "Last-Event-ID: 41\r\n") == 42);
    CHECK(first_id("/sse", "last-event-id: 41\r\n") == 42); // field names ignore case
    CHECK(first_id("/sse", "Last-Event-ID: 0\r\n") == 1);
}

TEST_CASE("?lastEventId= resumes after its id when there is no header") {
    CHECK(first_id("/sse?lastEventId=7") == 8);
    CHECK(first_id("/sse?a=b&lastEventId=7&c=d") == 8);
}

TEST_CASE("the header wins over the query parameter") {
    CHECK(first_id("/sse?lastEventId=7", "Last-Event-ID: 41\r\n") == 42);
}

TEST_CASE("an empty header means from the start, even with a query parameter") {
    CHECK(first_id("/sse?lastEventId=7", "Last-Event-ID:\r\n") == 1);
    CHECK(first_id("/sse?lastEventId=") == 1);
}

TEST_CASE("the hub's spellings of the parameter do not resume the ticker's stream") {
    CHECK(first_id("/sse?lastEventID=7") == 1);   // Mercure draft-07
    CHECK(first_id("/sse?last_event_id=7") == 1); // Mercure draft-08
    CHECK(first_id("/sse?lasteventid=7") == 1);   // query keys are case-sensitive
}

TEST_CASE("an id that is not a plain decimal number starts from 1") {
    for (const char* id : {"abc", "-1", "+1", "1.5", "0x10", "1e3", "12abc", "%31"}) {
        INFO(id);
        CHECK(first_id(std::string("/sse?lastEventId=") + id) == 1);
        CHECK(first_id("/sse", std::string("Last-Event-ID: ") + id + "\r\n") == 1);
    }
    CHECK(first_id("/sse", "Last-Event-ID: 1 2\r\n") == 1);
}

TEST_CASE("leading zeros are still the number") {
    CHECK(first_id("/sse", "Last-Event-ID: 007\r\n") == 8);
}

TEST_CASE("an id too long for 64 bits, or the largest one, starts from 1 rather than wrap") {
    CHECK(first_id("/sse", "Last-Event-ID: 18446744073709551614\r\n") == 18446744073709551615u);
    CHECK(first_id("/sse", "Last-Event-ID: 18446744073709551615\r\n") == 1);
    CHECK(first_id("/sse", "Last-Event-ID: 18446744073709551616\r\n") == 1);
    CHECK(first_id("/sse", "Last-Event-ID: " + std::string(4000, '9') + "\r\n") == 1);
    CHECK(first_id("/sse?lastEventId=" + std::string(4000, '9')) == 1);
}

TEST_CASE("bytes that are not UTF-8 or are control characters start from 1") {
    CHECK(first_id("/sse", "Last-Event-ID: 4\xC3\x28\r\n") == 1);
    CHECK(first_id("/sse", "Last-Event-ID: \xEF\xBC\x91\r\n") == 1); // a fullwidth digit one
    CHECK(first_id("/sse", "Last-Event-ID: 4\t2\r\n") == 1);
    CHECK(first_id("/sse?lastEventId=4%002") == 1);
    CHECK(first_id("/sse?lastEventId=%0A42") == 1);
}
