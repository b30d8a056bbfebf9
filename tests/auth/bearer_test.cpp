// Presenting tokens and refusing them. Cases marked "reference" come from
// dunglas/mercure's authorization_test.go (TestAuthorizeAuthorizationHeader*,
// TestAuthorizeCookie, TestAuthorizeLegacyCookieNameIgnored) and
// bearererror_test.go.
#include "herald/auth/bearer.hpp"

#include "catch.hpp"

using namespace herald::auth;
using sv = std::string_view;

namespace {
constexpr sv jws = "eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo";
}

TEST_CASE("reference: Bearer is matched case-insensitively and the token follows one space") {
    CHECK(bearer_token(std::string("Bearer ") + std::string(jws)) == jws);
    CHECK(bearer_token(std::string("bearer ") + std::string(jws)) == jws);
    CHECK(bearer_token(std::string("BEARER ") + std::string(jws)) == jws);
    CHECK(bearer_token(std::string("bEaReR ") + std::string(jws)) == jws);
}

TEST_CASE("surrounding whitespace and several spaces after the scheme are tolerated") {
    CHECK(bearer_token(std::string("  Bearer   ") + std::string(jws) + " \t") == jws);
}

TEST_CASE("reference: another scheme or a malformed Bearer credential yields no token") {
    CHECK_FALSE(bearer_token(std::string("Basic ") + std::string(jws)));
    CHECK_FALSE(bearer_token(std::string("Bearer") + std::string(jws)));
    CHECK_FALSE(bearer_token(std::string("Bearer\t") + std::string(jws)));
    CHECK_FALSE(bearer_token(std::string("Bearerx ") + std::string(jws)));
    CHECK_FALSE(bearer_token("Bearer"));
    CHECK_FALSE(bearer_token("Bearer "));
    CHECK_FALSE(bearer_token(""));
    CHECK_FALSE(bearer_token(std::string(jws)));
    // Two tokens, a comma-joined second header, a quoted token.
    CHECK_FALSE(bearer_token(std::string("Bearer ") + std::string(jws) + " " + std::string(jws)));
    CHECK_FALSE(bearer_token(std::string("Bearer ") + std::string(jws) + ", Bearer x"));
    CHECK_FALSE(bearer_token(std::string("Bearer \"") + std::string(jws) + "\""));
    CHECK_FALSE(bearer_token("Bearer a\x01"
                             "b"));
}

TEST_CASE("the b64token syntax allows trailing = and the characters ~ + /") {
    CHECK(bearer_token("Bearer a~b+c/d.e-f_g==") == sv("a~b+c/d.e-f_g=="));
    CHECK_FALSE(bearer_token("Bearer ==a"));
    CHECK_FALSE(bearer_token("Bearer a=b"));
}

TEST_CASE("reference: the named cookie's value is found among others") {
    const std::string header =
        "foo=bar; __Secure-mercure_access_token=" + std::string(jws) + "; baz=1";
    CHECK(cookie_value(header, draft08_cookie_name) == jws);
    CHECK(cookie_value("mercureAuthorization=" + std::string(jws), draft07_cookie_name) == jws);
}

TEST_CASE("cookie pairs tolerate missing or extra spaces, and quotes around the value") {
    CHECK(cookie_value("a=1;b=2;c=3", "b") == sv("2"));
    CHECK(cookie_value("  a = 1 ;   b=2  ;", "a") == sv("1"));
    CHECK(cookie_value("a=\"quoted value\"", "a") == sv("quoted value"));
    CHECK(cookie_value("a=\"", "a") == sv("\""));
    CHECK(cookie_value("a=\"\"", "a") == sv(""));
    CHECK(cookie_value("a=", "a") == sv(""));
    CHECK(cookie_value("a=x=y==", "a") == sv("x=y=="));
}

TEST_CASE("the first cookie of a repeated name wins, as browsers send the most specific first") {
    CHECK(cookie_value("mercureAuthorization=first; mercureAuthorization=second",
                       "mercureAuthorization") == sv("first"));
}

TEST_CASE("cookie names compare exactly: no prefix, suffix or case variant matches") {
    const sv name = draft07_cookie_name;
    CHECK_FALSE(cookie_value("xmercureAuthorization=evil", name));
    CHECK_FALSE(cookie_value("mercureAuthorizationx=evil", name));
    CHECK_FALSE(cookie_value("mercureauthorization=evil", name));
    CHECK_FALSE(cookie_value("MERCUREAUTHORIZATION=evil", name));
    CHECK_FALSE(cookie_value("mercure_access_token=evil", draft08_cookie_name));
    CHECK(cookie_value("xmercureAuthorization=evil; mercureAuthorization=good", name) ==
          sv("good"));
    // The name inside another cookie's value is not a cookie.
    CHECK_FALSE(cookie_value("other=mercureAuthorization=evil", name));
    CHECK_FALSE(cookie_value("other=\"a; mercureAuthorization\"", name));
}

TEST_CASE("pairs without = and empty pieces are skipped") {
    CHECK(cookie_value("mercureAuthorization; ;;mercureAuthorization=v", "mercureAuthorization") ==
          sv("v"));
    CHECK_FALSE(cookie_value("", "a"));
    CHECK_FALSE(cookie_value(";;;", "a"));
    CHECK_FALSE(cookie_value("a", "a"));
}

TEST_CASE("reference: the Authorization header wins over the cookie, which is then ignored") {
    const std::string cookie = "__Secure-mercure_access_token=from-cookie";
    const std::string header = "Bearer " + std::string(jws);
    auto t = find_token(sv(header), sv(cookie));
    CHECK(t.from == presented_token::source::header);
    CHECK(t.token == jws);
    CHECK_FALSE(t.malformed);
    // Even a malformed header: the request is malformed, not anonymous.
    t = find_token(sv("Basic dXNlcjpwYXNz"), sv(cookie));
    CHECK(t.from == presented_token::source::header);
    CHECK(t.malformed);
    CHECK(t.token.empty());
}

TEST_CASE("reference: without an Authorization header the cookie is used, by its configured name") {
    auto t = find_token(std::nullopt, sv("__Secure-mercure_access_token=" + std::string(jws)));
    CHECK(t.from == presented_token::source::cookie);
    CHECK(t.token == jws);
    // The draft-07 name is not the default.
    t = find_token(std::nullopt, sv("mercureAuthorization=" + std::string(jws)));
    CHECK(t.from == presented_token::source::none);
    t = find_token(std::nullopt, sv("mercureAuthorization=" + std::string(jws)),
                   draft07_cookie_name);
    CHECK(t.from == presented_token::source::cookie);
    t = find_token(std::nullopt, std::nullopt);
    CHECK(t.from == presented_token::source::none);
    CHECK_FALSE(t.malformed);
}

TEST_CASE("reference: with no token the challenge is a bare Bearer, with resource metadata") {
    CHECK(bearer_challenge(bearer_error::none) == "Bearer");
    const auto c = bearer_challenge(
        bearer_error::none, {},
        "https://example.com/.well-known/oauth-protected-resource/.well-known/mercure");
    CHECK(c ==
          "Bearer resource_metadata=\"https://example.com/.well-known/oauth-protected-resource/"
          ".well-known/mercure\"");
    CHECK(c.find("error=") == std::string::npos);
    CHECK(http_status(bearer_error::none) == 401);
}

TEST_CASE("reference: each refusal has its error code and status") {
    CHECK(bearer_challenge(bearer_error::invalid_request) == "Bearer error=\"invalid_request\"");
    CHECK(http_status(bearer_error::invalid_request) == 400);
    CHECK(bearer_challenge(bearer_error::invalid_token, "The access token expired", "https://m") ==
          "Bearer error=\"invalid_token\", error_description=\"The access token expired\", "
          "resource_metadata=\"https://m\"");
    CHECK(http_status(bearer_error::invalid_token) == 401);
    CHECK(bearer_challenge(bearer_error::insufficient_scope) ==
          "Bearer error=\"insufficient_scope\"");
    CHECK(http_status(bearer_error::insufficient_scope) == 403);
}

TEST_CASE("a token refusal is invalid_token, described only when asked") {
    CHECK(bearer_challenge(token_error::expired) == "Bearer error=\"invalid_token\"");
    CHECK(bearer_challenge(token_error::bad_signature, "https://m") ==
          "Bearer error=\"invalid_token\", resource_metadata=\"https://m\"");
    CHECK(bearer_challenge(token_error::expired, {}, true) ==
          "Bearer error=\"invalid_token\", error_description=\"The access token expired\"");
}

TEST_CASE("every token error has a message that is legal in error_description") {
    for (int e = int(token_error::none); e <= int(token_error::bad_claims); ++e) {
        const auto m = message(token_error(e));
        INFO(e);
        CHECK_FALSE(m.empty());
        for (const char c : m)
            CHECK((c >= 0x20 && c <= 0x7e && c != '"' && c != '\\'));
        CHECK(bearer_challenge(token_error(e), {}, true).find(m) != std::string::npos);
    }
}

TEST_CASE("quotes, backslashes, controls and non-ASCII cannot break out of a challenge value") {
    CHECK(bearer_challenge(bearer_error::invalid_token, "a\"b\\c\r\nd\xc3\xa9", "x\", evil=\"1") ==
          "Bearer error=\"invalid_token\", error_description=\"abcd\", resource_metadata=\"x, "
          "evil=1\"");
}
