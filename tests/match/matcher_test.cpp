#include "herald/match/matcher.hpp"

#include "catch.hpp"

#include <string>
#include <vector>

using namespace herald::match;

namespace {

matcher_ptr must_compile(matcher_type type, std::string_view pattern) {
    compile_result r = compile(type, pattern, "https://example.com/.well-known/mercure");
    INFO(r.error);
    REQUIRE(r.matcher);
    return r.matcher;
}

bool matches(const matcher_ptr& m, std::string value) {
    return m->matches(topic(std::move(value)));
}

} // namespace

TEST_CASE("matcher type names are the spec's, case-sensitive") {
    CHECK(matcher_type_from_name("exact") == matcher_type::exact);
    CHECK(matcher_type_from_name("urlpattern") == matcher_type::urlpattern);
    CHECK(matcher_type_from_name("uritemplate") == matcher_type::uritemplate);
    CHECK_FALSE(matcher_type_from_name("Exact"));
    CHECK_FALSE(matcher_type_from_name("URLPattern"));
    CHECK_FALSE(matcher_type_from_name(""));
    CHECK_FALSE(matcher_type_from_name("regex"));
    CHECK_FALSE(matcher_type_from_name("exact "));
    for (auto t : {matcher_type::exact, matcher_type::urlpattern, matcher_type::uritemplate}) {
        CHECK(matcher_type_from_name(matcher_type_name(t)) == t);
    }
}

TEST_CASE("an exact matcher compares the bytes and nothing else") {
    auto m = must_compile(matcher_type::exact, "https://example.com/books/1");
    CHECK(m->type() == matcher_type::exact);
    CHECK(m->pattern() == "https://example.com/books/1");
    CHECK_FALSE(m->is_wildcard());
    CHECK(matches(m, "https://example.com/books/1"));
    CHECK_FALSE(matches(m, "https://example.com/books/10"));
    CHECK_FALSE(matches(m, "https://example.com/books/"));
    CHECK_FALSE(matches(m, ""));
}

TEST_CASE("an exact matcher never normalises: case, escapes, dots, slashes, ports differ") {
    auto m = must_compile(matcher_type::exact, "https://example.com/books/1");
    for (const char* other : {
             "HTTPS://example.com/books/1",
             "https://EXAMPLE.com/books/1",
             "https://example.com/Books/1",
             "https://example.com/books/1/",
             "https://example.com/books//1",
             "https://example.com/books/./1",
             "https://example.com/books/x/../1",
             "https://example.com/books/%31",
             "https://example.com/%62ooks/1",
             "https://example.com:443/books/1",
             "https://example.com/books/1#",
             "https://example.com/books/1?",
             "/books/1",
             "https://example.com/books/1 ",
             " https://example.com/books/1",
         }) {
        INFO(other);
        CHECK_FALSE(matches(m, other));
    }
}

TEST_CASE("an exact matcher does not resolve relative topics against the hub") {
    auto m = must_compile(matcher_type::exact, "books/1");
    CHECK(matches(m, "books/1"));
    CHECK_FALSE(matches(m, "https://example.com/.well-known/books/1"));
    CHECK_FALSE(matches(m, "/books/1"));
}

TEST_CASE("an exact matcher compares percent-escapes as they are written") {
    auto m = must_compile(matcher_type::exact, "https://example.com/a%2Fb");
    CHECK(matches(m, "https://example.com/a%2Fb"));
    CHECK_FALSE(matches(m, "https://example.com/a%2fb"));
    CHECK_FALSE(matches(m, "https://example.com/a/b"));
}

TEST_CASE("an exact matcher compares non-ASCII bytes without Unicode normalisation") {
    // "é" precomposed (U+00E9) and decomposed (e + U+0301) are different topics.
    auto m = must_compile(matcher_type::exact, "https://example.com/caf\xC3\xA9");
    CHECK(matches(m, "https://example.com/caf\xC3\xA9"));
    CHECK_FALSE(matches(m, "https://example.com/cafe\xCC\x81"));
    CHECK_FALSE(matches(m, "https://example.com/caf%C3%A9"));
}

TEST_CASE("* matches every topic whatever the type") {
    for (auto t : {matcher_type::exact, matcher_type::urlpattern, matcher_type::uritemplate}) {
        INFO(matcher_type_name(t));
        auto m = must_compile(t, "*");
        CHECK(m->is_wildcard());
        CHECK(m->type() == t);
        CHECK(matches(m, "https://example.com/books/1"));
        CHECK(matches(m, "anything at all"));
        CHECK(matches(m, ""));
        CHECK(matches(m, "*"));
    }
}

TEST_CASE("* is the wildcard only as the whole value") {
    for (const char* p : {"**", " *", "* ", "https://example.com/*", "*/books", "\\*"}) {
        INFO(p);
        auto m = must_compile(matcher_type::exact, p);
        CHECK_FALSE(m->is_wildcard());
        CHECK(matches(m, p));
        CHECK_FALSE(matches(m, "https://example.com/books/1"));
        CHECK_FALSE(matches(m, "*"));
    }
}

TEST_CASE("a pattern over the byte limit is refused with a message naming the limit") {
    matcher_limits limits;
    limits.max_pattern_bytes = 16;
    for (auto t : {matcher_type::exact, matcher_type::urlpattern, matcher_type::uritemplate}) {
        auto r = compile(t, std::string(17, 'a'), {}, limits);
        CHECK_FALSE(r.matcher);
        CHECK(r.error.find("16 bytes") != std::string::npos);
        CHECK(compile(matcher_type::exact, std::string(16, 'a'), {}, limits).matcher);
    }
}

TEST_CASE("patterns with invalid UTF-8, controls or format characters are refused") {
    for (std::string p : {
             std::string("https://example.com/\xFF"),
             std::string("https://example.com/\xC0\xAF"),     // overlong '/'
             std::string("https://example.com/\xED\xA0\x80"), // surrogate
             std::string("https://example.com/\xC3"),         // truncated
             std::string("a\0b", 3), std::string("a\nb"), std::string("a\x7F"),
             std::string("a\xC2\x85"),     // U+0085, C1
             std::string("a\xE2\x80\x8B"), // U+200B zero width space
             std::string("a\xE2\x80\xAE"), // U+202E right-to-left override
             std::string("a\xEF\xBB\xBF"), // U+FEFF
         }) {
        for (auto t : {matcher_type::exact, matcher_type::uritemplate}) {
            auto r = compile(t, p);
            CHECK_FALSE(r.matcher);
            CHECK_FALSE(r.error.empty());
        }
    }
    CHECK(compile(matcher_type::exact, "https://example.com/caf\xC3\xA9/\xF0\x9F\x98\x80").matcher);
}

TEST_CASE("covers_any is true when some matcher matches some topic") {
    std::vector<matcher_ptr> grants{
        must_compile(matcher_type::exact, "https://example.com/books/1"),
        must_compile(matcher_type::exact, "https://example.com/books/7")};
    std::vector<topic> one{topic("https://example.com/books/1")};
    std::vector<topic> two{topic("https://example.com/books/2")};
    std::vector<topic> alternate{topic("https://example.com/books/2"),
                                 topic("https://example.com/books/7")};
    CHECK(covers_any(grants, one));
    CHECK_FALSE(covers_any(grants, two));
    CHECK(covers_any(grants, alternate));
    CHECK_FALSE(covers_any({}, one));
    CHECK_FALSE(covers_any(grants, {}));
    std::vector<matcher_ptr> all{must_compile(matcher_type::exact, "*")};
    CHECK(covers_any(all, two));
    CHECK_FALSE(covers_any(all, {}));
}

TEST_CASE("a matcher's literal prefix starts every topic it matches") {
    CHECK(must_compile(matcher_type::exact, "https://example.com/a")->literal_prefix() ==
          "https://example.com/a");
    CHECK(must_compile(matcher_type::exact, "*")->literal_prefix().empty());
    CHECK(must_compile(matcher_type::uritemplate, "*")->literal_prefix().empty());
    CHECK(must_compile(matcher_type::uritemplate, "https://example.com/a%20b/{id}/c")
              ->literal_prefix() == "https://example.com/a%20b/");
    CHECK(must_compile(matcher_type::uritemplate, "https://example.com/caf\xC3\xA9/{id}")
              ->literal_prefix() == "https://example.com/caf");
    CHECK(must_compile(matcher_type::uritemplate, "{+all}")->literal_prefix().empty());
    CHECK(must_compile(matcher_type::uritemplate, "https://example.com/x")->literal_prefix() ==
          "https://example.com/x");
}

TEST_CASE("a second unescaped ? in a URL pattern's search is refused, not read as a new search") {
    // In the search, `?` is a modifier with nothing to modify; it does not
    // start the search again (which would silently match "?y" alone).
    for (const char* pattern : {"https://example.com/a?x?y", "https://example.com/a?x=1&y=?"}) {
        INFO(pattern);
        const auto r =
            compile(matcher_type::urlpattern, pattern, "https://example.com/.well-known/mercure");
        CHECK_FALSE(r.matcher);
        CHECK_FALSE(r.error.empty());
    }
    const auto escaped = must_compile(matcher_type::urlpattern, "https://example.com/a?x\\?y");
    CHECK(matches(escaped, "https://example.com/a?x?y"));
    CHECK_FALSE(matches(escaped, "https://example.com/a?y"));
    CHECK_FALSE(matches(escaped, "https://example.com/a?x"));
}
