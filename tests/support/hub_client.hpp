// tests/support/hub_client.hpp — a test's side of the Mercure hub over
// loopback: publish, subscribe, and read the answers.
#pragma once

#include "catch.hpp"
#include "loopback.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace herald::test {

/// POSTs `body` as a form to the hub, with `extra` header lines, and returns
/// the whole response (the connection closes after it).
inline std::string post(std::uint16_t port, std::string_view body, std::string_view extra = {}) {
    client c(port);
    c.send("POST /.well-known/mercure HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Type: "
           "application/x-www-form-urlencoded\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n" + std::string(extra) + "\r\n" + std::string(body));
    return c.read_to_end();
}

/// The status code of a response, or 0 if there is none.
inline int status_of(const std::string& response) {
    return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0;
}

/// What follows a response's head.
inline std::string body_of(const std::string& response) {
    const auto end = response.find("\r\n\r\n");
    return end == std::string::npos ? std::string() : response.substr(end + 4);
}

/// Publishes and returns the id the hub answered.
inline std::string publish(std::uint16_t port, std::string_view body) {
    const auto response = post(port, body);
    REQUIRE(status_of(response) == 200);
    return body_of(response);
}

/// Opens a subscription and waits for the stream's opening comment.
inline client subscribe(std::uint16_t port, std::string_view query, std::string_view extra = {}) {
    client c(port);
    c.send("GET /.well-known/mercure?" + std::string(query) + " HTTP/1.1\r\nHost: test\r\n" +
           std::string(extra) + "\r\n");
    const auto got = c.read_until("\r\n\r\n:\n");
    REQUIRE(got.find("\r\n\r\n:\n") != std::string::npos);
    return c;
}

/// The stream's bytes after its opening comment.
inline std::string stream_body(const client& c) {
    const auto& all = c.received();
    const auto start = all.find("\r\n\r\n:\n");
    return start == std::string::npos ? std::string() : all.substr(start + 6);
}

} // namespace herald::test
