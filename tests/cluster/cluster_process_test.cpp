// The herald binary in cluster mode, and the update encoding nodes exchange
// through Redis. Tagged [cluster].
#include "catch.hpp"
#include "herald_process.hpp"
#include "loopback.hpp"
#include "redis_server.hpp"

#include "herald/hub/publish.hpp"
#include "hub/redis_backbone.hpp"

#include <string>

using namespace std::chrono_literals;
using herald::test::herald_process;
using herald::test::redis_server;

TEST_CASE("a --redis URL herald cannot use stops it at start with a message", "[cluster]") {
    herald_process bad({"--port", "0", "--redis", "rediss://127.0.0.1:6379"});
    CHECK(bad.wait() == 2);
    CHECK(bad.read_log_until("--redis:").find("herald: --redis:") != std::string::npos);
}

TEST_CASE("two herald processes share updates through Redis", "[cluster]") {
    redis_server redis;
    const auto url = "redis://127.0.0.1:" + std::to_string(redis.port());
    const std::string key = "change-me-to-a-secret-of-32-bytes-or-more";
    herald_process a({"--host", "127.0.0.1", "--port", "0", "--threads", "1", "--redis", url,
                      "--publisher-jwt-key", key});
    herald_process b({"--host", "127.0.0.1", "--port", "0", "--threads", "1", "--redis", url,
                      "--redis-prefix", "herald:", "--redis-timeout", "1s", "--publisher-jwt-key",
                      key});
    a.read_log_until("caught up");
    b.read_log_until("caught up");
    const auto a_port = a.port(), b_port = b.port();

    herald::test::client sub(b_port);
    sub.send("GET /.well-known/mercure?topic=t HTTP/1.1\r\nHost: test\r\n\r\n");
    REQUIRE(sub.read_until("\r\n\r\n:\n").find("200 OK") != std::string::npos);

    // HS256 over {"alg":"HS256","typ":"JWT"}.{"mercure":{"publish":["*"]}} with `key`.
    const std::string token =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJtZXJjdXJlIjp7InB1Ymxpc2giOlsiKiJdfX0."
        "ulapmQ1nJTN0AxaVSdQqgr_ceee-NmT-HwSm4t4Zclw";
    herald::test::client pub(a_port);
    const std::string body = "topic=t&id=x1&data=hello";
    pub.send("POST /.well-known/mercure HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
             "Authorization: Bearer " +
             token + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n\r\n" + body);
    CHECK(pub.read_to_end().rfind("HTTP/1.1 200 OK", 0) == 0);
    CHECK(sub.read_until("data: hello\n\n").find("id: x1\ndata: hello\n\n") != std::string::npos);
}

TEST_CASE("an update survives its encoding between nodes, and junk is refused", "[cluster]") {
    const auto hub = *herald::hub::hub_location::parse("https://hub.example/.well-known/mercure");
    herald::hub::update u;
    u.id = "id:with\nodd:bytes";
    u.is_private = true;
    u.topics.emplace_back("https://example.com/a", hub.base());
    u.topics.emplace_back("relative/b", hub.base());
    u.encoded = "id: x\ndata: 12:34\n\n";
    const auto bytes = herald::app::encode_update(u);
    const auto back = herald::app::decode_update(bytes, hub.base());
    REQUIRE(back);
    CHECK(back->id == u.id);
    CHECK(back->is_private);
    REQUIRE(back->topics.size() == 2);
    CHECK(back->topics[1].value() == "relative/b");
    REQUIRE(back->topics[1].as_url());
    CHECK(back->encoded == u.encoded);

    // Every truncation, and a few lies about lengths and counts.
    for (std::size_t n = 0; n < bytes.size(); ++n)
        CHECK_FALSE(herald::app::decode_update(bytes.substr(0, n), hub.base()));
    CHECK_FALSE(herald::app::decode_update(bytes + "x", hub.base()));
    CHECK_FALSE(herald::app::decode_update("1:a1:01:0", hub.base()));             // no topic
    CHECK_FALSE(herald::app::decode_update("1:a1:099:1", hub.base()));            // absurd count
    CHECK_FALSE(herald::app::decode_update("1:a1:01:19999999999:t", hub.base())); // length past end
    CHECK_FALSE(herald::app::decode_update("-1:a", hub.base()));
    CHECK_FALSE(herald::app::decode_update("184467440737095516160:a", hub.base()));
}
