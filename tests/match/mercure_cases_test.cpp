// Cases carried over from the reference hub's Go tests (dunglas/mercure), for
// the matcher types herald supports without URL Pattern: exact, `*`, and the
// draft-07 selectors (exact or URI template). The URL Pattern cases of the
// same files are in matcher_urlpattern_test.cpp. Each test names its source:
// "HEAD" is /work/ref/mercure-src, "v0.24.2" is the draft-07 hub.
#include "herald/match/cache.hpp"
#include "herald/match/matcher.hpp"

#include "catch.hpp"

#include <string>
#include <vector>

using namespace herald::match;

namespace {

std::vector<topic> topics(std::initializer_list<const char*> values) {
    std::vector<topic> out;
    for (const char* v : values) {
        out.emplace_back(v);
    }
    return out;
}

matcher_ptr exact(std::string_view p) {
    auto r = compile(matcher_type::exact, p);
    REQUIRE(r.matcher);
    return r.matcher;
}

matcher_ptr selector(std::string_view p) {
    auto r = compile_topic_selector(p);
    INFO(p << ": " << r.error);
    REQUIRE(r.matcher);
    return r.matcher;
}

std::vector<matcher_ptr> selectors(std::initializer_list<const char*> patterns) {
    std::vector<matcher_ptr> out;
    for (const char* p : patterns) {
        out.push_back(selector(p));
    }
    return out;
}

std::vector<matcher_ptr> exacts(std::initializer_list<const char*> patterns) {
    std::vector<matcher_ptr> out;
    for (const char* p : patterns) {
        out.push_back(exact(p));
    }
    return out;
}

bool selector_matches(const char* topic_value, const char* pattern) {
    return selector(pattern)->matches(topic(topic_value));
}

// Subscriber.Match: a subscriber receives an update when a subscribed
// matcher selects one of its topics and, for a private update, when an
// allowed matcher covers one of them.
bool subscriber_match(const std::vector<matcher_ptr>& subscribed,
                      const std::vector<matcher_ptr>& allowed, const std::vector<topic>& update,
                      bool is_private) {
    return covers_any(subscribed, update) && (!is_private || covers_any(allowed, update));
}

} // namespace

TEST_CASE("mercure HEAD topicmatcher_test.go TestMatchExact") {
    CHECK(covers_any(exacts({"foo"}), topics({"foo"})));
    CHECK_FALSE(covers_any(exacts({"bar"}), topics({"foo"})));
    CHECK_FALSE(covers_any(exacts({"FOO"}), topics({"foo"})));
    CHECK(covers_any(exacts({"foo"}), topics({"bar", "foo"})));
    // The reserved wildcard always matches.
    CHECK(covers_any(exacts({"*"}), topics({"https://example.com/foo/bar"})));
    // Exact patterns are never interpreted as templates.
    CHECK_FALSE(covers_any(exacts({"https://example.com/{foo}/bar"}),
                           topics({"https://example.com/foo/bar"})));
}

TEST_CASE("mercure HEAD topicmatcher_test.go TestValidatePattern: any string is a valid exact "
          "pattern") {
    CHECK(compile(matcher_type::exact, "{unclosed").matcher);
    CHECK_FALSE(matcher_type_from_name("Regexp"));
}

TEST_CASE("mercure v0.24.2 topicselector_test.go TestMatchCache and HEAD "
          "topicmatcher_deprecated_test.go TestMatchDeprecated") {
    CHECK_FALSE(selector_matches("foo", "bar"));
    CHECK(selector_matches("https://example.com/foo/bar", "https://example.com/{foo}/bar"));
    CHECK_FALSE(
        selector_matches("https://example.com/foo/bar/baz", "https://example.com/{foo}/bar"));
    CHECK(selector_matches("https://example.com/kevin/dunglas",
                           "https://example.com/{fistname}/{lastname}"));
    CHECK(selector_matches("https://example.com/foo/bar", "*"));
    CHECK(selector_matches("https://example.com/foo/bar", "https://example.com/foo/bar"));
    CHECK(selector_matches("foo", "foo"));
    // A selector that is not a valid URI Template falls back to exact-only.
    CHECK_FALSE(selector_matches("foo", "{invalid"));
    CHECK(selector_matches("{invalid", "{invalid"));
    CHECK(selector(std::string_view("{invalid"))->type() == matcher_type::exact);
    CHECK(selector(std::string_view("https://example.com/{foo}"))->type() ==
          matcher_type::uritemplate);
    CHECK(selector(std::string_view("https://example.com/foo"))->type() == matcher_type::exact);
}

TEST_CASE("mercure v0.24.2 topicselector_test.go TestMatchCacheKeyNoCollision") {
    matcher_cache cache;
    auto m = cache.get_topic_selector("https://example.com/{x}");
    REQUIRE(m.matcher);
    CHECK(m.matcher->matches(topic("https://example.com/a")));
    CHECK_FALSE(m.matcher->matches(topic("https://other.com/a")));
    // The cached answer is the same the second time.
    CHECK(cache.get_topic_selector("https://example.com/{x}").matcher == m.matcher);
    CHECK_FALSE(m.matcher->matches(topic("https://other.com/a")));
}

TEST_CASE("mercure v0.24.2 subscriber_test.go TestMatchTopic (URI template selectors)") {
    const auto subscribed =
        selectors({"https://example.com/no-match", "https://example.com/books/{id}"});
    const auto allowed = selectors({"https://example.com/users/foo/{?topic}"});

    CHECK_FALSE(subscriber_match(subscribed, allowed,
                                 topics({"https://example.com/not-subscribed"}), false));
    CHECK_FALSE(subscriber_match(subscribed, allowed,
                                 topics({"https://example.com/not-subscribed"}), true));
    CHECK_FALSE(
        subscriber_match(subscribed, allowed, topics({"https://example.com/no-match"}), true));
    CHECK_FALSE(
        subscriber_match(subscribed, allowed, topics({"https://example.com/books/1"}), true));
    CHECK_FALSE(subscriber_match(
        subscribed, allowed,
        topics({"https://example.com/books/1",
                "https://example.com/users/bar/?topic=https%3A%2F%2Fexample.com%2Fbooks%2F1"}),
        true));
    CHECK(subscriber_match(subscribed, allowed, topics({"https://example.com/books/1"}), false));
    CHECK(subscriber_match(
        subscribed, allowed,
        topics({"https://example.com/books/1",
                "https://example.com/users/foo/?topic=https%3A%2F%2Fexample.com%2Fbooks%2F1"}),
        true));
}

TEST_CASE("mercure HEAD subscriber_test.go TestMatchTopic (exact part)") {
    const auto subscribed = exacts({"https://example.com/no-match"});
    const std::vector<matcher_ptr> allowed; // its URL pattern grant is in the urlpattern tests
    CHECK_FALSE(subscriber_match(subscribed, allowed,
                                 topics({"https://example.com/not-subscribed"}), false));
    CHECK_FALSE(
        subscriber_match(subscribed, allowed, topics({"https://example.com/no-match"}), true));
    CHECK(subscriber_match(subscribed, allowed, topics({"https://example.com/no-match"}), false));
}

TEST_CASE("mercure v0.24.2 authorization_test.go TestCanReceive") {
    CHECK(covers_any(selectors({"foo", "bar"}), topics({"foo", "bar"})));
    CHECK(covers_any(selectors({"bar"}), topics({"foo", "bar"})));
    CHECK(covers_any(selectors({"*"}), topics({"foo", "bar"})));
    CHECK_FALSE(covers_any(selectors({}), topics({"foo", "bar"})));
    CHECK_FALSE(covers_any(selectors({"baz"}), topics({"foo", "bar"})));
    CHECK_FALSE(covers_any(selectors({"baz", "bat"}), topics({"foo", "bar"})));
}

TEST_CASE("mercure v0.24.2 authorization_test.go TestCanDispatch") {
    CHECK(covers_all(selectors({"foo", "bar"}), topics({"foo", "bar"})));
    CHECK(covers_all(selectors({"*"}), topics({"foo", "bar"})));
    CHECK_FALSE(covers_all(selectors({}), topics({"foo", "bar"})));
    CHECK_FALSE(covers_all(selectors({"foo"}), topics({"foo", "bar"})));
    CHECK_FALSE(covers_all(selectors({"baz"}), topics({"foo", "bar"})));
    CHECK_FALSE(covers_all(selectors({"baz", "bat"}), topics({"foo", "bar"})));
}

TEST_CASE("mercure HEAD authorizationdetails_test.go TestMercureAuthzGrants (exact part) and "
          "TestMercureAuthzWildcard") {
    const auto publish = exacts({"https://example.com/pub"});
    CHECK(covers_all(publish, topics({"https://example.com/pub"})));
    CHECK_FALSE(covers_all(publish, topics({"https://example.com/books/42"})));
    CHECK_FALSE(covers_all(publish, topics({"https://example.com/pub", "https://example.com/x"})));
    const auto wildcard = exacts({"*"});
    CHECK(covers_all(wildcard, topics({"anything"})));
    CHECK(covers_any(wildcard, topics({"https://example.com/x"})));
}

TEST_CASE("mercure HEAD subscribematchers_test.go TestParseMatchersInvalidValue: controls, DEL, "
          "C1 and invalid UTF-8 are refused") {
    for (std::string v : {std::string("foo\0bar", 7), std::string("foo\nbar"), std::string("\x7f"),
                          std::string("\xC2\x85"), std::string("\xff")}) {
        CHECK_FALSE(compile(matcher_type::exact, v).matcher);
    }
}

TEST_CASE("mercure HEAD subscribematchers_test.go TestParseMatchersLimits: an over-long pattern") {
    matcher_limits limits;
    CHECK_FALSE(
        compile(matcher_type::exact, std::string(limits.max_pattern_bytes + 1, 'a')).matcher);
    CHECK(compile(matcher_type::exact, std::string(limits.max_pattern_bytes, 'a')).matcher);
}

TEST_CASE("draft-08 Subscribers: a routing matcher never widens what a private update reaches") {
    // The spec's example: the token grants books/1 and books/7 only.
    const auto allowed = exacts({"https://example.com/books/1", "https://example.com/books/7"});
    CHECK(covers_any(allowed, topics({"https://example.com/books/1"})));
    CHECK_FALSE(covers_any(allowed, topics({"https://example.com/books/2"})));
    // An alternate topic the token grants lets the update through.
    CHECK(covers_any(allowed,
                     topics({"https://example.com/books/2", "https://example.com/books/7"})));
}

TEST_CASE("mercure v0.24.2 subscribe_test.go subscribe(): exact, template and invalid-template "
          "selectors") {
    const auto subscribed =
        selectors({"https://example.com/books/1", "string", "https://example.com/reviews/{id}",
                   "https://example.com/hub?topic=faulty{iri"});
    CHECK_FALSE(covers_any(subscribed, topics({"https://example.com/not-subscribed"})));
    CHECK(covers_any(subscribed, topics({"https://example.com/books/1"})));
    CHECK(covers_any(subscribed, topics({"https://example.com/reviews/22"})));
    CHECK(covers_any(subscribed, topics({"https://example.com/hub?topic=faulty{iri"})));
    CHECK(covers_any(subscribed, topics({"string"})));
}

TEST_CASE("mercure v0.24.2 subscribe_test.go TestSubscribeLogLevelInfo: subscription events "
          "match the subscriptions template") {
    // Subscription topics escape the topic and the subscriber id
    // (url.QueryEscape in subscriber.go), so `{topic}` holds one segment.
    const auto m = selector("/.well-known/mercure/subscriptions/{topic}/{subscriber}");
    CHECK(m->matches(topic("/.well-known/mercure/subscriptions/https%3A%2F%2Fexample.com/"
                           "urn%3Auuid%3A5f6e2a5e-2a3b-4d47-9c1e-0a5f2c0e1d2b")));
    CHECK_FALSE(m->matches(topic("/.well-known/mercure/subscriptions/https://example.com/"
                                 "urn:uuid:5f6e2a5e-2a3b-4d47-9c1e-0a5f2c0e1d2b")));
    CHECK_FALSE(m->matches(topic("https://example.com")));
}

TEST_CASE("mercure v0.24.2 subscription_test.go: which subscription URLs a template grant covers") {
    const auto foo = selectors({"/.well-known/mercure/subscriptions/foo{/subscriber}"});
    CHECK_FALSE(covers_any(foo, topics({"/.well-known/mercure/subscriptions"})));
    CHECK_FALSE(covers_any(foo, topics({"/.well-known/mercure/subscriptions/bar"})));
    CHECK_FALSE(covers_any(foo, topics({"/.well-known/mercure/subscriptions/bar/baz"})));
    CHECK(covers_any(foo, topics({"/.well-known/mercure/subscriptions/foo"})));
    CHECK(covers_any(foo, topics({"/.well-known/mercure/subscriptions/foo/urn%3Auuid%3A1"})));

    const auto all = selectors({"/.well-known/mercure/subscriptions{/topic}{/subscriber}"});
    CHECK(covers_any(all, topics({"/.well-known/mercure/subscriptions"})));
    CHECK(covers_any(all, topics({"/.well-known/mercure/subscriptions/"
                                  "https%3A%2F%2Fexample.com%2F%7Bfoo%7D/urn%3Auuid%3A1"})));
    CHECK_FALSE(covers_any(all, topics({"/.well-known/mercure/subscriptions/a/b/c"})));
}
