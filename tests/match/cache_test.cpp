#include "herald/match/cache.hpp"

#include "catch.hpp"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

using namespace herald::match;

TEST_CASE("the cache compiles a pattern once and hands out the same matcher") {
    matcher_cache cache;
    auto a = cache.get(matcher_type::uritemplate, "https://example.com/{id}");
    auto b = cache.get(matcher_type::uritemplate, "https://example.com/{id}");
    REQUIRE(a.matcher);
    CHECK(a.matcher == b.matcher);
    CHECK(cache.size() == 1);
}

TEST_CASE("the cache keys on type and pattern together") {
    matcher_cache cache;
    auto e = cache.get(matcher_type::exact, "https://example.com/{id}");
    auto t = cache.get(matcher_type::uritemplate, "https://example.com/{id}");
    REQUIRE(e.matcher);
    REQUIRE(t.matcher);
    CHECK(e.matcher != t.matcher);
    CHECK(e.matcher->type() == matcher_type::exact);
    CHECK(t.matcher->type() == matcher_type::uritemplate);
    CHECK_FALSE(e.matcher->matches(topic("https://example.com/1")));
    CHECK(t.matcher->matches(topic("https://example.com/1")));
    // A pattern starting with what looks like another type's key byte.
    auto tricky = cache.get(matcher_type::exact, "2https://example.com/{id}");
    REQUIRE(tricky.matcher);
    CHECK(tricky.matcher != t.matcher);
    CHECK(cache.size() == 3);
}

TEST_CASE("invalid patterns are reported and not cached") {
    matcher_cache cache;
    auto r = cache.get(matcher_type::uritemplate, "https://example.com/{id");
    CHECK_FALSE(r.matcher);
    CHECK(r.error.rfind("invalid URI template: unclosed '{'", 0) == 0);
    CHECK(cache.size() == 0);
}

TEST_CASE("the cache drops its least recently used entry past its capacity") {
    matcher_cache cache({}, {}, 2);
    auto a = cache.get(matcher_type::exact, "a").matcher;
    auto b = cache.get(matcher_type::exact, "b").matcher;
    CHECK(cache.get(matcher_type::exact, "a").matcher == a); // a is now the most recent
    auto c = cache.get(matcher_type::exact, "c").matcher;    // evicts b
    CHECK(cache.size() == 2);
    CHECK(cache.get(matcher_type::exact, "a").matcher == a);
    auto b2 = cache.get(matcher_type::exact, "b").matcher;
    CHECK(b2 != b); // compiled again
    CHECK(b->matches(topic("b")));
    CHECK(b2->matches(topic("b"))); // the evicted matcher still works
    CHECK(cache.size() == 2);
}

TEST_CASE("the cache uses its limits") {
    matcher_limits limits;
    limits.max_pattern_bytes = 8;
    matcher_cache cache({}, limits);
    CHECK(cache.get(matcher_type::exact, "12345678").matcher);
    auto r = cache.get(matcher_type::exact, "123456789");
    CHECK_FALSE(r.matcher);
    CHECK(r.error.find("8 bytes") != std::string::npos);
}

TEST_CASE("many threads asking for the same patterns share one matcher each") {
    matcher_cache cache({}, {}, 64);
    std::vector<std::thread> threads;
    std::vector<std::vector<matcher_ptr>> seen(4);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) {
                auto r =
                    cache.get(matcher_type::uritemplate, "/p" + std::to_string(i % 16) + "/{x}");
                seen[t].push_back(r.matcher);
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    for (int i = 0; i < 200; ++i) {
        REQUIRE(seen[0][i]);
        for (int t = 1; t < 4; ++t) {
            CHECK(seen[t][i] == seen[0][i]);
        }
    }
    CHECK(cache.size() == 16);
}

TEST_CASE("topics made by the cache resolve against its base URL") {
    matcher_cache cache("https://example.com/.well-known/mercure");
    topic t = cache.make_topic("/books/1");
    CHECK(t.value() == "/books/1");
    // The URL parser arrives with the URL Pattern component; until then a
    // base that does not parse leaves topics without a URL form.
    if (cache.base()) {
        REQUIRE(t.as_url());
        CHECK(t.as_url()->href() == "https://example.com/books/1");
    } else {
        CHECK(t.as_url() == nullptr);
    }
}
