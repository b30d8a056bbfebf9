// --log-format json and the access log, through the real binary.
#include "catch.hpp"
#include "herald_process.hpp"
#include "loopback.hpp"

#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using herald::test::client;
using process = herald::test::herald_process;

namespace {

std::string get(std::uint16_t port, const std::string& target) {
    client c(port);
    c.send("GET " + target + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    return c.read_to_end(3s);
}

std::vector<std::string> lines_of(const std::string& log) {
    std::vector<std::string> lines;
    std::istringstream in(log);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

} // namespace

TEST_CASE(
    "with --log-format json, each log line is one JSON object with time, level, msg and fields") {
    process p({"--host", "127.0.0.1", "--port", "0", "--threads", "1", "--log-format", "json"});
    const auto port = p.port();
    get(port, "/readyz?token=secret");
    p.read_log_until("\"path\":\"/readyz\"");
    p.signal(SIGTERM);
    REQUIRE(p.wait(3s) == 0);
    const auto lines = lines_of(p.log());
    REQUIRE(lines.size() >= 3);
    bool saw_access = false;
    for (const auto& line : lines) {
        INFO(line);
        const auto j = nlohmann::json::parse(line); // throws, failing the test, if not JSON
        CHECK(j.at("time").get<std::string>().ends_with("Z"));
        CHECK(j.at("level") == "info");
        CHECK(j.contains("msg"));
        if (j.at("msg") == "access") {
            saw_access = true;
            CHECK(j.at("method") == "GET");
            CHECK(j.at("path") == "/readyz"); // never the query: it may hold a token
            CHECK(j.at("status") == 200);
            CHECK(j.at("bytes").get<int>() > 0);
            CHECK(j.at("duration_us").is_number());
        }
    }
    CHECK(saw_access);
    CHECK(p.log().find("secret") == std::string::npos);
}

TEST_CASE("requests refused before routing get an access line too") {
    process p({"--host", "127.0.0.1", "--port", "0", "--threads", "1", "--max-body-bytes", "8"});
    const auto port = p.port();
    {
        client c(port);
        c.send("NOT A REQUEST\r\n\r\n");
        CHECK(c.read_to_end(3s).rfind("HTTP/1.1 400", 0) == 0);
    }
    {
        client c(port);
        c.send("POST /.well-known/mercure?token=secret HTTP/1.1\r\nHost: t\r\nContent-Length: "
               "100\r\n\r\n");
        CHECK(c.read_to_end(3s).rfind("HTTP/1.1 413", 0) == 0);
    }
    const auto& log = p.read_log_until("status=413");
    CHECK(log.find("access method=- path=- status=400 duration_us=") != std::string::npos);
    CHECK(log.find("access method=POST path=/.well-known/mercure status=413 duration_us=") !=
          std::string::npos);
    CHECK(log.find("secret") == std::string::npos);
}

TEST_CASE("a stream's access line gives the bytes it wrote, head included") {
    const std::string key = "change-me-to-a-secret-of-32-bytes-or-more";
    process p({"--host", "127.0.0.1", "--port", "0", "--threads", "1", "--interval", "20ms",
               "--max-events", "3", "--publisher-jwt-key", key, "--log-format", "json"});
    const auto port = p.port();
    // The ticker ends the stream itself after 3 events: the client has all of it.
    std::size_t ticker_bytes = 0;
    {
        client c(port);
        c.send("GET /sse HTTP/1.1\r\nHost: t\r\n\r\n");
        ticker_bytes = c.read_to_end(3s).size();
    }
    // A hub subscriber, ended by --max-events too, after updates sent straight
    // away and a replay.
    // HS256 over {"alg":"HS256","typ":"JWT"}.{"mercure":{"publish":["*"]}} with `key`.
    const std::string token =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJtZXJjdXJlIjp7InB1Ymxpc2giOlsiKiJdfX0."
        "ulapmQ1nJTN0AxaVSdQqgr_ceee-NmT-HwSm4t4Zclw";
    const auto publish = [&](const std::string& body) {
        client pub(port);
        pub.send("POST /.well-known/mercure HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                 "Authorization: Bearer " +
                 token + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                 std::to_string(body.size()) + "\r\n\r\n" + body);
        REQUIRE(pub.read_to_end(3s).rfind("HTTP/1.1 200", 0) == 0);
    };
    publish("topic=t&id=first&data=" + std::string(3000, 'a'));
    std::size_t hub_bytes = 0;
    {
        client sub(port);
        sub.send("GET /.well-known/mercure?topic=t&lastEventID=earliest HTTP/1.1\r\nHost: "
                 "t\r\n\r\n");
        sub.read_until("\r\n\r\n:\n");
        publish("topic=t&data=" + std::string(100'000, 'b'));
        publish("topic=t&data=c");
        hub_bytes = sub.read_to_end(3s).size();
    }
    p.read_log_until("\"path\":\"/.well-known/mercure\",\"status\":200,\"stream_ms\"");
    std::vector<std::size_t> logged;
    for (const auto& line : lines_of(p.log())) {
        const auto j = nlohmann::json::parse(line);
        if (j.at("msg") == "access" && j.contains("stream_ms")) {
            CHECK(j.at("stream_ms").is_number());
            logged.push_back(j.at("bytes").get<std::size_t>());
        }
    }
    REQUIRE(logged.size() == 2);
    CHECK(ticker_bytes > 200);
    CHECK(logged[0] == ticker_bytes);
    CHECK(hub_bytes > 103'000);
    CHECK(logged[1] == hub_bytes);
}

TEST_CASE("the access log gives a stream's lifetime, and --access-log off silences it") {
    {
        process p({"--host", "127.0.0.1", "--port", "0", "--threads", "1", "--interval", "50ms"});
        const auto port = p.port();
        {
            client c(port);
            c.send("GET /sse HTTP/1.1\r\nHost: t\r\n\r\n");
            c.read_until("id: 2\n");
        }
        const auto& log = p.read_log_until("stream_ms=");
        CHECK(log.find("access method=GET path=/sse status=200 stream_ms=") != std::string::npos);
        CHECK(log.find(" bytes=", log.find("stream_ms=")) != std::string::npos);
    }
    process p({"--host", "127.0.0.1", "--port", "0", "--threads", "1", "--access-log", "off"});
    const auto port = p.port();
    get(port, "/healthz");
    get(port, "/nowhere");
    p.signal(SIGTERM);
    REQUIRE(p.wait(3s) == 0);
    CHECK(p.log().find("access") == std::string::npos);
}
