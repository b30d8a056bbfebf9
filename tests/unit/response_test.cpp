// Complete responses: error_response's framing, and Connection: close added
// only when the server closes.
#include "herald/http/response.hpp"

#include "catch.hpp"

#include <string>

using herald::http::add_connection_close;
using herald::http::error_response;
using herald::http::has_connection_close;

TEST_CASE("an error response is framed by Content-Length and does not close by itself") {
    const auto r = error_response(404);
    CHECK(r.rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);
    CHECK(r.find("\r\nContent-Length: 10\r\n") != std::string::npos);
    CHECK(r.substr(r.find("\r\n\r\n") + 4) == "Not Found\n");
    CHECK_FALSE(has_connection_close(r));
}

TEST_CASE("add_connection_close adds the field to the head once, and leaves the body alone") {
    auto r = error_response(400, "bad");
    add_connection_close(r);
    CHECK(has_connection_close(r));
    const auto head = r.substr(0, r.find("\r\n\r\n") + 4);
    CHECK(head.find("\r\nConnection: close\r\n") != std::string::npos);
    CHECK(r.substr(head.size()) == "Bad Request: bad\n");
    const auto once = r;
    add_connection_close(r);
    CHECK(r == once);
}

TEST_CASE("has_connection_close reads the Connection field's options case-insensitively") {
    CHECK(has_connection_close("HTTP/1.1 200 OK\r\nconnection: Upgrade, CLOSE\r\n\r\n"));
    CHECK_FALSE(has_connection_close("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\n"));
    CHECK_FALSE(has_connection_close("HTTP/1.1 200 OK\r\nX-Connection: close\r\n\r\n"));
    // Only the head counts: a body that mentions it does not.
    CHECK_FALSE(
        has_connection_close("HTTP/1.1 200 OK\r\nContent-Length: 19\r\n\r\nConnection: close\r\n"));
}

TEST_CASE("add_connection_close leaves bytes that are not a response head alone") {
    std::string partial = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n";
    add_connection_close(partial);
    CHECK(partial == "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n");
}

TEST_CASE("a complete response has its type, its length, the extra fields, then the body") {
    const auto r = herald::http::complete_response(200, "text/html; charset=utf-8", "<p>hi</p>",
                                                   {{"Cache-Control", "no-cache"}});
    CHECK(r == "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
               "Content-Length: 9\r\nCache-Control: no-cache\r\n\r\n<p>hi</p>");
    CHECK(herald::http::complete_response(200, "text/plain", "") ==
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n");
}
