// Attacks on URL Pattern matchers. Subscribers send patterns, and the same
// patterns in access tokens decide who receives private updates: a pattern
// must never match more than it says (a leak), never cost more than linear
// time (a denial of service), and never be fooled by a second spelling of a
// URL.
#include "herald/match/url_pattern.hpp"

#include "catch.hpp"

#include <string>

using herald::match::url_pattern;
using herald::match::url_pattern_limits;

namespace {

const std::string hub = "https://localhost:4321/.well-known/mercure";

url_pattern compile(std::string_view pattern) {
    std::string error;
    auto p = url_pattern::compile(pattern, hub, error);
    INFO(pattern << ": " << error);
    REQUIRE(p);
    return *p;
}

bool matches(std::string_view pattern, std::string_view topic) {
    return compile(pattern).test(topic, hub);
}

} // namespace

TEST_CASE("catastrophic-backtracking classics compile to linear-time matchers or are refused") {
    const std::string long_a = std::string(100'000, 'a');
    for (const char* pattern : {"/((?:a+)+)b", "/((?:a|a)*)b", "/((?:a*)*)b", "/((?:a|aa)+)b",
                                "/((?:.*a){10})b", "/(.*.*.*.*.*.*.*.*)b", "/:x((?:[a-z]+)+)b"}) {
        std::string error;
        auto p = url_pattern::compile(pattern, hub, error);
        INFO(pattern << ": " << error);
        if (!p) {
            CHECK_FALSE(error.empty());
            continue;
        }
        CHECK_FALSE(p->test("/" + long_a, hub));
        CHECK(p->test("/" + long_a + "b", hub));
    }
}

TEST_CASE("a 100 kB topic is matched or refused by every kind of pattern") {
    const std::string segment(100'000, 'x');
    CHECK(matches("https://example.com/*", "https://example.com/" + segment));
    CHECK(matches("https://example.com/:id", "https://example.com/" + segment));
    CHECK_FALSE(matches("https://example.com/:a/:b", "https://example.com/" + segment));
    CHECK_FALSE(matches("https://example.com/:a+/end", "https://example.com/" + segment));
    std::string many_segments;
    for (int i = 0; i < 20'000; ++i)
        many_segments += "/ab";
    CHECK(matches("https://example.com/:a+", "https://example.com" + many_segments));
    CHECK_FALSE(matches("https://example.com/:a+/c", "https://example.com" + many_segments));
    CHECK(matches("https://example.com/*/ab", "https://example.com" + many_segments));
}

TEST_CASE("a pattern over the byte limit is refused with a clear error") {
    std::string error;
    const std::string pattern = "https://example.com/" + std::string(2000, 'a');
    CHECK_FALSE(url_pattern::compile(pattern, hub, error));
    CHECK(error.find("too long") != std::string::npos);
    url_pattern_limits generous;
    generous.max_pattern_bytes = 4096;
    CHECK(url_pattern::compile(pattern, hub, error, generous));
}

TEST_CASE("a pattern whose program is too large is refused, not run slowly") {
    std::string error;
    CHECK_FALSE(url_pattern::compile("/((?:a{1000}){1000})", hub, error));
    CHECK_FALSE(error.empty());
    std::string big = "/(";
    for (int i = 0; i < 11; ++i)
        big += i % 2 ? "[0-9]{1000}" : "[a-z]{1000}";
    big += ")";
    CHECK_FALSE(url_pattern::compile(big, hub, error));
    CHECK(error.find("too complex") != std::string::npos);
    url_pattern_limits tight;
    tight.max_program_size = 50;
    CHECK_FALSE(url_pattern::compile("/:a/:b/:c/:d/:e/:f", hub, error, tight));
    CHECK(error.find("too complex") != std::string::npos);
}

TEST_CASE("regexp features RE2 lacks are refused with a message naming them") {
    std::string error;
    CHECK_FALSE(url_pattern::compile("/((?=admin).*)", hub, error));
    CHECK(error.find("lookahead") != std::string::npos);
    CHECK_FALSE(url_pattern::compile("/((?!admin).*)", hub, error));
    CHECK(error.find("lookahead") != std::string::npos);
    CHECK_FALSE(url_pattern::compile("/((?<=a)b)", hub, error));
    CHECK(error.find("lookbehind") != std::string::npos);
    CHECK_FALSE(url_pattern::compile("/((?:a)\\1)", hub, error));
    CHECK(error.find("backreference") != std::string::npos);
    CHECK_FALSE(url_pattern::compile("/([[a-z]--[aeiou]])", hub, error));
    CHECK(error.find("set operations") != std::string::npos);
}

TEST_CASE("a regexp group cannot regroup the generated expression or use RE2-only syntax") {
    std::string error;
    // A '(' that RE2 reads as a class member would unbalance the groups the
    // tokenizer counted: "/books/" would no longer be required.
    CHECK_FALSE(url_pattern::compile("/books/:id([(?]).*|(?:[)])", hub, error));
    CHECK(error.find("character class") != std::string::npos);
    for (const char* pattern : {"/(a\\C)", "/(\\Q)\\E)", "/(\\Aa)", "/(a\\z)", "/((?U)a+)",
                                "/((?i)a)", "/((?P<n>a))", "/([/])", "/([|])"}) {
        INFO(pattern);
        CHECK_FALSE(url_pattern::compile(pattern, hub, error));
        CHECK_FALSE(error.empty());
    }
    // What JavaScript and RE2 read alike is accepted.
    for (const char* pattern : {"/(\\d+)", "/([^\\/]+)", "/((?<n>a)b)", "/((?i:a)b)", "/(\\u0041)",
                                "/(\\x41)", "/([\\(\\)])", "/(\\p{L}+)"}) {
        INFO(pattern << ": " << error);
        CHECK(url_pattern::compile(pattern, hub, error));
    }
    CHECK(matches("/(\\u0041\\u{42})", "/AB"));
    CHECK(matches("/((?i:a)b)", "/Ab"));
    CHECK_FALSE(matches("/((?i:a)b)", "/AB"));
}

TEST_CASE("a protocol that is more than a scheme is refused, not cut to the scheme") {
    herald::match::url_pattern_init init;
    init.protocol = "https\\:evil";
    std::string error;
    CHECK_FALSE(url_pattern::compile(init, error));
    CHECK(error.find("protocol") != std::string::npos);
    init.protocol = "HTTPS";
    auto p = url_pattern::compile(init, error);
    REQUIRE(p);
    CHECK(p->protocol() == "https");
}

TEST_CASE("invalid pattern syntax is refused") {
    std::string error;
    for (const char* pattern : {"/:", "/(", "/((a))", "/(?:a)", "/()", "/:id/:id", "/{a", "/a}",
                                "/\\", "/(caf\xc3\xa9)"}) {
        INFO(pattern);
        CHECK_FALSE(url_pattern::compile(pattern, hub, error));
        CHECK_FALSE(error.empty());
    }
    CHECK_FALSE(url_pattern::compile("/relative/:id", "", error));
    CHECK_FALSE(url_pattern::compile("/relative/:id", "not a url", error));
}

TEST_CASE("the path is case-sensitive and the host is not") {
    CHECK_FALSE(matches("https://example.com/books/:id", "https://example.com/Books/1"));
    CHECK_FALSE(matches("https://example.com/books/:id", "https://example.com/BOOKS/1"));
    CHECK(matches("https://example.com/books/:id", "https://EXAMPLE.com/books/1"));
    CHECK(matches("https://EXAMPLE.COM/books/:id", "https://example.com/books/1"));
    CHECK(matches("HTTPS://example.com/books/:id", "https://example.com/books/1"));
    CHECK_FALSE(matches("https://example.com/books/:id?x=A", "https://example.com/books/1?x=a"));
}

TEST_CASE("percent-encoding and dot segments cannot climb out of a path prefix") {
    const char* pattern = "https://example.com/public/*";
    CHECK(matches(pattern, "https://example.com/public/1"));
    CHECK_FALSE(matches(pattern, "https://example.com/public/../private/1"));
    CHECK_FALSE(matches(pattern, "https://example.com/public/%2e%2e/private/1"));
    CHECK_FALSE(matches(pattern, "https://example.com/public/%2E%2E/private/1"));
    CHECK_FALSE(matches(pattern, "https://example.com/public/.%2e/private/1"));
    CHECK_FALSE(matches(pattern, "https://example.com/public\\..\\private/1"));
    CHECK_FALSE(
        matches(pattern, "https://example.com/%70ublic/1")); // %70 is 'p', but stays encoded
    // An encoded slash is one segment: a named group takes it, literal text does not.
    CHECK(matches("https://example.com/public/:id", "https://example.com/public/a%2Fb"));
    CHECK_FALSE(matches("https://example.com/public/a/b", "https://example.com/public/a%2Fb"));
    CHECK_FALSE(matches("https://example.com/public/:id", "https://example.com/public/a/b"));
}

TEST_CASE("a look-alike host never matches") {
    const char* pattern = "https://example.com/*";
    CHECK(matches(pattern, "https://example.com/x"));
    CHECK_FALSE(matches(pattern, "https://example.com.evil/x"));
    CHECK_FALSE(matches(pattern, "https://example.com.evil.com/x"));
    CHECK_FALSE(matches(pattern, "https://evil.com/https://example.com/x"));
    CHECK_FALSE(matches(pattern, "https://example.com@evil.com/x"));
    CHECK_FALSE(matches(pattern, "https://evil.com\\@example.com/x"));
    CHECK_FALSE(matches(pattern, "https://evil.com#@example.com/x"));
    CHECK_FALSE(matches(pattern, "https://evil.com?@example.com/x"));
    CHECK_FALSE(matches(pattern, "https://examp1e.com/x"));
    CHECK_FALSE(matches(pattern, "https://ex\xd0\xb0mple.com/x")); // Cyrillic 'а'
    CHECK_FALSE(matches(pattern, "https://xn--exmple-cua.com/x"));
    CHECK_FALSE(matches(pattern, "http://example.com/x"));
    CHECK_FALSE(matches(pattern, "wss://example.com/x"));
    // The pattern names no userinfo, so any is accepted (the standard's '*');
    // the host is still example.com.
    CHECK(matches(pattern, "https://user:pass@example.com/x"));
    CHECK_FALSE(matches("https://alice@example.com/*", "https://bob@example.com/x"));
}

TEST_CASE("a subdomain wildcard matches subdomains only") {
    const char* pattern = "https://*.example.com/*";
    CHECK(matches(pattern, "https://a.example.com/x"));
    CHECK(matches(pattern, "https://a.b.example.com/x"));
    CHECK_FALSE(matches(pattern, "https://example.com/x"));
    CHECK_FALSE(matches(pattern, "https://evilexample.com/x"));
    CHECK_FALSE(matches(pattern, "https://a.example.com.evil/x"));
    CHECK_FALSE(matches(pattern, "https://evil.com/.example.com/x"));
    CHECK_FALSE(matches(pattern, "https://evil.com/a.example.com"));
    const char* one_label = "https://:sub.example.com/*";
    CHECK(matches(one_label, "https://a.example.com/x"));
    CHECK_FALSE(matches(one_label, "https://a.b.example.com/x"));
}

TEST_CASE("a port must be the pattern's port, the default port is no port") {
    const char* pattern = "https://example.com/*";
    CHECK(matches(pattern, "https://example.com:443/x"));
    CHECK_FALSE(matches(pattern, "https://example.com:8443/x"));
    CHECK_FALSE(matches(pattern, "https://example.com:4430/x"));
    CHECK(matches("https://example.com:8443/*", "https://example.com:8443/x"));
    CHECK_FALSE(matches("https://example.com:8443/*", "https://example.com/x"));
    CHECK_FALSE(matches("https://example.com:8443/*", "https://example.com:84430/x"));
    CHECK(matches("https://example.com:443/*", "https://example.com/x"));
}

TEST_CASE("an international host and its punycode form match the same patterns") {
    CHECK(matches("https://xn--mller-kva.de/*", "https://m\xc3\xbcller.de/x"));
    CHECK(matches("https://m\xc3\xbcller.de/*", "https://xn--mller-kva.de/x"));
    CHECK(matches("https://M\xc3\x9cLLER.de/*", "https://xn--mller-kva.de/x"));
    CHECK(matches("https://m\xc3\xbcller.de/*", "https://XN--MLLER-KVA.DE/x"));
    CHECK_FALSE(matches("https://mueller.de/*", "https://m\xc3\xbcller.de/x"));
    CHECK_FALSE(matches("https://muller.de/*", "https://m\xc3\xbcller.de/x"));
    // IDNA maps full-width letters to ASCII: the same host, by the standard.
    CHECK(matches("https://example.com/*", "https://"
                                           "\xef\xbd\x85\xef\xbd\x98\xef\xbd\x81\xef\xbd\x8d\xef"
                                           "\xbd\x90\xef\xbd\x8c\xef\xbd\x85.com/x"));
}

TEST_CASE("IP address hosts match in every spelling of the address") {
    CHECK(matches("https://127.0.0.1/*", "https://0x7f.0.0.1/x"));
    CHECK(matches("https://127.0.0.1/*", "https://2130706433/x"));
    CHECK(matches("https://127.0.0.1/*", "https://0177.1/x"));
    CHECK_FALSE(matches("https://127.0.0.1/*", "https://127.0.0.2/x"));
    // In pattern syntax ':' starts a named group: an IPv6 pattern escapes it,
    // and is compared as written, lower-cased (the standard does no more).
    CHECK(matches("https://[\\:\\:1]/*", "https://[0:0::1]/x"));
    CHECK(matches("https://[2001\\:DB8\\:\\:1]/*", "https://[2001:db8:0:0:0:0:0:1]/x"));
    CHECK_FALSE(matches("https://[\\:\\:1]/*", "https://[::2]/x"));
    CHECK_FALSE(matches("https://[\\:\\:1]/*", "https://[::1:0]/x"));
    std::string error;
    CHECK_FALSE(url_pattern::compile("https://[::1]/*", hub, error));
}

TEST_CASE("relative patterns and relative topics resolve against the hub's URL") {
    const char* pattern = "/.well-known/mercure/subscriptions/:topic/:subscriber";
    CHECK(matches(pattern, "/.well-known/mercure/subscriptions/t/s"));
    CHECK(matches(pattern, "https://localhost:4321/.well-known/mercure/subscriptions/t/s"));
    CHECK_FALSE(matches(pattern, "https://localhost:4322/.well-known/mercure/subscriptions/t/s"));
    CHECK_FALSE(matches(pattern, "http://localhost:4321/.well-known/mercure/subscriptions/t/s"));
    CHECK_FALSE(matches(pattern, "https://example.com/.well-known/mercure/subscriptions/t/s"));
    CHECK_FALSE(matches(pattern, "/.well-known/mercure/subscriptions/t"));
    CHECK(matches("books/:id", "/.well-known/books/1"));
    CHECK_FALSE(matches("books/:id", "/books/1"));
}

TEST_CASE("a topic that is not a URL matches no pattern") {
    for (const char* topic : {"https://exa mple.com/x", "http://[::1", "https://h:99999/",
                              "https://a%00b/", "http://1.2.3.256/"}) {
        INFO(topic);
        CHECK_FALSE(matches("*://*/*", topic));
        CHECK_FALSE(matches("*", topic));
    }
}

TEST_CASE("a wildcard protocol matches any scheme, as the standard says") {
    CHECK(matches("*://example.com/*", "https://example.com/x"));
    CHECK(matches("*://example.com/*", "ftp://example.com/x"));
    CHECK_FALSE(matches("http{s}?://example.com/*", "ftp://example.com/x"));
    CHECK(matches("http{s}?://example.com/*", "http://example.com/x"));
}
