#include "herald/match/index.hpp"

#include "herald/match/cache.hpp"

#include "catch.hpp"

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace herald::match;

namespace {

struct sub {
    int id;
};

matcher_ptr get(matcher_cache& cache, matcher_type type, std::string_view pattern) {
    compile_result r = cache.get(type, pattern);
    INFO(pattern << ": " << r.error);
    REQUIRE(r.matcher);
    return r.matcher;
}

std::vector<int> lookup(subscription_index<sub>& index, std::vector<std::string> values) {
    std::vector<topic> topics;
    for (auto& v : values) {
        topics.emplace_back(v);
    }
    std::vector<int> ids;
    index.for_each_match(topics, [&](sub* s) { ids.push_back(s->id); });
    std::sort(ids.begin(), ids.end());
    return ids;
}

} // namespace

TEST_CASE("the index finds exact subscribers by topic and wildcard subscribers always") {
    matcher_cache cache;
    subscription_index<sub> index;
    sub a{1}, b{2}, c{3};
    std::vector<matcher_ptr> ma{get(cache, matcher_type::exact, "https://example.com/books/1")};
    std::vector<matcher_ptr> mb{get(cache, matcher_type::exact, "https://example.com/books/2")};
    std::vector<matcher_ptr> mc{get(cache, matcher_type::exact, "*")};
    index.add(&a, ma);
    index.add(&b, mb);
    index.add(&c, mc);
    CHECK(lookup(index, {"https://example.com/books/1"}) == std::vector<int>{1, 3});
    CHECK(lookup(index, {"https://example.com/books/2"}) == std::vector<int>{2, 3});
    CHECK(lookup(index, {"https://example.com/books/3"}) == std::vector<int>{3});
    CHECK(lookup(index, {"https://example.com/books/1", "https://example.com/books/2"}) ==
          std::vector<int>{1, 2, 3});
    CHECK(lookup(index, {}).empty());
}

TEST_CASE("a subscriber matching through several matchers and topics is reported once") {
    matcher_cache cache;
    subscription_index<sub> index;
    sub a{1};
    std::vector<matcher_ptr> ms{get(cache, matcher_type::exact, "t1"),
                                get(cache, matcher_type::exact, "t2"),
                                get(cache, matcher_type::exact, "t1"), // repeated
                                get(cache, matcher_type::exact, "*")};
    index.add(&a, ms);
    CHECK(lookup(index, {"t1", "t2", "t1"}) == std::vector<int>{1});
    CHECK(lookup(index, {"t1"}) == std::vector<int>{1});
    CHECK(lookup(index, {"other"}) == std::vector<int>{1});
}

TEST_CASE("removing a subscriber removes all its matchers and only its own") {
    matcher_cache cache;
    subscription_index<sub> index;
    sub a{1}, b{2};
    std::vector<matcher_ptr> ms{
        get(cache, matcher_type::exact, "t1"), get(cache, matcher_type::exact, "t2"),
        get(cache, matcher_type::exact, "t1"), get(cache, matcher_type::exact, "*")};
    index.add(&a, ms);
    index.add(&b, ms);
    index.remove(&a);
    CHECK_FALSE(index.contains(&a));
    CHECK(lookup(index, {"t1"}) == std::vector<int>{2});
    index.remove(&b);
    CHECK(index.empty());
    CHECK(index.exact_topics() == 0);
    CHECK(lookup(index, {"t1"}).empty());
    index.remove(&b); // removing twice is harmless
}

TEST_CASE("the index agrees with matching every subscriber one by one, through churn") {
    // A model check: random subscribers with random matchers, added and
    // removed in random order; every lookup must equal the brute force.
    matcher_cache cache;
    subscription_index<sub> index;
    std::mt19937 rng(42);
    const std::vector<std::string> topics_pool{"a", "b", "c", "d", "e", "*x", "a/b"};
    const std::vector<std::string> templates{"{x}", "a{/x}", "{+x}", "*x"};
    std::vector<sub> subs(200);
    std::vector<std::vector<matcher_ptr>> owned(subs.size());
    std::set<int> present;
    for (int i = 0; i < static_cast<int>(subs.size()); ++i) {
        subs[i].id = i;
    }
    for (int step = 0; step < 3000; ++step) {
        const int i = static_cast<int>(rng() % subs.size());
        if (present.count(i) && rng() % 2) {
            index.remove(&subs[i]);
            present.erase(i);
            owned[i].clear();
        } else {
            std::vector<matcher_ptr> more;
            const int n = static_cast<int>(rng() % 4);
            for (int k = 0; k < n; ++k) {
                const std::size_t pick = rng() % (topics_pool.size() + templates.size() + 1);
                if (pick < topics_pool.size()) {
                    more.push_back(get(cache, matcher_type::exact, topics_pool[pick]));
                } else if (pick < topics_pool.size() + templates.size()) {
                    more.push_back(get(cache, matcher_type::uritemplate,
                                       templates[pick - topics_pool.size()]));
                } else {
                    more.push_back(get(cache, matcher_type::exact, "*"));
                }
            }
            index.add(&subs[i], more);
            present.insert(i);
            owned[i].insert(owned[i].end(), more.begin(), more.end());
        }
        if (step % 10 == 0) {
            std::vector<std::string> publish{topics_pool[rng() % topics_pool.size()],
                                             topics_pool[rng() % topics_pool.size()]};
            std::vector<topic> ts{topic(publish[0]), topic(publish[1])};
            std::vector<int> expected;
            for (int j : present) {
                if (covers_any(owned[j], ts)) {
                    expected.push_back(j);
                }
            }
            CHECK(lookup(index, publish) == expected);
        }
    }
    CHECK(index.size() == present.size());
    for (int j : present) {
        index.remove(&subs[j]);
    }
    CHECK(index.empty());
    CHECK(index.pattern_groups() == 0);
    CHECK(index.exact_topics() == 0);
}

TEST_CASE("subscribers sharing a few patterns cost one match per pattern") {
    matcher_cache cache;
    subscription_index<sub> index;
    std::vector<sub> subs(10'000);
    for (int i = 0; i < static_cast<int>(subs.size()); ++i) {
        subs[i].id = i;
        std::vector<matcher_ptr> ms{
            get(cache, matcher_type::uritemplate,
                "https://example.com/p" + std::to_string(i % 10) + "/{id}")};
        index.add(&subs[i], ms);
    }
    CHECK(index.pattern_groups() == 10);
    CHECK(lookup(index, {"https://example.com/p3/42"}).size() == 1000);
    CHECK(lookup(index, {"https://example.com/p3/42", "https://example.com/p4/1"}).size() == 2000);
    CHECK(lookup(index, {"https://example.com/p3/42/x"}).empty());
    for (int i = 0; i < 5000; ++i) {
        index.remove(&subs[i]);
    }
    CHECK(lookup(index, {"https://example.com/p3/42"}).size() == 500);
}
