#include "herald/match/url_pattern.hpp"

#include "catch.hpp"

#include <thread>
#include <vector>

using herald::match::url;
using herald::match::url_pattern;
using herald::match::url_pattern_init;

namespace {

const std::string hub = "https://localhost:4321/.well-known/mercure";

} // namespace

TEST_CASE("a string pattern is split into components with normalised pattern strings") {
    std::string error;
    auto p =
        url_pattern::compile("HTTPS://*.Example.com:8443/books/:id(\\d+)\\?q=*#top", hub, error);
    INFO(error);
    REQUIRE(p);
    CHECK(p->protocol() == "https");
    CHECK(p->username() == "*");
    CHECK(p->password() == "*");
    CHECK(p->hostname() == "*.example.com");
    CHECK(p->port() == "8443");
    CHECK(p->pathname() == "/books/:id(\\d+)");
    CHECK(p->search() == "q=*");
    CHECK(p->hash() == "top");
    CHECK(p->has_regexp_groups());
    CHECK(p->test("https://a.example.com:8443/books/12?q=x#top", hub));
    CHECK_FALSE(p->test("https://a.example.com:8443/books/x?q=x#top", hub));
}

TEST_CASE("a '?' right after a group is the group's modifier, not the start of the search") {
    std::string error;
    auto p = url_pattern::compile("https://example.com/books/:id(\\d+)?q=*", hub, error);
    REQUIRE(p);
    CHECK(p->pathname() == "/books/:id(\\d+)?q=*");
    CHECK(p->search() == "*");
    CHECK(p->test("https://example.com/booksq=", hub));
}

TEST_CASE("a relative pattern inherits the hub's scheme, host and port but not its query") {
    std::string error;
    auto p = url_pattern::compile("/books/:id", hub, error);
    REQUIRE(p);
    CHECK(p->protocol() == "https");
    CHECK(p->hostname() == "localhost");
    CHECK(p->port() == "4321");
    CHECK(p->pathname() == "/books/:id");
    CHECK(p->search() == "*");
    CHECK_FALSE(p->has_regexp_groups());
}

TEST_CASE("a pattern given component by component leaves the others as wildcards") {
    std::string error;
    url_pattern_init init;
    init.pathname = "/books/:id";
    auto p = url_pattern::compile(init, error);
    REQUIRE(p);
    CHECK(p->protocol() == "*");
    CHECK(p->test("wss://anything/books/1", ""));
    CHECK(p->test("urn:x", "") == false);
    url_pattern_init input;
    input.pathname = "/books/1";
    CHECK(p->test(input));
    input.pathname = "/books/1/2";
    CHECK_FALSE(p->test(input));
    init.base_url = "not a url";
    CHECK_FALSE(url_pattern::compile(init, error));
    CHECK_FALSE(error.empty());
}

TEST_CASE("a parsed URL and its string are tested alike") {
    std::string error;
    auto p = url_pattern::compile("https://example.com/:a/:b", "", error);
    REQUIRE(p);
    auto u = url::parse("https://example.com/x/y");
    REQUIRE(u);
    CHECK(p->test(*u));
    CHECK(p->test("https://example.com/x/y", ""));
    CHECK_FALSE(p->test("/x/y", ""));          // relative, and no base
    CHECK_FALSE(p->test("/x/y", "not a url")); // relative, and an invalid base
}

TEST_CASE("opaque-path patterns match opaque-path URLs") {
    std::string error;
    // In pattern syntax ":isbn" is a named group, so the path's colons are
    // escaped; an escaped colon still ends the protocol.
    auto p = url_pattern::compile("urn\\:isbn\\:*", "", error);
    INFO(error);
    REQUIRE(p);
    CHECK(p->protocol() == "urn");
    CHECK(p->pathname() == "isbn\\:*");
    CHECK(p->test("urn:isbn:0451450523", ""));
    CHECK(p->test("URN:isbn:0451450523", ""));
    CHECK_FALSE(p->test("urn:ISBN:0451450523", ""));
    CHECK_FALSE(p->test("urn:issn:0451450523", ""));
    CHECK_FALSE(p->test("https://example.com/isbn:1", ""));
    // Unescaped, the standard reads the protocol as "urn" and a group named
    // isbn: a pattern that matches no URN at all.
    auto unescaped = url_pattern::compile("urn:isbn:*", "", error);
    REQUIRE(unescaped);
    CHECK(unescaped->protocol() == "urn:isbn");
    CHECK_FALSE(unescaped->test("urn:isbn:0451450523", ""));
    auto mail = url_pattern::compile("mailto:*@example.com", "", error);
    REQUIRE(mail);
    CHECK(mail->test("mailto:alice@example.com", ""));
    CHECK_FALSE(mail->test("mailto:alice@example.com.evil", ""));
}

TEST_CASE("a default-constructed pattern matches nothing") {
    url_pattern p;
    CHECK_FALSE(p.test("https://example.com/", ""));
    CHECK_FALSE(p.test(url_pattern_init{}));
    CHECK(p.pathname().empty());
}

TEST_CASE("a compiled pattern is shared by copies and tested from many threads") {
    std::string error;
    auto p = url_pattern::compile("https://example.com/books/:id", "", error);
    REQUIRE(p);
    const url_pattern copy = *p;
    std::vector<std::thread> threads;
    std::vector<int> hits(4, 0);
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 2000; ++i)
                hits[static_cast<std::size_t>(t)] +=
                    copy.test("https://example.com/books/" + std::to_string(i), "") ? 1 : 0;
        });
    for (auto& thread : threads)
        thread.join();
    for (int h : hits)
        CHECK(h == 2000);
}

TEST_CASE("a pattern's search text is encoded as the topics it matches are") {
    std::string error;
    auto p = url_pattern::compile("https://example.com/\\?q=it's", "", error);
    INFO(error);
    REQUIRE(p);
    CHECK(p->search() == "q=it%27s");
    CHECK(p->test("https://example.com/?q=it's", ""));
    CHECK(p->test("https://example.com/?q=it%27s", ""));
    auto opaque = url_pattern::compile("foo\\://h/\\?q=it's", "", error);
    REQUIRE(opaque);
    CHECK(opaque->test("foo://h/?q=it's", ""));
}
