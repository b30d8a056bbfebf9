#include "herald/hub/subscription.hpp"

#include "catch.hpp"

#include <string>

using namespace herald::hub;
namespace match = herald::match;

namespace {

const auto base = std::make_shared<const match::url>(
    *match::url::parse("https://hub.example/.well-known/mercure"));

match::matcher_ptr compiled(match::matcher_type type, std::string_view pattern) {
    auto r = match::compile(type, pattern, base->href());
    REQUIRE(r);
    return r.matcher;
}

std::vector<match::matcher_ptr> exacts(std::vector<std::string> patterns) {
    std::vector<match::matcher_ptr> out;
    for (const auto& p : patterns)
        out.push_back(compiled(match::matcher_type::exact, p));
    return out;
}

update_ptr make(std::uint64_t seq, std::vector<std::string> topics, bool is_private = false,
                std::size_t size = 10) {
    auto u = std::make_shared<update>();
    u->sequence = seq;
    u->id = "u" + std::to_string(seq);
    for (auto& t : topics)
        u->topics.emplace_back(std::move(t), base);
    u->is_private = is_private;
    u->encoded = std::string(size, char('a' + seq % 26));
    return u;
}

subscription exact(std::vector<std::string> topics, queue_limits limits = {},
                   topic_grant grant = {}) {
    return subscription(exacts(std::move(topics)), std::move(grant), limits);
}

std::string drain(subscription& s) {
    std::string out;
    std::array<std::string_view, 4> views;
    while (auto n = s.gather(views)) {
        std::size_t bytes = 0;
        for (std::size_t i = 0; i < n; ++i) {
            out += views[i];
            bytes += views[i].size();
        }
        s.consume(bytes);
    }
    return out;
}

} // namespace

TEST_CASE("a subscription wants updates with any topic its matchers match") {
    auto s = exact({"a", "b"});
    CHECK(s.wants(*make(1, {"a"})));
    CHECK(s.wants(*make(1, {"x", "b"})));
    CHECK_FALSE(s.wants(*make(1, {"x"})));
    subscription all({compiled(match::matcher_type::urlpattern, "*")}, {}, {});
    CHECK(all.wants(*make(1, {"anything"})));
    subscription pattern({compiled(match::matcher_type::urlpattern, "/books/:id")}, {}, {});
    CHECK(pattern.wants(*make(1, {"https://hub.example/books/1"})));
    CHECK(pattern.wants(*make(1, {"/books/2"}))); // relative topics resolve against the hub
    CHECK_FALSE(pattern.wants(*make(1, {"https://hub.example/books/1/x"})));
    subscription templ({compiled(match::matcher_type::uritemplate, "https://e.com/{id}")}, {}, {});
    CHECK(templ.wants(*make(1, {"https://e.com/7"})));
    CHECK_FALSE(templ.wants(*make(1, {"https://e.com/7/8"})));
}

TEST_CASE("private updates reach only subscribers whose grant covers one of their topics") {
    auto anonymous = exact({"a"});
    CHECK_FALSE(anonymous.wants(*make(1, {"a"}, true)));
    CHECK(anonymous.wants(*make(1, {"a"}, false)));

    auto granted = exact({"a"}, {}, {false, exacts({"alt"})});
    CHECK(granted.wants(*make(1, {"a", "alt"}, true))); // the grant covers the alternate
    CHECK_FALSE(granted.wants(*make(1, {"a"}, true)));

    auto everything = exact({"a"}, {}, {true, {}});
    CHECK(everything.wants(*make(1, {"a"}, true)));
    CHECK_FALSE(everything.wants(*make(1, {"b"}, true))); // a grant is no subscription
}

TEST_CASE("accept refuses what is not newer: replayed updates and second topics") {
    auto s = exact({"a"});
    s.start_after(5);
    CHECK_FALSE(s.accept(*make(4, {"a"})));
    CHECK_FALSE(s.accept(*make(5, {"a"})));
    CHECK(s.accept(*make(6, {"a"})));
    CHECK_FALSE(s.accept(*make(6, {"a"})));
    CHECK(s.last_sequence() == 6);
}

TEST_CASE("the queue writes the replay first, then live updates, partial writes included") {
    auto s = exact({"a"});
    s.preload({make(1, {"a"}, false, 3), make(2, {"a"}, false, 3)});
    CHECK(s.push(make(3, {"a"}, false, 4)));
    CHECK(s.push(make(4, {"a"}, false, 2)));
    // Partial consumption across the replay.
    std::array<std::string_view, 2> views;
    REQUIRE(s.gather(views) == 2);
    CHECK(views[0] == "bbb");
    s.consume(4);
    REQUIRE(s.gather(views) == 2);
    CHECK(views[0] == "cc");
    CHECK(drain(s) == "ccddddee");
    CHECK(s.empty());
    CHECK(s.live_bytes() == 0);
}

TEST_CASE("a live update written partly by send() queues only its rest") {
    auto s = exact({"a"});
    REQUIRE(s.push(make(1, {"a"}, false, 10), 7));
    CHECK(s.live_bytes() == 3);
    CHECK(drain(s) == "bbb");
}

TEST_CASE("over the count bound the subscriber is marked slow and nothing more is queued") {
    auto s = exact({"a"}, {3, 1 << 20});
    for (std::uint64_t i = 1; i <= 3; ++i)
        CHECK(s.push(make(i, {"a"})));
    CHECK_FALSE(s.slow());
    CHECK_FALSE(s.has_room(*make(4, {"a"})));
    CHECK_FALSE(s.slow()); // asking is free
    CHECK_FALSE(s.push(make(4, {"a"})));
    CHECK(s.slow());
    CHECK(s.queued_count() == 3); // kept: a write may be using them
    drain(s);
    CHECK_FALSE(s.push(make(5, {"a"}))); // slow is final: the subscriber is cut
}

TEST_CASE("over the byte bound the subscriber is marked slow") {
    auto s = exact({"a"}, {100, 25});
    CHECK(s.push(make(1, {"a"}, false, 10)));
    CHECK(s.push(make(2, {"a"}, false, 10)));
    CHECK_FALSE(s.push(make(3, {"a"}, false, 10)));
    CHECK(s.slow());
}

TEST_CASE("written bytes free room in the queue, and the replay does not count") {
    auto s = exact({"a"}, {2, 20});
    s.preload({make(1, {"a"}, false, 100), make(2, {"a"}, false, 100)});
    CHECK(s.push(make(3, {"a"}, false, 10)));
    CHECK(s.push(make(4, {"a"}, false, 10)));
    CHECK_FALSE(s.slow());
    s.consume(205); // the replay and half of update 3
    CHECK(s.live_bytes() == 15);
    s.consume(5);
    CHECK(s.push(make(5, {"a"}, false, 10)));
    CHECK_FALSE(s.slow());
}

TEST_CASE("a grant covers all of an update only if every topic is matched") {
    topic_grant grant{false, exacts({"a", "b"})};
    CHECK(grant.covers_all(*make(1, {"a"})));
    CHECK(grant.covers_all(*make(1, {"b", "a"})));
    CHECK_FALSE(grant.covers_all(*make(1, {"a", "c"}))); // one alternate not granted: refused
    CHECK(grant.covers_any(*make(1, {"a", "c"})));
    CHECK_FALSE(topic_grant{}.covers_all(*make(1, {"a"})));
    CHECK_FALSE(topic_grant{}.covers_any(*make(1, {"a"})));
    CHECK(topic_grant{true, {}}.covers_all(*make(1, {"x", "y"})));
    topic_grant star{false, exacts({"*"})};
    CHECK(star.covers_all(*make(1, {"x", "y"})));
}

TEST_CASE("the queue keeps order across growth and wrap-around, and frees memory when drained") {
    auto s = exact({"a"}, {1000, 1 << 20});
    std::string expected;
    std::uint64_t seq = 1;
    // Interleave pushes and partial drains so the ring wraps and grows.
    for (int round = 0; round < 50; ++round) {
        for (int i = 0; i < 7; ++i, ++seq) {
            auto u = make(seq, {"a"}, false, 3);
            expected += u->encoded;
            REQUIRE(s.push(u));
        }
        std::array<std::string_view, 4> views;
        const auto n = s.gather(views);
        std::size_t bytes = 0;
        for (std::size_t i = 0; i < n; ++i)
            bytes += views[i].size();
        s.consume(bytes - 1); // leave one byte: a partial front
    }
    std::string got;
    {
        // What was consumed above is the prefix of `expected`; check the rest.
        const auto left = s.live_bytes();
        got = drain(s);
        CHECK(got.size() == left);
        CHECK(expected.ends_with(got));
    }
    CHECK(s.empty());
    CHECK(s.live_bytes() == 0);
    CHECK(s.push(make(seq, {"a"}, false, 3)));
    CHECK(drain(s) == std::string(3, char('a' + seq % 26)));
}
