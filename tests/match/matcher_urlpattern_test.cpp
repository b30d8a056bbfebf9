// The urlpattern matcher type through the facade. These cases need the URL
// parser and the URL Pattern compiler (url.hpp, url_pattern.hpp), which land
// separately; until then every URL pattern is refused and these tests fail.
// Cases marked with a Go file come from the reference hub (dunglas/mercure,
// /work/ref/mercure-src).
#include "herald/match/cache.hpp"
#include "herald/match/index.hpp"
#include "herald/match/matcher.hpp"

#include "catch.hpp"

#include <string>
#include <vector>

using namespace herald::match;

namespace {

constexpr const char* hub = "https://hub.example.com/.well-known/mercure";

matcher_ptr pattern(matcher_cache& cache, std::string_view p) {
    auto r = cache.get(matcher_type::urlpattern, p);
    INFO(p << ": " << r.error);
    REQUIRE(r.matcher);
    return r.matcher;
}

bool hit(matcher_cache& cache, std::string_view p, std::string t) {
    return pattern(cache, p)->matches(cache.make_topic(std::move(t)));
}

std::vector<topic> topics(matcher_cache& cache, std::initializer_list<const char*> values) {
    std::vector<topic> out;
    for (const char* v : values) {
        out.push_back(cache.make_topic(v));
    }
    return out;
}

} // namespace

TEST_CASE("urlpattern: topicmatcher_test.go TestMatchURLPattern") {
    matcher_cache cache(hub);
    CHECK(hit(cache, "https://example.com/books/:id", "https://example.com/books/123"));
    CHECK_FALSE(hit(cache, "https://example.com/books/:id", "https://example.com/authors/123"));
    CHECK(hit(cache, "https://example.com/*", "https://example.com/a/b/c"));
    CHECK(hit(cache, "https://example.com/users/:uid/posts/:pid",
              "https://example.com/users/42/posts/99"));
    CHECK_FALSE(
        hit(cache, "https://example.com/users/:uid/posts/:pid", "https://example.com/users/42"));
    std::vector<matcher_ptr> books{pattern(cache, "https://example.com/books/:id")};
    CHECK(covers_any(books, topics(cache, {"https://example.com/authors/123",
                                           "https://example.com/books/123"})));
    // Paths are case-sensitive, hosts are not.
    CHECK_FALSE(hit(cache, "https://example.com/books/:id", "https://example.com/BOOKS/123"));
    CHECK(hit(cache, "https://example.com/books/:id", "https://EXAMPLE.com/books/123"));
}

TEST_CASE("urlpattern: topicmatcher_test.go TestMatchURLPatternRelative and "
          "TestMatchURLPatternConfiguredBase") {
    matcher_cache cache(hub);
    CHECK(hit(cache, "/.well-known/mercure/subscriptions/exact/:match/:subscriber",
              "/.well-known/mercure/subscriptions/exact/foo/bar"));
    CHECK(hit(cache, "/books/:id", "/books/123"));
    CHECK_FALSE(hit(cache, "/books/:id", "/authors/123"));
    CHECK_FALSE(hit(cache, "/books/:id", "https://example.com/books/123"));
    CHECK_FALSE(hit(cache, "https://example.com/books/:id", "/books/123"));
    CHECK(hit(cache, "/books/:id", "https://hub.example.com/books/123"));
    CHECK(hit(cache, "https://hub.example.com/books/:id", "/books/123"));
    CHECK_FALSE(hit(cache, "/books/:id", "https://other.example.com/books/123"));
}

TEST_CASE("urlpattern: topicmatcher_test.go TestValidatePattern") {
    matcher_cache cache(hub);
    CHECK(cache.get(matcher_type::urlpattern, "https://example.com/books/:id").matcher);
    CHECK(cache.get(matcher_type::urlpattern, "*://example.com/books/:id").matcher);
    CHECK(cache.get(matcher_type::urlpattern, "/books/:id").matcher);
    auto bad = cache.get(matcher_type::urlpattern, "{unclosed");
    CHECK_FALSE(bad.matcher);
    CHECK(bad.error.rfind("invalid URL pattern: ", 0) == 0);
}

TEST_CASE("urlpattern: subscriber_test.go TestMatchTopic") {
    matcher_cache cache(hub);
    std::vector<matcher_ptr> subscribed{
        cache.get(matcher_type::exact, "https://example.com/no-match").matcher,
        pattern(cache, "https://example.com/books/:id")};
    std::vector<matcher_ptr> allowed{pattern(cache, "https://example.com/users/foo/*")};
    auto receives = [&](std::initializer_list<const char*> ts, bool is_private) {
        auto update = topics(cache, ts);
        return covers_any(subscribed, update) && (!is_private || covers_any(allowed, update));
    };
    CHECK_FALSE(receives({"https://example.com/not-subscribed"}, false));
    CHECK_FALSE(receives({"https://example.com/not-subscribed"}, true));
    CHECK_FALSE(receives({"https://example.com/no-match"}, true));
    CHECK_FALSE(receives({"https://example.com/books/1"}, true));
    CHECK(receives({"https://example.com/books/1"}, false));
    CHECK(receives({"https://example.com/no-match"}, false));
}

TEST_CASE("urlpattern: authorizationdetails_test.go TestMercureAuthzGrants") {
    matcher_cache cache(hub);
    std::vector<matcher_ptr> subscribe{pattern(cache, "https://example.com/books/:id")};
    CHECK(covers_any(subscribe, topics(cache, {"https://example.com/books/42"})));
    CHECK_FALSE(covers_any(subscribe, topics(cache, {"https://example.com/pub"})));
    CHECK(covers_all(
        subscribe, topics(cache, {"https://example.com/books/1", "https://example.com/books/2"})));
    CHECK_FALSE(covers_all(
        subscribe, topics(cache, {"https://example.com/books/1", "https://example.com/other"})));
}

TEST_CASE("urlpattern: draft-08's alternate topic example grants through users/42/*") {
    matcher_cache cache(hub);
    std::vector<matcher_ptr> allowed{pattern(cache, "https://example.com/users/42/*")};
    CHECK(covers_any(allowed, topics(cache, {"https://example.com/books/1",
                                             "https://example.com/users/42/books/1"})));
    CHECK_FALSE(covers_any(allowed, topics(cache, {"https://example.com/books/1"})));
    CHECK_FALSE(covers_any(allowed, topics(cache, {"https://example.com/users/420/books/1"})));
}

TEST_CASE("urlpattern: a topic that is not a URL never matches a URL pattern") {
    matcher_cache cache; // no base: relative topics have no URL form
    CHECK_FALSE(hit(cache, "https://example.com/*", "books/1"));
    CHECK_FALSE(hit(cache, "https://example.com/*", "not a url"));
    CHECK(hit(cache, "https://example.com/*", "https://example.com/books/1"));
}

TEST_CASE("urlpattern: host confusion does not reach another host") {
    matcher_cache cache(hub);
    for (const char* attack :
         {"https://example.com.evil/books/1", "https://example.com@evil/books/1",
          "https://evil/example.com/books/1"}) {
        INFO(attack);
        CHECK_FALSE(hit(cache, "https://example.com/books/:id", attack));
    }
}

TEST_CASE("urlpattern: the index groups subscribers by the shared URL pattern") {
    matcher_cache cache(hub);
    struct sub {};
    std::vector<sub> subs(100);
    subscription_index<sub> index;
    for (auto& s : subs) {
        std::vector<matcher_ptr> ms{pattern(cache, "https://example.com/books/:id")};
        index.add(&s, ms);
    }
    CHECK(index.pattern_groups() == 1);
    int calls = 0;
    auto ts = topics(cache, {"https://example.com/books/1"});
    index.for_each_match(ts, [&](sub*) { ++calls; });
    CHECK(calls == 100);
}
