// The herald binary in cluster mode, and the update encoding nodes exchange
// through Redis. Tagged [cluster].
#include "catch.hpp"
#include "herald_process.hpp"
#include "hub_client.hpp"
#include "loopback.hpp"
#include "redis_server.hpp"
#include "tokens.hpp"

#include "herald/hub/publish.hpp"
#include "hub/redis_backbone.hpp"

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

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

namespace {

// An HS256 subscriber token carrying the draft-07 claim
// {"mercure":{"subscribe":[<selectors>]}}.
std::string subscribe_token(const std::string& key, const std::string& selectors) {
    return herald::test::hs256_token(key, "{\"mercure\":{\"subscribe\":[" + selectors + "]}}");
}

std::string get(std::uint16_t port, std::string_view path, const std::string& token) {
    herald::test::client c(port);
    c.send("GET " + std::string(path) + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n" +
           (token.empty() ? std::string() : "Authorization: Bearer " + token + "\r\n") + "\r\n");
    return c.read_to_end();
}

// The subscribers the collection on `port` lists (each once per matcher).
std::vector<std::string> listed(std::uint16_t port, const std::string& token) {
    const auto response = get(port, "/.well-known/mercure/subscriptions", token);
    REQUIRE(herald::test::status_of(response) == 200);
    std::vector<std::string> out;
    const auto collection = nlohmann::json::parse(herald::test::body_of(response));
    for (const auto& s : collection["subscriptions"])
        out.push_back(s["subscriber"].get<std::string>());
    return out;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(50ms);
    }
    return true;
}

} // namespace

TEST_CASE("every node lists the active subscriptions of every live node", "[cluster]") {
    redis_server redis;
    const auto url = "redis://127.0.0.1:" + std::to_string(redis.port());
    const std::string key = "subscriber-secret-of-at-least-32-bytes";
    const auto node = [&] {
        return std::make_unique<herald_process>(std::vector<std::string>{
            "--host", "127.0.0.1", "--port", "0", "--threads", "1", "--redis", url,
            "--subscriptions", "--subscriber-jwt-key", key, "--redis-node-ttl", "1s"});
    };
    auto a = node(), b = node(), c = node();
    a->read_log_until("caught up");
    b->read_log_until("caught up");
    c->read_log_until("caught up");
    const auto a_port = a->port(), b_port = b->port(), c_port = c->port();
    const auto reader = subscribe_token(key, "\"/.well-known/mercure/subscriptions\"");
    const auto subscriber = "Authorization: Bearer " + subscribe_token(key, "\"t\"") + "\r\n";

    // A watcher on node A, for the subscription events of every node.
    const auto watcher_token = subscribe_token(key, "\"*\"");
    auto watcher = herald::test::subscribe(a_port, "topic=*",
                                           "Authorization: Bearer " + watcher_token + "\r\n");
    std::vector<std::string> initially; // the watcher itself
    REQUIRE(eventually([&] { return (initially = listed(a_port, reader)).size() == 1; }));

    {
        auto on_b = herald::test::subscribe(b_port, "topic=t", subscriber);
        std::string on_b_id;
        REQUIRE(eventually([&] {
            const auto now = listed(a_port, reader);
            for (const auto& id : now)
                if (id != initially.front())
                    on_b_id = id;
            return now.size() == 2;
        }));
        // B's subscription event reached A's watcher through Redis.
        CHECK(watcher.read_until(on_b_id).find(on_b_id) != std::string::npos);
        CHECK(listed(c_port, reader).size() == 2);
        CHECK(listed(b_port, reader).size() == 2);

        // The draft's authorization: a token that does not cover the API's URL.
        const auto refused =
            get(a_port, "/.well-known/mercure/subscriptions", subscribe_token(key, "\"t\""));
        CHECK(herald::test::status_of(refused) == 403);
        CHECK(herald::test::status_of(get(a_port, "/.well-known/mercure/subscriptions", "")) ==
              401);

        // The one subscription, by its id, from another node.
        const auto all = nlohmann::json::parse(herald::test::body_of(
            get(c_port, "/.well-known/mercure/subscriptions", subscribe_token(key, "\"*\""))));
        for (const auto& s : all["subscriptions"])
            if (s["subscriber"] == on_b_id) {
                const auto one = get(c_port, s["id"].get<std::string>(), watcher_token);
                REQUIRE(herald::test::status_of(one) == 200);
                CHECK(nlohmann::json::parse(herald::test::body_of(one)) == s);
            }
        // The collection's lastEventID is the event that announced it, or later.
        CHECK(all["lastEventID"] != "earliest");
    }
    // Disconnected: gone from every node's list, and announced.
    CHECK(eventually([&] { return listed(a_port, reader).size() == 1; }));
    CHECK(listed(c_port, reader).size() == 1);
    CHECK(watcher.read_until("\"active\":false").find("\"active\":false") != std::string::npos);

    // A node killed with a subscriber: its subscriptions leave the lists
    // once its liveness expires (--redis-node-ttl 1s).
    auto on_c = herald::test::subscribe(c_port, "topic=t", subscriber);
    REQUIRE(eventually([&] { return listed(a_port, reader).size() == 2; }));
    const auto killed_at = std::chrono::steady_clock::now();
    c->signal(SIGKILL);
    CHECK(c->wait() == 128 + SIGKILL);
    CHECK(eventually([&] { return listed(a_port, reader).size() == 1; }, 5s));
    CHECK(std::chrono::steady_clock::now() - killed_at < 3s);
    CHECK(listed(b_port, reader).size() == 1);
}

TEST_CASE("a node that cannot reach Redis answers the subscriptions API with 503", "[cluster]") {
    redis_server redis;
    const auto url = "redis://127.0.0.1:" + std::to_string(redis.port());
    const std::string key = "subscriber-secret-of-at-least-32-bytes";
    herald_process a({"--host", "127.0.0.1", "--port", "0", "--threads", "1", "--redis", url,
                      "--subscriptions", "--subscriber-jwt-key", key, "--redis-node-ttl", "1s"});
    a.read_log_until("caught up");
    const auto port = a.port();
    const auto reader = subscribe_token(key, "\"/.well-known/mercure/subscriptions\"");
    CHECK(herald::test::status_of(get(port, "/.well-known/mercure/subscriptions", reader)) == 200);

    redis.stop();
    const auto down = get(port, "/.well-known/mercure/subscriptions", reader);
    CHECK(herald::test::status_of(down) == 503);
    CHECK(down.find("\r\nRetry-After: 1\r\n") != std::string::npos);

    // Back, and a subscriber that came during the outage is listed (the
    // node rewrites its subscriptions on the new connection).
    auto sub = herald::test::subscribe(
        port, "topic=t", "Authorization: Bearer " + subscribe_token(key, "\"t\"") + "\r\n");
    redis.start();
    CHECK(eventually([&] {
        const auto r = get(port, "/.well-known/mercure/subscriptions", reader);
        return herald::test::status_of(r) == 200 &&
               nlohmann::json::parse(herald::test::body_of(r))["subscriptions"].size() == 1;
    }));
}

TEST_CASE("a node that stops cleanly takes its subscribers out of the listings at once",
          "[cluster]") {
    redis_server redis;
    const auto url = "redis://127.0.0.1:" + std::to_string(redis.port());
    const std::string key = "subscriber-secret-of-at-least-32-bytes";
    // A TTL far longer than the test: only the stopping node's goodbye can
    // clear its subscriptions in time.
    const std::vector<std::string> args{"--host",
                                        "127.0.0.1",
                                        "--port",
                                        "0",
                                        "--threads",
                                        "1",
                                        "--redis",
                                        url,
                                        "--subscriptions",
                                        "--subscriber-jwt-key",
                                        key,
                                        "--redis-node-ttl",
                                        "60s"};
    herald_process a(args), b(args);
    a.read_log_until("caught up");
    b.read_log_until("caught up");
    const auto a_port = a.port(), b_port = b.port();
    const auto reader = subscribe_token(key, "\"/.well-known/mercure/subscriptions\"");
    auto sub = herald::test::subscribe(
        b_port, "topic=t", "Authorization: Bearer " + subscribe_token(key, "\"t\"") + "\r\n");
    REQUIRE(eventually([&] { return listed(a_port, reader).size() == 1; }));
    b.signal(SIGTERM);
    CHECK(b.wait() == 0);
    CHECK(listed(a_port, reader).empty());
}
