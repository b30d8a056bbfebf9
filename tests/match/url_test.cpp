#include "herald/match/url.hpp"

#include "catch.hpp"

#include <string>

using herald::match::url;

namespace {

std::string href(std::string_view input, std::string_view base = {}) {
    std::optional<url> b;
    if (!base.empty()) {
        b = url::parse(base);
        REQUIRE(b);
    }
    auto u = url::parse(input, b ? &*b : nullptr);
    return u ? u->href() : "<failure>";
}

} // namespace

TEST_CASE("a URL's components are split out without their delimiters") {
    auto u = url::parse("https://user:pa%20ss@Example.COM:8443/a/b?q=1&r#frag");
    REQUIRE(u);
    CHECK(u->href() == "https://user:pa%20ss@example.com:8443/a/b?q=1&r#frag");
    CHECK(u->protocol() == "https");
    CHECK(u->username() == "user");
    CHECK(u->password() == "pa%20ss");
    CHECK(u->hostname() == "example.com");
    CHECK(u->port() == "8443");
    CHECK(u->pathname() == "/a/b");
    CHECK(u->search() == "q=1&r");
    CHECK(u->hash() == "frag");
    CHECK(u->is_special());
    CHECK_FALSE(u->has_opaque_path());
}

TEST_CASE(
    "scheme and host are lower-cased, the default port is dropped, the path is kept as written") {
    CHECK(href("HTTPS://Example.COM:443/Books/A") == "https://example.com/Books/A");
    CHECK(href("http://example.com:80") == "http://example.com/");
    CHECK(href("ws://example.com:80/") == "ws://example.com/");
    CHECK(href("wss://example.com:443/") == "wss://example.com/");
    CHECK(href("ftp://example.com:21/") == "ftp://example.com/");
    CHECK(href("https://example.com:80/") == "https://example.com:80/");
    CHECK(href("https://example.com:0443/") == "https://example.com/");
    CHECK(url::parse("https://example.com:443/")->port().empty());
}

TEST_CASE("leading and trailing spaces go, tabs and newlines go everywhere") {
    CHECK(href("  https://exa\tmple.com/a\nb\r \x01") == "https://example.com/ab");
}

TEST_CASE("dot segments are removed, including their percent-encoded forms") {
    CHECK(href("https://h/a/./b/../c") == "https://h/a/c");
    CHECK(href("https://h/a/%2e/b/%2E%2e/c") == "https://h/a/c");
    CHECK(href("https://h/public/%2e%2e/private") == "https://h/private");
    CHECK(href("https://h/public/.%2E/private") == "https://h/private");
    CHECK(href("https://h/../../x") == "https://h/x");
    CHECK(href("https://h/a/..") == "https://h/");
    CHECK(href("https://h/a/.") == "https://h/a/");
    CHECK(href("https://h/a\\..\\b") == "https://h/b");
    // %2F is a character of a segment, not a separator.
    CHECK(href("https://h/a%2F..%2Fb") == "https://h/a%2F..%2Fb");
    CHECK(href("foo://h/a/../b") == "foo://h/b");
}

TEST_CASE("each component is percent-encoded with the standard's own set") {
    CHECK(href("https://h/a b<>\"`{}^|") == "https://h/a%20b%3C%3E%22%60%7B%7D%5E|");
    CHECK(href("https://h/caf\xc3\xa9") == "https://h/caf%C3%A9");
    CHECK(href("https://h/?a b'<>\"`{}") == "https://h/?a%20b%27%3C%3E%22`{}");
    CHECK(href("foo://h/?a b'") == "foo://h/?a%20b'");
    CHECK(href("https://h/#a b<>\"`{}") == "https://h/#a%20b%3C%3E%22%60{}");
    CHECK(href("https://us er:pa:ss@h/") == "https://us%20er:pa%3Ass@h/");
    CHECK(href("https://a@b@h/") == "https://a%40b@h/");
    // An existing escape is kept as written; a stray '%' too.
    CHECK(href("https://h/%41%zz") == "https://h/%41%zz");
}

TEST_CASE("IPv4 hosts in hex, octal and short forms canonicalise to dotted decimal") {
    CHECK(href("http://0x7F.1/") == "http://127.0.0.1/");
    CHECK(href("http://0300.0250.1.1/") == "http://192.168.1.1/");
    CHECK(href("http://2130706433/") == "http://127.0.0.1/");
    CHECK(href("http://127.1/") == "http://127.0.0.1/");
    CHECK(href("http://4294967295/") == "http://255.255.255.255/");
    CHECK(href("http://127.0.0.1./") == "http://127.0.0.1/");
    CHECK(href("http://4294967296/") == "<failure>");
    CHECK(href("http://1.2.3.256/") == "<failure>");
    CHECK(href("http://256.1.1.1/") == "<failure>");
    CHECK(href("http://1.2.3.4.5/") == "<failure>");
    CHECK(href("http://0x/") == "http://0.0.0.0/");
    CHECK(href("http://1.2.3.09/") == "<failure>");
    // Not ending in a number: a domain.
    CHECK(href("http://1.2.3.a/") == "http://1.2.3.a/");
}

TEST_CASE("IPv6 hosts are compressed and lower-cased") {
    CHECK(href("http://[0:0:0:0:0:0:0:1]/") == "http://[::1]/");
    CHECK(href("http://[::FFFF:192.168.0.1]/") == "http://[::ffff:c0a8:1]/");
    CHECK(href("http://[1:0:0:2:0:0:0:3]/") == "http://[1:0:0:2::3]/");
    CHECK(href("http://[1:0:0:0:2:0:0:0]/") == "http://[1::2:0:0:0]/");
    CHECK(href("http://[2001:DB8::1]:8080/") == "http://[2001:db8::1]:8080/");
    CHECK(url::parse("http://[::1]/")->hostname() == "[::1]");
    CHECK(href("http://[::1/") == "<failure>");
    CHECK(href("http://[1::2::3]/") == "<failure>");
    CHECK(href("http://[1:2:3:4:5:6:7:8:9]/") == "<failure>");
    CHECK(href("http://[::1.2.3]/") == "<failure>");
    CHECK(href("http://[g::1]/") == "<failure>");
}

TEST_CASE("hosts with forbidden code points do not parse") {
    CHECK(href("http://exa mple.com/") == "<failure>");
    CHECK(href("http://a<b/") == "<failure>");
    CHECK(href("http://a^b/") == "<failure>");
    CHECK(href("http://a%00b/") == "<failure>");
    CHECK(href("http://a%25b/") == "<failure>");
    CHECK(href("http://a|b/") == "<failure>");
    CHECK(href("https:///") == "<failure>");
    CHECK(href("https://user@/") == "<failure>");
    CHECK(href("http://ex%61mple.com/") == "http://example.com/");
    // An opaque host may hold more, but not the forbidden host code points.
    CHECK(href("foo://a%25b/") == "foo://a%25b/");
    CHECK(href("foo://a b/") == "<failure>");
}

TEST_CASE("international host names map to their punycode form") {
    CHECK(href("https://M\xc3\xbcller.de/") == "https://xn--mller-kva.de/");
    CHECK(href("https://xn--mller-kva.de/") == "https://xn--mller-kva.de/");
    CHECK(href("https://XN--MLLER-KVA.de/") == "https://xn--mller-kva.de/");
    CHECK(href("https://fa\xc3\x9f.de/") == "https://xn--fa-hia.de/"); // non-transitional: ß stays
    CHECK(href("https://"
               "\xef\xbd\x85\xef\xbd\x98\xef\xbd\x81\xef\xbd\x8d\xef\xbd\x90\xef\xbd\x8c\xef\xbd"
               "\x85.com/") == "https://example.com/"); // full-width letters
    CHECK(href("https://a\xe3\x80\x82"
               "b/") == "https://a.b/"); // ideographic full stop
    CHECK(href("https://%E2%98%83/") == "https://xn--n3h/");
    CHECK(href("https://xn--a.com/") == "<failure>");
    // Cyrillic 'а' (U+0430) is not Latin 'a': a different host.
    auto spoof = url::parse("https://ex\xd0\xb0mple.com/");
    REQUIRE(spoof);
    CHECK(spoof->hostname() != "example.com");
    CHECK(spoof->hostname().substr(0, 4) == "xn--");
}

TEST_CASE("URLs without a special scheme keep an opaque path or an opaque host") {
    auto mail = url::parse("mailto:User@Example.COM");
    REQUIRE(mail);
    CHECK(mail->href() == "mailto:User@Example.COM");
    CHECK(mail->protocol() == "mailto");
    CHECK(mail->hostname().empty());
    CHECK(mail->pathname() == "User@Example.COM");
    CHECK(mail->has_opaque_path());
    CHECK_FALSE(mail->is_special());
    CHECK(href("URN:isbn:0451450523") == "urn:isbn:0451450523");
    CHECK(href("urn:a b\x01?q#f") == "urn:a b%01?q#f");
    CHECK(href("foo://Host.COM/a") == "foo://Host.COM/a");
    CHECK(href("web+demo:/.//not-a-host/") == "web+demo:/.//not-a-host/");
    CHECK(url::parse("web+demo:/.//not-a-host/")->pathname() == "//not-a-host/");
    CHECK(href("foo:/a/../b") == "foo:/b");
}

TEST_CASE("relative references resolve against the hub's URL") {
    const char* hub = "https://localhost:4321/.well-known/mercure";
    CHECK(href("/books/1", hub) == "https://localhost:4321/books/1");
    CHECK(href("books/1", hub) == "https://localhost:4321/.well-known/books/1");
    CHECK(href("../x", hub) == "https://localhost:4321/x");
    CHECK(href("?q", hub) == "https://localhost:4321/.well-known/mercure?q");
    CHECK(href("#f", hub) == "https://localhost:4321/.well-known/mercure#f");
    CHECK(href("", hub) == "https://localhost:4321/.well-known/mercure");
    CHECK(href("//other.example/x", hub) == "https://other.example/x");
    CHECK(href("\\\\other.example\\x", hub) == "https://other.example/x");
    CHECK(href("https:x", hub) == "https://localhost:4321/.well-known/x");
    CHECK(href("http:x", hub) == "http://x/");
    CHECK(href("urn:x", hub) == "urn:x");
    CHECK(href("/.well-known/mercure/subscriptions/a%2Fb/c", hub) ==
          "https://localhost:4321/.well-known/mercure/subscriptions/a%2Fb/c");
}

TEST_CASE("a relative reference against an opaque-path base only takes a fragment") {
    CHECK(href("x", "mailto:a@b") == "<failure>");
    CHECK(href("#f", "mailto:a@b") == "mailto:a@b#f");
}

TEST_CASE("file URLs follow the standard's quirks") {
    CHECK(href("file:///C:/a/../../b") == "file:///C:/b");
    CHECK(href("file://localhost/x") == "file:///x");
    CHECK(href("file://Host/x") == "file://host/x");
    CHECK(href("file:c:\\x") == "file:///c:/x");
}

TEST_CASE("what is not a URL does not parse") {
    CHECK(href("") == "<failure>");
    CHECK(href("example.com/x") == "<failure>");
    CHECK(href("//x/y") == "<failure>");
    CHECK(href("https://h:65536/") == "<failure>");
    CHECK(href("https://h:8a/") == "<failure>");
    CHECK(href("http://:80/") == "<failure>");
    CHECK(href("1http://h/") == "<failure>");
}

TEST_CASE("a parsed URL re-parses to itself") {
    for (const char* input :
         {"https://u:p@h.example:1/a/b?c#d", "mailto:x", "foo://H/a?b#c", "file:///C:/x",
          "http://[::1]/", "web+demo:/.//x", "https://h/?", "https://h/#"}) {
        auto once = url::parse(input);
        REQUIRE(once);
        auto twice = url::parse(once->href());
        REQUIRE(twice);
        CHECK(twice->href() == once->href());
        CHECK(twice->pathname() == once->pathname());
    }
}
