// The Mercure hub over real loopback sockets: publish, subscribe, resume,
// slow consumers, limits and shutdown. Tagged [hub].
#include "catch.hpp"
#include "herald_process.hpp"
#include "hub_client.hpp"
#include "loopback.hpp"
#include "raw_socket.hpp"
#include "test_server.hpp"
#include "tokens.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using herald::test::body_of;
using herald::test::client;
using herald::test::eventually;
using herald::test::post;
using herald::test::publish;
using herald::test::status_of;
using herald::test::stream_body;
using herald::test::subscribe;
using herald::test::test_server;

namespace {

herald::app::options hub_options(unsigned threads = 1) {
    auto o = herald::test::test_options();
    o.threads = threads;
    // Stands in for publisher tokens until herald_auth is wired in.
    o.test_allow_all_publishers = true;
    return o;
}

std::size_t count(const std::string& haystack, std::string_view needle) {
    std::size_t n = 0;
    for (auto pos = haystack.find(needle); pos != std::string::npos;
         pos = haystack.find(needle, pos + needle.size()))
        ++n;
    return n;
}

} // namespace

TEST_CASE("a published update reaches its subscriber as exact SSE bytes", "[hub]") {
    test_server server(hub_options());
    auto sub = subscribe(server.port(), "match=https%3A%2F%2Fexample.com%2Fbooks%2F1");
    CHECK(sub.received().rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(sub.received().find("\r\nContent-Type: text/event-stream\r\n") != std::string::npos);
    CHECK(sub.received().find("\r\nCache-Control: no-cache\r\n") != std::string::npos);
    CHECK(sub.received().find("\r\nX-Accel-Buffering: no\r\n") != std::string::npos);
    CHECK(sub.received().find("Mercure-Last-Event-ID") == std::string::npos);

    const auto response = post(server.port(), "topic=https%3A%2F%2Fexample.com%2Fbooks%2F1&id=v1"
                                              "&type=update&retry=5000&data=line1%0Aline2");
    CHECK(status_of(response) == 200);
    CHECK(response.find("\r\nContent-Type: text/plain; charset=utf-8\r\n") != std::string::npos);
    CHECK(body_of(response) == "v1");

    sub.read_until("data: line2\n\n");
    CHECK(stream_body(sub) == "event: update\nid: v1\nretry: 5000\ndata: line1\ndata: line2\n\n");
}

TEST_CASE("the hub generates urn:uuid ids and answers them as the body", "[hub]") {
    test_server server(hub_options());
    auto sub = subscribe(server.port(), "match=t");
    const auto id = publish(server.port(), "topic=t&data=x");
    CHECK(id.starts_with("urn:uuid:"));
    CHECK(id.size() == 45);
    sub.read_until("data: x\n\n");
    CHECK(stream_body(sub) == "id: " + id + "\ndata: x\n\n");
}

TEST_CASE("subscribers get only their topics, * gets everything", "[hub]") {
    test_server server(hub_options());
    auto a = subscribe(server.port(), "match=a");
    auto all = subscribe(server.port(), "match=*");
    auto pattern_wildcard = subscribe(server.port(), "match_urlpattern=*");
    publish(server.port(), "topic=b&id=1&data=b");
    publish(server.port(), "topic=a&id=2&data=a");
    a.read_until("id: 2\n");
    all.read_until("id: 2\n");
    pattern_wildcard.read_until("id: 2\n");
    CHECK(stream_body(a) == "id: 2\ndata: a\n\n");
    CHECK(stream_body(all) == "id: 1\ndata: b\n\nid: 2\ndata: a\n\n");
    CHECK(stream_body(pattern_wildcard) == stream_body(all));
}

TEST_CASE("URL pattern and draft-07 template subscribers get the topics they match", "[hub]") {
    auto opts = hub_options();
    opts.hub_url = "https://hub.example/.well-known/mercure";
    test_server server(opts);
    auto books =
        subscribe(server.port(), "match_urlpattern=https%3A%2F%2Fexample.com%2Fbooks%2F%3Aid");
    auto relative = subscribe(server.port(), "match_urlpattern=%2Fitems%2F*");
    auto templ = subscribe(server.port(), "topic=https%3A%2F%2Fexample.com%2Fbooks%2F%7Bid%7D");
    publish(server.port(), "topic=https%3A%2F%2Fexample.com%2Fbooks%2F1&id=1");
    publish(server.port(), "topic=https%3A%2F%2Fexample.com%2Fbooks%2F1%2Fauthor&id=2");
    publish(server.port(), "topic=%2Fitems%2Fa&id=3"); // relative: resolved against --hub-url
    publish(server.port(), "topic=https%3A%2F%2Fhub.example%2Fitems%2Fb&id=4");
    publish(server.port(), "topic=https%3A%2F%2Fexample.com%2Fbooks%2F2&id=5");
    books.read_until("id: 5\n");
    relative.read_until("id: 4\n");
    templ.read_until("id: 5\n");
    CHECK(stream_body(books) == "id: 1\ndata:\n\nid: 5\ndata:\n\n");
    CHECK(stream_body(relative) == "id: 3\ndata:\n\nid: 4\ndata:\n\n");
    CHECK(stream_body(templ) == "id: 1\ndata:\n\nid: 5\ndata:\n\n");
}

TEST_CASE("an update matching a subscriber through two topics is delivered once", "[hub]") {
    test_server server(hub_options());
    auto sub = subscribe(server.port(), "match=a&match=b&match=*&match=a");
    publish(server.port(), "topic=a&topic=b&id=1&data=x");
    publish(server.port(), "topic=b&id=2&data=y");
    sub.read_until("id: 2\n");
    sub.read_until("\n\n", 200ms);
    CHECK(stream_body(sub) == "id: 1\ndata: x\n\nid: 2\ndata: y\n\n");
}

TEST_CASE("alternate topics reach subscribers of any of them", "[hub]") {
    test_server server(hub_options());
    auto alt = subscribe(server.port(), "topic=alternate"); // draft-07 spelling
    publish(server.port(), "topic=canonical&topic=alternate&id=1&data=x");
    alt.read_until("id: 1\n");
    CHECK(stream_body(alt) == "id: 1\ndata: x\n\n");
}

TEST_CASE("private updates are not delivered to anonymous subscribers", "[hub]") {
    test_server server(hub_options());
    auto sub = subscribe(server.port(), "match=t");
    publish(server.port(), "topic=t&id=secret&private=on&data=s");
    publish(server.port(), "topic=t&id=public&data=p");
    sub.read_until("id: public\n");
    CHECK(stream_body(sub) == "id: public\ndata: p\n\n");
}

TEST_CASE("private updates reach subscribers whose grant covers them, live and replayed", "[hub]") {
    auto opts = hub_options();
    opts.test_grant_all_subscribers = true; // stands in for a subscriber token
    test_server server(opts);
    publish(server.port(), "topic=t&id=p1&private&data=old");
    auto sub = subscribe(server.port(), "match=t&last_event_id=earliest");
    publish(server.port(), "topic=t&id=p2&private=on&data=new");
    sub.read_until("id: p2\n");
    CHECK(stream_body(sub) == "id: p1\ndata: old\n\nid: p2\ndata: new\n\n");
}

TEST_CASE("a subscriber's stream ends when its token expires, idle or busy", "[hub]") {
    auto opts = hub_options();
    opts.test_subscriber_token_lifetime = 400ms;
    opts.heartbeat = 0ms;
    test_server server(opts);
    const auto start = std::chrono::steady_clock::now();
    auto idle = subscribe(server.port(), "match=t");
    auto busy = subscribe(server.port(), "match=busy");
    std::thread publisher([&] {
        for (int i = 0; std::chrono::steady_clock::now() - start < 2s; ++i) {
            publish(server.port(), "topic=busy&id=" + std::to_string(i));
            std::this_thread::sleep_for(5ms);
        }
    });
    idle.read_to_end(3s);
    const auto idle_end = std::chrono::steady_clock::now() - start;
    busy.read_to_end(3s);
    const auto busy_end = std::chrono::steady_clock::now() - start;
    publisher.join();
    CHECK(idle.saw_eof());
    CHECK(busy.saw_eof());
    CHECK(idle_end >= 390ms);
    CHECK(idle_end < 1900ms); // generous for sanitizer builds
    CHECK(busy_end >= 390ms);
    CHECK(busy_end < 1900ms); // while updates still flowed: cut for expiry, not idleness
    CHECK(stream_body(busy).find("id: 0\n") != std::string::npos);
}

TEST_CASE("with 2 workers, one publish reaches subscribers on both", "[hub]") {
    test_server server(hub_options(2));
    std::vector<client> subs;
    for (int i = 0; i < 16; ++i) // SO_REUSEPORT spreads them: all on one worker has odds 2^-15
        subs.push_back(subscribe(server.port(), "match=t"));
    for (int i = 1; i <= 20; ++i)
        publish(server.port(), "topic=t&id=" + std::to_string(i) + "&data=x");
    std::string expected;
    for (int i = 1; i <= 20; ++i)
        expected += "id: " + std::to_string(i) + "\ndata: x\n\n";
    for (auto& s : subs) {
        s.read_until("id: 20\ndata: x\n\n");
        CHECK(stream_body(s) == expected);
    }
}

TEST_CASE("a resumed subscription replays what it missed, then continues live", "[hub]") {
    test_server server(hub_options());
    {
        auto first = subscribe(server.port(), "match=t");
        publish(server.port(), "topic=t&id=1&data=a");
        first.read_until("id: 1\n");
    }
    publish(server.port(), "topic=t&id=2&data=b");
    publish(server.port(), "topic=other&id=3&data=c");
    publish(server.port(), "topic=t&id=4&data=d");

    SECTION("Last-Event-ID header") {
        auto again = subscribe(server.port(), "match=t", "Last-Event-ID: 1\r\n");
        CHECK(again.received().find("\r\nMercure-Last-Event-ID: 1\r\n") != std::string::npos);
        publish(server.port(), "topic=t&id=5&data=e");
        again.read_until("id: 5\n");
        CHECK(stream_body(again) == "id: 2\ndata: b\n\nid: 4\ndata: d\n\nid: 5\ndata: e\n\n");
    }
    SECTION("last_event_id query, and the header wins over it") {
        auto query = subscribe(server.port(), "match=t&last_event_id=2");
        CHECK(query.received().find("\r\nMercure-Last-Event-ID: 2\r\n") != std::string::npos);
        query.read_until("id: 4\n");
        CHECK(stream_body(query) == "id: 4\ndata: d\n\n");

        auto both = subscribe(server.port(), "match=t&last_event_id=2", "Last-Event-ID: 1\r\n");
        both.read_until("id: 4\n");
        CHECK(stream_body(both) == "id: 2\ndata: b\n\nid: 4\ndata: d\n\n");
    }
    SECTION("draft-07 lastEventID") {
        auto old = subscribe(server.port(), "topic=t&lastEventID=2");
        CHECK(old.received().find("\r\nLast-Event-ID: 2\r\n") != std::string::npos);
        old.read_until("id: 4\n");
        CHECK(stream_body(old) == "id: 4\ndata: d\n\n");
    }
    SECTION("earliest") {
        auto all = subscribe(server.port(), "match=t&last_event_id=earliest");
        CHECK(all.received().find("\r\nMercure-Last-Event-ID: earliest\r\n") != std::string::npos);
        all.read_until("id: 4\n");
        CHECK(stream_body(all) == "id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 4\ndata: d\n\n");
    }
    SECTION("an unknown id: earliest, nothing replayed, live updates flow") {
        auto lost = subscribe(server.port(), "match=t", "Last-Event-ID: never\r\n");
        CHECK(lost.received().find("\r\nMercure-Last-Event-ID: earliest\r\n") != std::string::npos);
        publish(server.port(), "topic=t&id=5&data=e");
        lost.read_until("id: 5\n");
        CHECK(stream_body(lost) == "id: 5\ndata: e\n\n");
    }
}

TEST_CASE("an id evicted from the history is unknown", "[hub]") {
    auto opts = hub_options();
    opts.history_size = 2;
    test_server server(opts);
    for (int i = 1; i <= 4; ++i)
        publish(server.port(), "topic=t&id=" + std::to_string(i));
    auto evicted = subscribe(server.port(), "match=t", "Last-Event-ID: 1\r\n");
    CHECK(evicted.received().find("\r\nMercure-Last-Event-ID: earliest\r\n") != std::string::npos);
    auto kept = subscribe(server.port(), "match=t", "Last-Event-ID: 3\r\n");
    kept.read_until("id: 4\n");
    CHECK(stream_body(kept) == "id: 4\ndata:\n\n");
}

TEST_CASE("resuming while updates are being published loses and repeats nothing", "[hub]") {
    test_server server(hub_options(2));
    constexpr int total = 400;
    std::thread publisher([&] {
        for (int i = 1; i <= total; ++i)
            publish(server.port(), "topic=t&id=" + std::to_string(i));
    });
    // Reconnect every so often, resuming from the last id seen.
    std::string seen;
    std::string last = "earliest";
    while (seen.find("id: " + std::to_string(total) + "\n") == std::string::npos) {
        auto s = subscribe(server.port(), "match=t", "Last-Event-ID: " + last + "\r\n");
        s.read_until("\n\n", 50ms);
        auto body = stream_body(s);
        body.resize(body.rfind("\n\n") == std::string::npos ? 0 : body.rfind("\n\n") + 2);
        if (body.empty())
            continue;
        seen += body;
        const auto at = body.rfind("id: ");
        last = body.substr(at + 4, body.find('\n', at) - at - 4);
    }
    publisher.join();
    std::string expected;
    for (int i = 1; i <= total; ++i)
        expected += "id: " + std::to_string(i) + "\ndata:\n\n";
    CHECK(seen == expected);
}

TEST_CASE("10,000 updates published over one keep-alive connection arrive complete and in order",
          "[hub]") {
    test_server server(hub_options(2));
    auto sub = subscribe(server.port(), "match=t");
    constexpr int total = 10'000;
    client publisher(server.port());
    // Pipelined: a thread writes every request while this one reads the
    // answers, so neither side's buffers can fill up and stall the other.
    std::thread writer([&] {
        std::string batch;
        for (int i = 1; i <= total; ++i) {
            const auto body = "topic=t&id=" + std::to_string(i) + "&data=" + std::to_string(i);
            batch += "POST /.well-known/mercure HTTP/1.1\r\nHost: t\r\nContent-Type: "
                     "application/x-www-form-urlencoded\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n" + body;
            if (i % 500 == 0) {
                publisher.send(batch);
                batch.clear();
            }
        }
    });
    publisher.read_until("\r\n\r\n10000", 30s);
    writer.join();
    CHECK(count(publisher.received(), "HTTP/1.1 200 OK\r\n") == std::size_t(total));
    CHECK_FALSE(publisher.saw_eof());

    sub.read_until("id: 10000\ndata: 10000\n\n", 20s);
    std::string expected;
    for (int i = 1; i <= total; ++i)
        expected += "id: " + std::to_string(i) + "\ndata: " + std::to_string(i) + "\n\n";
    CHECK(stream_body(sub) == expected);
}

TEST_CASE("pipelined publishes are answered in order, a refused one among them, and delivered in "
          "order",
          "[hub]") {
    test_server server(hub_options(2));
    auto sub = subscribe(server.port(), "match=t");
    client publisher(server.port());
    const auto request = [](const std::string& body) {
        return "POST /.well-known/mercure HTTP/1.1\r\nHost: t\r\nContent-Type: "
               "application/x-www-form-urlencoded\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
    };
    std::string batch;
    for (int i = 1; i <= 5; ++i)
        batch += request("topic=t&id=p" + std::to_string(i) + "&data=" + std::to_string(i));
    batch += request("id=no-topic&data=refused"); // 400: the connection stays open
    for (int i = 6; i <= 10; ++i)
        batch += request("topic=t&id=p" + std::to_string(i) + "&data=" + std::to_string(i));
    publisher.send(batch);
    const auto& got = publisher.read_until("\r\n\r\np10", 5s);
    std::vector<std::string> answers;
    for (auto at = got.find("HTTP/1.1 "); at != std::string::npos;
         at = got.find("HTTP/1.1 ", at + 1))
        answers.push_back(got.substr(at, got.find("HTTP/1.1 ", at + 1) - at));
    REQUIRE(answers.size() == 11);
    for (std::size_t i = 0; i < answers.size(); ++i) {
        INFO("answer " << i);
        if (i == 5) {
            CHECK(status_of(answers[i]) == 400);
            CHECK(answers[i].find("Connection: close") == std::string::npos);
            continue;
        }
        CHECK(status_of(answers[i]) == 200);
        CHECK(body_of(answers[i]) == "p" + std::to_string(i < 5 ? i + 1 : i));
    }
    CHECK_FALSE(publisher.saw_eof());

    sub.read_until("id: p10\ndata: 10\n\n", 5s);
    std::string expected;
    for (int i = 1; i <= 10; ++i)
        expected += "id: p" + std::to_string(i) + "\ndata: " + std::to_string(i) + "\n\n";
    CHECK(stream_body(sub) == expected);
}

TEST_CASE("a subscriber that stops reading is cut, the others receive everything", "[hub]") {
    auto opts = hub_options();
    opts.subscriber_queue = 16;
    opts.subscriber_queue_bytes = 1 << 20;
    test_server server(opts);
    auto fast = subscribe(server.port(), "match=t");

    const int slow_fd = herald::test::connect_with_small_receive_buffer(server.port());
    const std::string request = "GET /.well-known/mercure?match=t HTTP/1.1\r\nHost: t\r\n\r\n";
    REQUIRE(::send(slow_fd, request.data(), request.size(), MSG_NOSIGNAL) ==
            ssize_t(request.size()));
    REQUIRE(eventually([&] { return server.get().open_streams() == 2; }));

    const std::string data(64 * 1024, 'x');
    constexpr int total = 200; // 12.8 MB: far past any socket buffer
    for (int i = 1; i <= total; ++i) {
        publish(server.port(), "topic=t&id=" + std::to_string(i) + "&data=" + data);
        fast.read_until("id: " + std::to_string(i) + "\n");
    }
    fast.read_until("id: " + std::to_string(total) + "\ndata: " + data + "\n\n", 10s);
    CHECK(count(stream_body(fast), "\ndata: " + data + "\n\n") == std::size_t(total));
    CHECK(eventually([&] { return server.get().open_streams() == 1; }));
    ::close(slow_fd);
}

TEST_CASE("bad subscribe requests are answered 400 and open no stream", "[hub]") {
    test_server server(hub_options());
    for (const char* query :
         {"", "other=1", "Match=a", "match_regex=a", "matches=a", "match=a%0Ab", "match=%E2%80%8B",
          "match=%FF", "match_urlpattern=https%3A%2F%2Fe.com%2F(", "match_urlpattern=%7B"}) {
        INFO(query);
        client c(server.port());
        c.send("GET /.well-known/mercure?" + std::string(query) +
               " HTTP/1.1\r\nHost: test\r\n\r\n");
        CHECK(status_of(c.read_to_end()) == 400);
    }
    auto opts = hub_options();
    opts.max_matchers = 2;
    opts.max_matcher_length = 5;
    test_server limited(opts);
    for (const char* query : {"match=a&match=b&match=c", "match=abcdef"}) {
        client c(limited.port());
        c.send("GET /.well-known/mercure?" + std::string(query) +
               " HTTP/1.1\r\nHost: test\r\n\r\n");
        CHECK(status_of(c.read_to_end()) == 400);
    }
    CHECK(server.get().open_streams() == 0);
}

TEST_CASE("bad publish requests are answered 400 or 413 and publish nothing", "[hub]") {
    auto opts = hub_options();
    opts.max_topics = 2;
    opts.max_field_bytes = 50;
    test_server server(opts);
    auto sub = subscribe(server.port(), "match=*");
    struct row {
        const char* body;
        int status;
    };
    for (const auto& r : {row{"data=x", 400}, row{"topic=*", 400},
                          row{"topic=%2F.well-known%2Fmercure%2Fsubscriptions%2Fx", 400},
                          row{"topic=%2F.well-known%2F%256Dercure%2Fx", 400},
                          row{"topic=x%2F..%2F..%2F.well-known%2Fmercure%2Fx", 400},
                          row{"topic=http%3A%2F%2Flocalhost%2F.well-known%2Fmercure", 400},
                          row{"topic=a&type=mercure", 400}, row{"topic=a%0A", 400},
                          row{"topic=a&id=%23x", 400}, row{"topic=a&id=earliest", 400},
                          row{"topic=a&id=a%0Adata%3A%20forged", 400}, row{"topic=a&retry=1s", 400},
                          row{"topic=a&data=%FF", 400}, row{"topic=a&topic=b&topic=c", 413},
                          row{"topic=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 413}}) {
        INFO(r.body);
        const auto response = post(server.port(), r.body);
        CHECK(status_of(response) == r.status);
    }
    publish(server.port(), "topic=ok&id=marker");
    sub.read_until("id: marker\n");
    CHECK(stream_body(sub) == "id: marker\ndata:\n\n");
}

namespace {

const std::string publisher_key = "publisher-secret-at-least-32-bytes!!";
const std::string subscriber_key = "subscriber-secret-at-least-32-bytes!";

std::string token(const std::string& key, const std::string& claims) {
    return herald::test::hs256_token(key, claims);
}

std::string exp_in(std::chrono::seconds s) {
    const auto at = std::chrono::system_clock::now() + s;
    return std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count());
}

// A draft-08 token granting `action` on exact topics (or "*").
std::string grant(const std::string& key, const std::string& action,
                  const std::vector<std::string>& topics, std::chrono::seconds life = 3600s) {
    std::string list;
    for (const auto& t : topics)
        list += (list.empty() ? "" : ",") + std::string("{\"match\":\"") + t + "\"}";
    return token(key, "{\"exp\":" + exp_in(life) +
                          ",\"authorization_details\":[{\"type\":\"https://mercure.rocks/"
                          "authorization-detail\",\"actions\":[\"" +
                          action + "\"],\"topics\":[" + list + "]}]}");
}

herald::app::options token_options() {
    auto o = herald::test::test_options();
    o.publisher_jwt_key = publisher_key;
    o.subscriber_jwt_key = subscriber_key;
    return o;
}

std::string challenge_of(const std::string& response) {
    const auto at = response.find("\r\nWWW-Authenticate: ");
    return at == std::string::npos
               ? std::string()
               : response.substr(at + 20, response.find("\r\n", at + 2) - at - 20);
}

} // namespace

TEST_CASE("publishers need a valid token granting every topic", "[hub][auth]") {
    test_server server(token_options());
    const auto bearer = [](const std::string& t) { return "Authorization: Bearer " + t + "\r\n"; };

    const auto none = post(server.port(), "topic=a");
    CHECK(status_of(none) == 401);
    CHECK(none.rfind("HTTP/1.1 401 Unauthorized\r\n", 0) == 0);
    CHECK(challenge_of(none) == "Bearer"); // no token: no error code

    const auto forged =
        post(server.port(), "topic=a",
             bearer(grant("another-secret-of-at-least-32-bytes", "publish", {"*"})));
    CHECK(status_of(forged) == 401);
    CHECK(challenge_of(forged).find("error=\"invalid_token\"") != std::string::npos);

    const auto expired =
        post(server.port(), "topic=a", bearer(grant(publisher_key, "publish", {"*"}, -60s)));
    CHECK(status_of(expired) == 401);

    const auto subscriber_token =
        post(server.port(), "topic=a", bearer(grant(subscriber_key, "publish", {"*"})));
    CHECK(status_of(subscriber_token) == 401); // the subscriber key does not verify publishers

    const auto malformed = post(server.port(), "topic=a", "Authorization: Bearer a b\r\n");
    CHECK(status_of(malformed) == 400);
    CHECK(challenge_of(malformed).find("invalid_request") != std::string::npos);

    const auto only_a = bearer(grant(publisher_key, "publish", {"a"}));
    const auto partial = post(server.port(), "topic=a&topic=b", only_a);
    CHECK(partial.rfind("HTTP/1.1 403 Forbidden\r\n", 0) == 0);
    CHECK(challenge_of(partial).find("insufficient_scope") != std::string::npos);
    CHECK(status_of(post(server.port(), "topic=a&id=ok", only_a)) == 200);
    CHECK(status_of(post(server.port(), "topic=a",
                         bearer(grant(publisher_key, "subscribe", {"*"})))) == 403);

    // Reserved and malformed publishes are refused whatever the token grants.
    const auto all = bearer(grant(publisher_key, "publish", {"*"}));
    CHECK(status_of(post(server.port(), "topic=%2F.well-known%2Fmercure%2Fx", all)) == 400);
    CHECK(status_of(post(server.port(), "topic=x&topic=y", all)) == 200);
}

TEST_CASE("a publish token the hub remembers still expires, and only its exact bytes count",
          "[hub][auth]") {
    test_server server(token_options());
    const auto bearer = [](const std::string& t) { return "Authorization: Bearer " + t + "\r\n"; };

    // exp has one-second resolution: this token expires 1 to 2 s from now.
    const auto short_lived = grant(publisher_key, "publish", {"*"}, 2s);
    CHECK(status_of(post(server.port(), "topic=a", bearer(short_lived))) == 200);
    CHECK(status_of(post(server.port(), "topic=a", bearer(short_lived))) == 200); // remembered

    // A copy with the signature's last character changed is not the token
    // that was verified: it is checked afresh, and fails.
    auto tampered = short_lived;
    tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
    CHECK(status_of(post(server.port(), "topic=a", bearer(tampered))) == 401);
    // Nor does a token that verified with the subscriber key publish.
    const auto subscriber_token = grant(subscriber_key, "subscribe", {"*"});
    CHECK(status_of(post(server.port(), "topic=a", bearer(subscriber_token))) == 401);

    std::this_thread::sleep_for(2100ms);
    const auto expired = post(server.port(), "topic=a", bearer(short_lived));
    CHECK(status_of(expired) == 401);
    CHECK(challenge_of(expired).find("invalid_token") != std::string::npos);
}

TEST_CASE("with --jwt-issuer and --jwt-audience, tokens from others or for others are refused",
          "[hub][auth]") {
    auto opts = token_options();
    opts.jwt_issuers = {"https://auth.example"};
    opts.jwt_audience = "https://hub.example";
    test_server server(opts);
    const auto publish_with = [&](const std::string& extra_claims) {
        const auto t = token(publisher_key, "{\"exp\":" + exp_in(3600s) + extra_claims +
                                                ",\"mercure\":{\"publish\":[\"*\"]}}");
        return status_of(post(server.port(), "topic=a", "Authorization: Bearer " + t + "\r\n"));
    };
    CHECK(publish_with(R"(,"iss":"https://auth.example","aud":"https://hub.example")") == 200);
    CHECK(publish_with(R"(,"iss":"https://auth.example","aud":["x","https://hub.example"])") ==
          200);
    CHECK(publish_with(R"(,"aud":"https://hub.example")") == 401);
    CHECK(publish_with(R"(,"iss":"https://evil.example","aud":"https://hub.example")") == 401);
    CHECK(publish_with(R"(,"iss":"https://auth.example.evil","aud":"https://hub.example")") == 401);
    CHECK(publish_with(R"(,"iss":"https://auth.example")") == 401);
    CHECK(publish_with(R"(,"iss":"https://auth.example","aud":"https://other.example")") == 401);
}

TEST_CASE("a publisher's cookie counts only from the hub's own origin or an allowed one",
          "[hub][auth]") {
    auto opts = token_options();
    opts.cors_origins = {"https://app.example", "*"};
    opts.hub_url = "https://hub.example/.well-known/mercure";
    test_server server(opts);
    const auto cookie =
        "Cookie: mercureAuthorization=" + grant(publisher_key, "publish", {"*"}) + "\r\n";
    const auto from = [&](std::string_view header) {
        return status_of(post(server.port(), "topic=a", cookie + std::string(header) + "\r\n"));
    };
    // Neither Origin nor Referer: refused, as the draft says (CSRF).
    CHECK(status_of(post(server.port(), "topic=a", cookie)) == 403);
    // Cross-site forgeries: another site, an origin only '*' would cover, a
    // look-alike host, "null" (sandboxed or file: pages).
    CHECK(from("Origin: https://evil.example") == 403);
    CHECK(from("Origin: https://app.example.evil") == 403);
    CHECK(from("Origin: https://hub.example.evil") == 403);
    CHECK(from("Origin: http://hub.example") == 403);
    CHECK(from("Origin: null") == 403);
    CHECK(from("Referer: https://evil.example/page?https://hub.example/") == 403);
    // The hub's own origin (the hub URL's, or the Host the request was sent
    // to) and the allowlisted origin, by Origin or by Referer.
    CHECK(from("Origin: https://hub.example") == 200);
    CHECK(from("Origin: https://app.example") == 200);
    CHECK(from("Origin: http://test") == 200); // Host: test
    CHECK(from("Referer: https://app.example/dashboard") == 200);
    // A bearer token needs no origin: it cannot be attached by another site.
    CHECK(status_of(post(server.port(), "topic=a",
                         "Authorization: Bearer " + grant(publisher_key, "publish", {"*"}) +
                             "\r\n")) == 200);
}

TEST_CASE("subscribers: anonymous only with --anonymous, private updates by token grant",
          "[hub][auth]") {
    auto opts = token_options();
    test_server server(opts);
    client anonymous(server.port());
    anonymous.send("GET /.well-known/mercure?match=t HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(status_of(anonymous.read_until("\r\n\r\n")) == 401);

    client bad(server.port());
    bad.send("GET /.well-known/mercure?match=t HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
             grant(publisher_key, "subscribe", {"*"}) + "\r\n\r\n");
    CHECK(status_of(bad.read_until("\r\n\r\n")) == 401);

    // Listens to everything; may read private updates about "mine" only.
    auto sub =
        subscribe(server.port(), "match=*",
                  "Authorization: Bearer " + grant(subscriber_key, "subscribe", {"mine"}) + "\r\n");
    auto by_cookie = subscribe(server.port(), "match=*",
                               "Cookie: __Secure-mercure_access_token=" +
                                   grant(subscriber_key, "subscribe", {"mine"}) + "\r\n");
    const auto pub = "Authorization: Bearer " + grant(publisher_key, "publish", {"*"}) + "\r\n";
    REQUIRE(status_of(post(server.port(), "topic=theirs&private&id=1", pub)) == 200);
    REQUIRE(status_of(post(server.port(), "topic=x&topic=mine&private&id=2", pub)) == 200);
    REQUIRE(status_of(post(server.port(), "topic=theirs&id=3", pub)) == 200);
    sub.read_until("id: 3\n");
    by_cookie.read_until("id: 3\n");
    CHECK(stream_body(sub) == "id: 2\ndata:\n\nid: 3\ndata:\n\n");
    CHECK(stream_body(by_cookie) == stream_body(sub));

    // Replay applies the same rule.
    auto replay = subscribe(server.port(), "match=*&last_event_id=earliest",
                            "Authorization: Bearer " +
                                grant(subscriber_key, "subscribe", {"theirs"}) + "\r\n");
    replay.read_until("id: 3\n");
    CHECK(stream_body(replay) == "id: 1\ndata:\n\nid: 3\ndata:\n\n");

    auto with_anonymous = token_options();
    with_anonymous.anonymous = true;
    test_server open(with_anonymous);
    auto guest = subscribe(open.port(), "match=t");
    CHECK(guest.received().rfind("HTTP/1.1 200", 0) == 0);
}

TEST_CASE("a subscriber's stream closes at its token's exp", "[hub][auth]") {
    test_server server(token_options());
    const auto start = std::chrono::steady_clock::now();
    auto sub = subscribe(server.port(), "match=t",
                         "Authorization: Bearer " + grant(subscriber_key, "subscribe", {"t"}, 2s) +
                             "\r\n");
    sub.read_to_end(5s);
    const auto lasted = std::chrono::steady_clock::now() - start;
    CHECK(sub.saw_eof());
    CHECK(lasted >= 900ms); // exp has one-second resolution
    CHECK(lasted < 4s);
}

TEST_CASE("other methods get 405 with Allow, HEAD gets the stream's head only", "[hub]") {
    test_server server(hub_options());
    client put(server.port());
    put.send("PUT /.well-known/mercure HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
    const auto answer = put.read_to_end();
    CHECK(status_of(answer) == 405);
    CHECK(answer.find("\r\nAllow: GET, HEAD, POST, OPTIONS\r\n") != std::string::npos);

    client head(server.port());
    head.send("HEAD /.well-known/mercure?match=t HTTP/1.1\r\nHost: t\r\n\r\n");
    const auto got = head.read_to_end();
    CHECK(status_of(got) == 200);
    CHECK(got.find("text/event-stream") != std::string::npos);
    CHECK(got.ends_with("\r\n\r\n"));
}

TEST_CASE("hub CORS: credentials only for listed origins, never a reflected stranger", "[hub]") {
    auto opts = hub_options();
    opts.cors_origins = {"https://app.example", "*"};
    test_server server(opts);
    auto listed = subscribe(server.port(), "match=t", "Origin: https://app.example\r\n");
    CHECK(listed.received().find("\r\nAccess-Control-Allow-Origin: https://app.example\r\n") !=
          std::string::npos);
    CHECK(listed.received().find("\r\nAccess-Control-Allow-Credentials: true\r\n") !=
          std::string::npos);
    CHECK(listed.received().find("\r\nVary: Origin\r\n") != std::string::npos);

    auto stranger = subscribe(server.port(), "match=t", "Origin: https://evil.example\r\n");
    CHECK(stranger.received().find("\r\nAccess-Control-Allow-Origin: *\r\n") != std::string::npos);
    CHECK(stranger.received().find("evil") == std::string::npos);
    CHECK(stranger.received().find("Allow-Credentials") == std::string::npos);

    client preflight(server.port());
    preflight.send("OPTIONS /.well-known/mercure HTTP/1.1\r\nHost: t\r\nOrigin: "
                   "https://app.example\r\nAccess-Control-Request-Method: POST\r\n\r\n");
    const auto answer = preflight.read_to_end();
    CHECK(status_of(answer) == 204);
    CHECK(answer.find("\r\nAccess-Control-Allow-Methods: GET, HEAD, POST, OPTIONS\r\n") !=
          std::string::npos);
    CHECK(answer.find("Authorization") != std::string::npos);
    CHECK(answer.find("\r\nAccess-Control-Allow-Credentials: true\r\n") != std::string::npos);

    auto only_star = hub_options();
    only_star.cors_origins = {"*"};
    test_server star_server(only_star);
    auto any = subscribe(star_server.port(), "match=t", "Origin: https://app.example\r\n");
    CHECK(any.received().find("\r\nAccess-Control-Allow-Origin: *\r\n") != std::string::npos);
    CHECK(any.received().find("Allow-Credentials") == std::string::npos);
    CHECK(any.received().find("Vary") == std::string::npos);
}

TEST_CASE("a hub stream sends --retry once, after the opening comment", "[hub]") {
    auto opts = hub_options();
    opts.retry = 2500ms;
    test_server server(opts);
    auto sub = subscribe(server.port(), "match=t");
    publish(server.port(), "topic=t&id=1");
    sub.read_until("id: 1\n");
    CHECK(stream_body(sub) == "retry: 2500\n\nid: 1\ndata:\n\n");
}

TEST_CASE("a quiet hub stream gets heartbeats", "[hub]") {
    auto opts = hub_options();
    opts.heartbeat = 100ms;
    test_server server(opts);
    auto sub = subscribe(server.port(), "match=t");
    sub.read_until(":\n:\n", 2s);
    CHECK(stream_body(sub).starts_with(":\n"));
}

TEST_CASE("shutdown ends hub streams", "[hub]") {
    auto opts = hub_options(2);
    auto server = std::make_unique<test_server>(opts);
    std::vector<client> subs;
    for (int i = 0; i < 4; ++i)
        subs.push_back(subscribe(server->port(), "match=t"));
    REQUIRE(eventually([&] { return server->get().open_streams() == 4; }));
    const auto start = std::chrono::steady_clock::now();
    server.reset();
    CHECK(std::chrono::steady_clock::now() - start < 2s);
    for (auto& s : subs) {
        s.read_to_end(2s);
        CHECK((s.saw_eof() || s.saw_reset()));
    }
}

TEST_CASE("with --max-events a hub stream ends after N updates and the next resumes after them",
          "[hub]") {
    auto opts = hub_options();
    opts.max_events = 2;
    opts.heartbeat = 0ms;
    test_server server(opts);

    SECTION("live: the third update waits in the history for the next stream") {
        auto sub = subscribe(server.port(), "match=t");
        publish(server.port(), "topic=t&id=1&data=a");
        publish(server.port(), "topic=t&id=2&data=b");
        publish(server.port(), "topic=t&id=3&data=c");
        sub.read_to_end(3s);
        CHECK(sub.saw_eof());
        CHECK(stream_body(sub) == "id: 1\ndata: a\n\nid: 2\ndata: b\n\n");

        auto next = subscribe(server.port(), "match=t", "Last-Event-ID: 2\r\n");
        publish(server.port(), "topic=t&id=4&data=d");
        next.read_to_end(3s);
        CHECK(next.saw_eof());
        CHECK(stream_body(next) == "id: 3\ndata: c\n\nid: 4\ndata: d\n\n");
    }
    SECTION("a replay longer than the limit is cut to it, and counts against it") {
        for (int i = 1; i <= 5; ++i)
            publish(server.port(), "topic=t&id=" + std::to_string(i));
        auto first = subscribe(server.port(), "match=t", "Last-Event-ID: earliest\r\n");
        first.read_to_end(3s);
        CHECK(first.saw_eof());
        CHECK(stream_body(first) == "id: 1\ndata:\n\nid: 2\ndata:\n\n");
        auto second = subscribe(server.port(), "match=t", "Last-Event-ID: 2\r\n");
        second.read_to_end(3s);
        CHECK(stream_body(second) == "id: 3\ndata:\n\nid: 4\ndata:\n\n");
        // One replayed, one live, then the end.
        auto third = subscribe(server.port(), "match=t", "Last-Event-ID: 4\r\n");
        publish(server.port(), "topic=t&id=6");
        publish(server.port(), "topic=t&id=7");
        third.read_to_end(3s);
        CHECK(third.saw_eof());
        CHECK(stream_body(third) == "id: 5\ndata:\n\nid: 6\ndata:\n\n");
    }
    SECTION("updates a subscriber does not match do not count") {
        auto sub = subscribe(server.port(), "match=t");
        publish(server.port(), "topic=other&id=1");
        publish(server.port(), "topic=other&id=2");
        publish(server.port(), "topic=t&id=3");
        sub.read_until("id: 3\n\n", 1s);
        CHECK_FALSE(sub.saw_eof());
        publish(server.port(), "topic=t&id=4");
        sub.read_to_end(3s);
        CHECK(sub.saw_eof());
        CHECK(stream_body(sub) == "id: 3\ndata:\n\nid: 4\ndata:\n\n");
    }
}

TEST_CASE("herald refuses to start with a hub URL or token key it cannot use", "[hub]") {
    using process = herald::test::herald_process;
    process bad_url({"--port", "0", "--hub-url", "/.well-known/mercure"});
    CHECK(bad_url.wait() == 2);
    CHECK(bad_url.log().find("--hub-url") != std::string::npos);

    process short_secret({"--port", "0", "--publisher-jwt-key", "short"});
    CHECK(short_secret.wait() == 2);
    CHECK(short_secret.log().find("--publisher-jwt-key") != std::string::npos);

    process pem_for_hmac(
        {"--port", "0", "--subscriber-jwt-key",
         "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC "
         "KEY-----\n"});
    CHECK(pem_for_hmac.wait() == 2);
    CHECK(pem_for_hmac.log().find("--subscriber-jwt-key") != std::string::npos);

    // Every count flag of the hub refuses negative and non-numeric values.
    for (const char* flag : {"--history-size", "--history-bytes", "--max-topics",
                             "--max-field-bytes", "--max-matchers", "--max-matcher-length",
                             "--subscriber-queue", "--subscriber-queue-bytes"}) {
        for (const char* value : {"-1", "x"}) {
            process p({"--port", "0", flag, value});
            INFO(flag << " " << value);
            CHECK(p.wait() > 0);
            CHECK(p.log().find(flag) != std::string::npos);
        }
    }
}

TEST_CASE("with --max-events updates delivered in batches still end each stream at exactly N",
          "[hub]") {
    auto opts = hub_options(2);
    opts.max_events = 50;
    opts.heartbeat = 0ms;
    test_server server(opts);
    std::vector<client> subs;
    for (int i = 0; i < 6; ++i) // some on each worker
        subs.push_back(subscribe(server.port(), "match=t"));
    // Pipelined publishes reach the workers faster than they drain their
    // inboxes: updates arrive in batches.
    constexpr int total = 400;
    std::string requests;
    for (int i = 1; i <= total; ++i) {
        const auto body = "topic=t&id=" + std::to_string(i);
        requests += "POST /.well-known/mercure HTTP/1.1\r\nHost: t\r\nContent-Type: "
                    "application/x-www-form-urlencoded\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body;
    }
    client publisher(server.port());
    publisher.send(requests);
    publisher.read_until("\r\n\r\n" + std::to_string(total), 10s);

    std::string first, second;
    for (int i = 1; i <= 50; ++i)
        first += "id: " + std::to_string(i) + "\ndata:\n\n";
    for (int i = 51; i <= 100; ++i)
        second += "id: " + std::to_string(i) + "\ndata:\n\n";
    for (auto& s : subs) {
        s.read_to_end(3s);
        CHECK(s.saw_eof());
        CHECK(stream_body(s) == first);
        auto next = subscribe(server.port(), "match=t", "Last-Event-ID: 50\r\n");
        next.read_to_end(3s);
        CHECK(next.saw_eof());
        CHECK(stream_body(next) == second);
    }
}
