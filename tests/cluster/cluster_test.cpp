// A herald cluster with real processes: redis-server children on free
// loopback ports, and herald nodes (real servers in this process) sharing
// them. Every process stops with its guard, even when a test fails.
// Tagged [cluster].
#include "catch.hpp"
#include "hub_client.hpp"
#include "loopback.hpp"
#include "redis_server.hpp"
#include "test_server.hpp"

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using herald::test::body_of;
using herald::test::client;
using herald::test::eventually;
using herald::test::post;
using herald::test::publish;
using herald::test::redis_server;
using herald::test::status_of;
using herald::test::stream_body;
using herald::test::subscribe;
using herald::test::test_server;

namespace {

herald::app::options node_options(const redis_server& redis, std::string prefix = "herald:") {
    auto o = herald::test::test_options();
    o.redis_url = "redis://127.0.0.1:" + std::to_string(redis.port());
    o.redis_prefix = std::move(prefix);
    o.redis_timeout = 500ms;
    o.test_allow_all_publishers = true;
    return o;
}

// A node that has joined: subscribed to the channel and caught up.
std::unique_ptr<test_server> start_node(herald::app::options o) {
    auto node = std::make_unique<test_server>(std::move(o));
    REQUIRE(eventually([&] { return node->get().hub_ready(); }, 5s));
    return node;
}

std::size_t count(std::string_view haystack, std::string_view needle) {
    std::size_t n = 0;
    for (auto pos = haystack.find(needle); pos != std::string_view::npos;
         pos = haystack.find(needle, pos + needle.size()))
        ++n;
    return n;
}

// The ids of the events in a stream body, in order.
std::vector<std::string> ids_in(std::string_view body) {
    std::vector<std::string> ids;
    for (auto pos = body.find("id: "); pos != std::string_view::npos;
         pos = body.find("id: ", pos + 4)) {
        if (pos != 0 && body[pos - 1] != '\n')
            continue;
        const auto end = body.find('\n', pos);
        ids.emplace_back(body.substr(pos + 4, end - pos - 4));
    }
    return ids;
}

} // namespace

TEST_CASE("an update published on one node reaches subscribers on every node", "[cluster]") {
    redis_server redis;
    auto a = start_node(node_options(redis));
    auto b = start_node(node_options(redis));
    auto c = start_node(node_options(redis));
    auto on_a = subscribe(a->port(), "match=books");
    auto on_b = subscribe(b->port(), "match=books");
    auto on_c = subscribe(c->port(), "match=*");
    auto other = subscribe(b->port(), "match=films");

    const auto response = post(a->port(), "topic=books&id=v1&type=update&data=line1%0Aline2");
    CHECK(status_of(response) == 200);
    CHECK(body_of(response) == "v1");
    const std::string expected = "event: update\nid: v1\ndata: line1\ndata: line2\n\n";
    for (auto* sub : {&on_a, &on_b, &on_c}) {
        sub->read_until("data: line2\n\n");
        CHECK(stream_body(*sub) == expected);
    }
    other.read_until("never", 200ms);
    CHECK(stream_body(other).empty());
}

TEST_CASE("a hub-made id answered by one node is the event id on every node", "[cluster]") {
    redis_server redis;
    auto a = start_node(node_options(redis));
    auto b = start_node(node_options(redis));
    auto sub = subscribe(b->port(), "match=t");
    const auto id = publish(a->port(), "topic=t&data=x");
    CHECK(id.starts_with("urn:uuid:"));
    sub.read_until("data: x\n\n");
    CHECK(stream_body(sub) == "id: " + id + "\ndata: x\n\n");
}

TEST_CASE("a subscriber resumes on another node by a hub-made id or a publisher's id",
          "[cluster]") {
    redis_server redis;
    auto a = start_node(node_options(redis));
    auto b = start_node(node_options(redis));
    auto c = start_node(node_options(redis));
    const auto first = publish(a->port(), "topic=t&data=1");
    publish(b->port(), "topic=t&id=p2&data=2");
    publish(c->port(), "topic=other&id=p3&data=3");
    publish(a->port(), "topic=t&id=p4&data=4");

    SECTION("by the hub's urn:uuid id, on a node that did not publish it") {
        auto sub = subscribe(c->port(), "match=t", "Last-Event-ID: " + first + "\r\n");
        CHECK(sub.received().find("Mercure-Last-Event-ID: " + first + "\r\n") != std::string::npos);
        sub.read_until("data: 4\n\n");
        CHECK(stream_body(sub) == "id: p2\ndata: 2\n\nid: p4\ndata: 4\n\n");
    }
    SECTION("by a publisher's id, with the query parameter") {
        auto sub = subscribe(a->port(), "match=t&lastEventID=p2");
        sub.read_until("data: 4\n\n");
        CHECK(stream_body(sub) == "id: p4\ndata: 4\n\n");
    }
    SECTION("from earliest") {
        auto sub = subscribe(b->port(), "match=*&lastEventID=earliest");
        sub.read_until("data: 4\n\n");
        CHECK(ids_in(stream_body(sub)) == std::vector<std::string>{first, "p2", "p3", "p4"});
    }
    SECTION("an unknown id: earliest is answered and nothing replayed") {
        auto sub = subscribe(b->port(), "match=*&lastEventID=nope");
        CHECK(sub.received().find("Mercure-Last-Event-ID: earliest\r\n") != std::string::npos);
        publish(a->port(), "topic=t&id=p5&data=5");
        sub.read_until("data: 5\n\n");
        CHECK(stream_body(sub) == "id: p5\ndata: 5\n\n");
    }
}

TEST_CASE("the shared history is trimmed to --history-size, ids with it", "[cluster]") {
    redis_server redis;
    auto o = node_options(redis);
    o.history_size = 3;
    auto a = start_node(o);
    auto b = start_node(o);
    for (int i = 1; i <= 5; ++i)
        publish(i % 2 ? a->port() : b->port(), "topic=t&id=h" + std::to_string(i) + "&data=x");
    auto evicted = subscribe(b->port(), "match=t&lastEventID=h1");
    CHECK(evicted.received().find("Mercure-Last-Event-ID: earliest\r\n") != std::string::npos);
    auto oldest_kept = subscribe(a->port(), "match=t&lastEventID=h3");
    oldest_kept.read_until("id: h5\n");
    CHECK(ids_in(stream_body(oldest_kept)) == std::vector<std::string>{"h4", "h5"});
    auto all = subscribe(b->port(), "match=t&lastEventID=earliest");
    all.read_until("id: h5\n");
    CHECK(ids_in(stream_body(all)) == std::vector<std::string>{"h3", "h4", "h5"});
}

TEST_CASE("private updates cross nodes only to subscribers allowed to read them", "[cluster]") {
    redis_server redis;
    auto a = start_node(node_options(redis));
    auto allowed_options = node_options(redis);
    allowed_options.test_grant_all_subscribers = true;
    auto b = start_node(allowed_options);
    auto c = start_node(node_options(redis)); // anonymous subscribers: public updates only
    auto allowed = subscribe(b->port(), "match=t");
    auto anonymous = subscribe(c->port(), "match=t");
    publish(a->port(), "topic=t&id=secret&private=on&data=s");
    publish(a->port(), "topic=t&id=public&data=p");
    allowed.read_until("id: public\n");
    anonymous.read_until("id: public\n");
    CHECK(ids_in(stream_body(allowed)) == std::vector<std::string>{"secret", "public"});
    CHECK(ids_in(stream_body(anonymous)) == std::vector<std::string>{"public"});
    // And in a replay read from Redis on a third node.
    auto replayed = subscribe(c->port(), "match=t&lastEventID=earliest");
    replayed.read_until("id: public\n");
    CHECK(ids_in(stream_body(replayed)) == std::vector<std::string>{"public"});
}

TEST_CASE("several hubs share one Redis under different prefixes without mixing", "[cluster]") {
    redis_server redis;
    auto first = start_node(node_options(redis, "one:"));
    auto second = start_node(node_options(redis, "two:"));
    auto on_second = subscribe(second->port(), "match=*&lastEventID=earliest");
    publish(first->port(), "topic=t&id=x1&data=1");
    publish(second->port(), "topic=t&id=y1&data=1");
    on_second.read_until("id: y1\n");
    on_second.read_until("never", 200ms);
    CHECK(ids_in(stream_body(on_second)) == std::vector<std::string>{"y1"});
}

TEST_CASE("nodes authenticate to Redis and use the database the URL names", "[cluster]") {
    redis_server redis({"--requirepass", "s3cret"});
    auto o = node_options(redis);
    o.redis_url = "redis://:s3cret@127.0.0.1:" + std::to_string(redis.port()) + "/3";
    auto a = start_node(o);
    auto b = start_node(o);
    auto sub = subscribe(b->port(), "match=t");
    publish(a->port(), "topic=t&id=auth1&data=x");
    sub.read_until("id: auth1\n");
    CHECK(ids_in(stream_body(sub)) == std::vector<std::string>{"auth1"});
    // The keys are in database 3.
    client admin(redis.port());
    admin.send("AUTH s3cret\r\nSELECT 3\r\nEXISTS herald:stream\r\n");
    CHECK(admin.read_until("+OK\r\n+OK\r\n:1\r\n").find("+OK\r\n+OK\r\n:1\r\n") !=
          std::string::npos);

    auto wrong = node_options(redis);
    wrong.redis_url = "redis://:nope@127.0.0.1:" + std::to_string(redis.port());
    test_server refused(wrong);
    std::this_thread::sleep_for(300ms);
    CHECK_FALSE(refused.get().hub_ready());
    CHECK(status_of(post(refused.port(), "topic=t&data=x")) == 503);
}

TEST_CASE(
    "while Redis is down publishes get 503, subscribers stay, and the nodes come back, and an "
    "empty Redis starts a new epoch where old ids are unknown",
    "[cluster]") {
    redis_server redis; // no persistence: a restart loses everything
    auto a = start_node(node_options(redis));
    auto b = start_node(node_options(redis));
    auto sub = subscribe(b->port(), "match=t");
    publish(a->port(), "topic=t&id=before&data=1");
    sub.read_until("id: before\n");

    redis.stop();
    CHECK(eventually([&] { return !a->get().hub_ready() && !b->get().hub_ready(); }, 3s));
    const auto readyz = [](std::uint16_t port) {
        client c(port);
        c.send("GET /readyz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
        return status_of(c.read_to_end());
    };
    CHECK(readyz(a->port()) == 503);
    const auto metrics = [](std::uint16_t port) {
        client c(port);
        c.send("GET /metrics HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
        return c.read_to_end();
    };
    const auto redis_errors = [](const std::string& text) {
        const auto at = text.find("\nherald_redis_errors_total ");
        return at == std::string::npos ? -1.0 : std::stod(text.substr(at + 27));
    };
    const auto errors_before = redis_errors(metrics(a->port()));
    CHECK(errors_before >= 1); // the subscriber connection was lost
    CHECK(metrics(a->port()).find("\nherald_redis_connected 0\n") != std::string::npos);
    const auto refused = post(a->port(), "topic=t&id=during&data=2");
    CHECK(status_of(refused) == 503);
    CHECK(refused.find("\r\nRetry-After: 1\r\n") != std::string::npos);
    CHECK(redis_errors(metrics(a->port())) > errors_before); // the refused publish
    // A resume needs the history: 503 too.
    {
        client resuming(b->port());
        resuming.send("GET /.well-known/mercure?match=t&lastEventID=before HTTP/1.1\r\nHost: "
                      "test\r\n\r\n");
        CHECK(status_of(resuming.read_to_end()) == 503);
    }

    redis.start();
    REQUIRE(eventually([&] { return a->get().hub_ready() && b->get().hub_ready(); }, 5s));
    CHECK(readyz(a->port()) == 200);
    CHECK(metrics(a->port()).find("\nherald_redis_connected 1\n") != std::string::npos);
    publish(a->port(), "topic=t&id=after&data=3");
    sub.read_until("id: after\n");
    sub.read_until("never", 200ms);
    CHECK_FALSE(sub.saw_eof());
    CHECK(ids_in(stream_body(sub)) == std::vector<std::string>{"before", "after"});

    // `before` belonged to the lost epoch: unknown now.
    auto late = subscribe(a->port(), "match=t&lastEventID=before");
    CHECK(late.received().find("Mercure-Last-Event-ID: earliest\r\n") != std::string::npos);
    auto fresh = subscribe(b->port(), "match=t&lastEventID=earliest");
    fresh.read_until("id: after\n");
    CHECK(ids_in(stream_body(fresh)) == std::vector<std::string>{"after"});
}

TEST_CASE("with AOF on, the history survives a Redis restart and resumes still work", "[cluster]") {
    redis_server redis({"--appendonly", "yes", "--appendfsync", "always"});
    auto a = start_node(node_options(redis));
    auto b = start_node(node_options(redis));
    auto sub = subscribe(b->port(), "match=t");
    publish(a->port(), "topic=t&id=k1&data=1");
    publish(a->port(), "topic=t&id=k2&data=2");
    sub.read_until("id: k2\n");

    redis.stop();
    CHECK(eventually([&] { return !a->get().hub_ready(); }, 3s));
    redis.start();
    REQUIRE(eventually([&] { return a->get().hub_ready() && b->get().hub_ready(); }, 5s));

    publish(b->port(), "topic=t&id=k3&data=3");
    sub.read_until("id: k3\n");
    sub.read_until("never", 200ms);
    CHECK(ids_in(stream_body(sub)) == std::vector<std::string>{"k1", "k2", "k3"});
    auto resumed = subscribe(a->port(), "match=t&lastEventID=k1");
    CHECK(resumed.received().find("Mercure-Last-Event-ID: k1\r\n") != std::string::npos);
    resumed.read_until("id: k3\n");
    CHECK(ids_in(stream_body(resumed)) == std::vector<std::string>{"k2", "k3"});
}

TEST_CASE("publishing through a Redis crash with AOF: subscribers that kept up get every "
          "acknowledged update exactly once, in order",
          "[cluster]") {
    redis_server redis({"--appendonly", "yes", "--appendfsync", "always"});
    auto a = start_node(node_options(redis));
    auto b = start_node(node_options(redis));
    auto c = start_node(node_options(redis));
    std::vector<client> subscribers;
    subscribers.push_back(subscribe(b->port(), "match=*"));
    subscribers.push_back(subscribe(c->port(), "match=*"));

    // One publisher, so the order of acknowledgements is the hub's order.
    std::vector<std::string> acknowledged, refused;
    std::atomic<bool> crashed{false}, restarted{false};
    std::thread publisher([&] {
        int after_restart = 0;
        for (int i = 0; after_restart < 30 && i < 5000; ++i) {
            const auto id = "q" + std::to_string(i);
            const auto port = i % 2 ? a->port() : b->port();
            const auto status = status_of(post(port, "topic=t&id=" + id + "&data=x"));
            (status == 200 ? acknowledged : refused).push_back(id);
            if (status == 200 && restarted)
                ++after_restart;
            if (i == 40)
                crashed = true;
        }
    });
    REQUIRE(eventually([&] { return crashed.load(); }, 10s));
    redis.stop();
    std::this_thread::sleep_for(300ms);
    redis.start();
    restarted = true;
    publisher.join();
    REQUIRE(acknowledged.size() >= 70);
    CHECK(!refused.empty()); // the outage was seen

    const std::set<std::string> maybe(refused.begin(), refused.end());
    for (auto& s : subscribers) {
        s.read_until("id: " + acknowledged.back() + "\n", 10s);
        s.read_until("never", 200ms);
        CHECK_FALSE(s.saw_eof());
        // Every acknowledged update, once, in order; the only others allowed
        // are refused ones whose script ran before the connection broke.
        std::vector<std::string> got;
        for (auto& id : ids_in(stream_body(s)))
            if (!maybe.contains(id))
                got.push_back(id);
        CHECK(got == acknowledged);
        const auto all = ids_in(stream_body(s));
        CHECK(std::set<std::string>(all.begin(), all.end()).size() == all.size());
    }
}

TEST_CASE("a node that misses messages while its Redis subscription is down catches up from "
          "the stream",
          "[cluster]") {
    redis_server redis;
    auto a = start_node(node_options(redis));
    auto b = start_node(node_options(redis));
    auto sub = subscribe(b->port(), "match=t");
    publish(a->port(), "topic=t&id=m1&data=1");
    sub.read_until("id: m1\n");
    // Kill only the subscriber connections (CLIENT KILL TYPE pubsub): Redis
    // keeps its data and the command connections; the publishes in between
    // reach no node's subscriber.
    client admin(redis.port());
    admin.send("CLIENT KILL TYPE pubsub\r\n");
    admin.read_until("\r\n");
    for (int i = 2; i <= 5; ++i)
        publish(a->port(), "topic=t&id=m" + std::to_string(i) + "&data=x");
    sub.read_until("id: m5\n", 5s);
    sub.read_until("never", 200ms);
    CHECK(ids_in(stream_body(sub)) == std::vector<std::string>{"m1", "m2", "m3", "m4", "m5"});
}

TEST_CASE("a node Redis drops for falling behind the channel catches up from the stream",
          "[cluster]") {
    // A pubsub output limit so small that every large message overflows it:
    // Redis drops the node's subscriber connection again and again, as it
    // would a node too slow to read the channel. Publishers are not slowed.
    redis_server redis({"--client-output-buffer-limit", "pubsub 1kb 1kb 0"});
    auto a = start_node(node_options(redis));
    auto b = start_node(node_options(redis));
    auto sub = subscribe(b->port(), "match=t");
    const std::string big(64 * 1024, 'x');
    std::vector<std::string> expected;
    for (int i = 0; i < 20; ++i) {
        expected.push_back("b" + std::to_string(i));
        publish(a->port(), "topic=t&id=" + expected.back() + "&data=" + big);
    }
    sub.read_until("id: b19\n", 10s);
    sub.read_until("never", 300ms);
    CHECK_FALSE(sub.saw_eof());
    CHECK(ids_in(stream_body(sub)) == expected);
}

TEST_CASE("a node that missed more than the stream keeps drops its subscribers, who resume",
          "[cluster]") {
    redis_server redis;
    auto o = node_options(redis);
    o.history_size = 2;
    auto a = start_node(o);
    auto b = start_node(o);
    auto sub = subscribe(b->port(), "match=t");
    publish(a->port(), "topic=t&id=g1&data=1");
    sub.read_until("id: g1\n");
    client admin(redis.port());
    admin.send("CLIENT KILL TYPE pubsub\r\n");
    admin.read_until("\r\n");
    for (int i = 2; i <= 6; ++i) // g2 and g3 leave the stream before the node is back
        publish(a->port(), "topic=t&id=g" + std::to_string(i) + "&data=x");
    sub.read_to_end(5s);
    CHECK(sub.saw_eof()); // cut: it cannot be brought up to date
    CHECK(ids_in(stream_body(sub)) == std::vector<std::string>{"g1"});
    // Its client resumes: g1 is no longer known, so `earliest` and nothing replayed.
    auto resumed = subscribe(a->port(), "match=t&lastEventID=g1");
    CHECK(resumed.received().find("Mercure-Last-Event-ID: earliest\r\n") != std::string::npos);
}

TEST_CASE("a Redis slower than --redis-timeout gets publishes a prompt 503", "[cluster]") {
    redis_server redis;
    auto a = start_node(node_options(redis)); // --redis-timeout 500ms
    publish(a->port(), "topic=t&data=warm");  // the script is loaded
    client admin(redis.port());
    admin.send("CLIENT PAUSE 1500 ALL\r\n");
    admin.read_until("\r\n");
    const auto started = std::chrono::steady_clock::now();
    const auto refused = post(a->port(), "topic=t&data=slow");
    const auto took = std::chrono::steady_clock::now() - started;
    CHECK(status_of(refused) == 503);
    CHECK(refused.find("\r\nRetry-After: 1\r\n") != std::string::npos);
    CHECK(took < 1200ms);
    // Once Redis answers again, the node reconnects and publishes succeed.
    REQUIRE(eventually([&] { return status_of(post(a->port(), "topic=t&data=back")) == 200; }, 5s));
}

TEST_CASE("when a node dies its subscriber resumes on another node without a gap", "[cluster]") {
    redis_server redis;
    auto b = start_node(node_options(redis));
    auto c = start_node(node_options(redis));
    std::string last_seen;
    {
        auto a = start_node(node_options(redis));
        auto sub = subscribe(a->port(), "match=t");
        publish(b->port(), "topic=t&id=d1&data=1");
        publish(b->port(), "topic=t&id=d2&data=2");
        sub.read_until("id: d2\n");
        const auto seen = ids_in(stream_body(sub));
        REQUIRE(!seen.empty());
        last_seen = seen.back();
        a.reset(); // the node goes away; its subscriber's connection ends
        sub.read_to_end(2s);
        CHECK(sub.saw_eof());
    }
    publish(b->port(), "topic=t&id=d3&data=3");
    publish(c->port(), "topic=t&id=d4&data=4");
    auto resumed = subscribe(c->port(), "match=t", "Last-Event-ID: " + last_seen + "\r\n");
    resumed.read_until("id: d4\n");
    CHECK(ids_in(stream_body(resumed)) == std::vector<std::string>{"d3", "d4"});
}

TEST_CASE("subscribers that resume while updates flow get each update once, in order",
          "[cluster]") {
    // The seam with an asynchronous history read: live updates arrive while
    // the XRANGE is in flight, and must be merged behind it by position.
    redis_server redis;
    auto a = start_node(node_options(redis));
    auto b = start_node(node_options(redis));
    const int total = 400;
    publish(a->port(), "topic=t&id=u0&data=x");
    std::atomic<bool> failed{false};
    std::thread publisher([&] {
        for (int i = 1; i < total; ++i)
            if (status_of(post(a->port(), "topic=t&id=u" + std::to_string(i) + "&data=x")) != 200)
                failed = true;
    });
    std::vector<client> subscribers;
    for (int i = 0; i < 20; ++i) {
        subscribers.push_back(subscribe(b->port(), "match=t&lastEventID=u0"));
        std::this_thread::sleep_for(2ms);
    }
    publisher.join();
    CHECK_FALSE(failed);
    std::vector<std::string> expected;
    for (int i = 1; i < total; ++i)
        expected.push_back("u" + std::to_string(i));
    for (auto& s : subscribers) {
        s.read_until("id: u" + std::to_string(total - 1) + "\n", 10s);
        CHECK(ids_in(stream_body(s)) == expected);
    }
}

TEST_CASE("10k updates across 3 nodes: every subscriber gets all, once, in the same order",
          "[cluster][slow]") {
    redis_server redis;
    std::vector<std::unique_ptr<test_server>> nodes;
    for (int i = 0; i < 3; ++i) {
        auto o = node_options(redis);
        o.threads = 2;
        o.history_size = 20'000;
        nodes.push_back(start_node(o));
    }
    std::vector<client> subscribers;
    for (int i = 0; i < 6; ++i)
        subscribers.push_back(subscribe(nodes[i % 3]->port(), "match=*"));

    // Three publishers, one per node, at once: the hub-wide order is Redis's,
    // so each subscriber checks that it saw the same order as the others, and
    // each publisher's own order within it.
    constexpr int per_publisher = 3334;
    std::atomic<int> refused{0};
    std::vector<std::thread> publishers;
    for (int p = 0; p < 3; ++p)
        publishers.emplace_back([&, p] {
            for (int i = 0; i < per_publisher; ++i)
                if (status_of(post(nodes[p]->port(), "topic=t&id=p" + std::to_string(p) + "-" +
                                                         std::to_string(i) + "&data=x")) != 200)
                    ++refused;
        });
    for (auto& t : publishers)
        t.join();
    CHECK(refused == 0);
    const std::size_t total = 3 * per_publisher;

    std::vector<std::string> reference;
    for (auto& s : subscribers) {
        s.read_until([&](std::string_view all) { return count(all, "\n\n") >= total; }, 60s);
        const auto ids = ids_in(stream_body(s));
        REQUIRE(ids.size() == total);
        CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == total);
        std::map<int, int> next; // per publisher: the next index expected
        bool in_order = true;
        for (const auto& id : ids) {
            const int p = id[1] - '0';
            const int i = std::stoi(id.substr(3));
            in_order = in_order && i == next[p];
            next[p] = i + 1;
        }
        CHECK(in_order);
        if (reference.empty())
            reference = ids;
        else
            CHECK(ids == reference);
    }
}
