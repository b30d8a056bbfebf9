#include "herald/auth/base64url.hpp"

#include "catch.hpp"

using herald::auth::base64url_decode;
using herald::auth::base64url_encode;

TEST_CASE("base64url encodes without padding, with - and _ for the last two letters") {
    CHECK(base64url_encode("") == "");
    CHECK(base64url_encode("f") == "Zg");
    CHECK(base64url_encode("fo") == "Zm8");
    CHECK(base64url_encode("foo") == "Zm9v");
    CHECK(base64url_encode("foob") == "Zm9vYg");
    CHECK(base64url_encode("\xfb\xff") == "-_8");
    // RFC 7515 appendix A.1's header.
    CHECK(base64url_encode("{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}") ==
          "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9");
}

TEST_CASE("base64url decoding round-trips every byte and every length") {
    std::string bytes;
    for (int i = 0; i < 256; ++i)
        bytes += char(i);
    for (std::size_t n = 0; n <= bytes.size(); n += 7) {
        const auto text = base64url_encode(bytes.substr(0, n));
        const auto decoded = base64url_decode(text);
        REQUIRE(decoded);
        CHECK(*decoded == bytes.substr(0, n));
    }
}

TEST_CASE("base64url decoding refuses padding, which JWS compact form never has") {
    CHECK_FALSE(base64url_decode("Zg=="));
    CHECK_FALSE(base64url_decode("Zm8="));
    CHECK_FALSE(base64url_decode("Zm9v="));
    CHECK(base64url_decode("Zm8") == std::optional<std::string>("fo"));
}

TEST_CASE("base64url decoding refuses the standard alphabet's + and /, spaces and controls") {
    CHECK_FALSE(base64url_decode("-_8+"));
    CHECK_FALSE(base64url_decode("ab/c"));
    CHECK_FALSE(base64url_decode("Zm9 v"));
    CHECK_FALSE(base64url_decode("Zm9v\n"));
    CHECK_FALSE(base64url_decode(std::string_view("Zm\0v", 4)));
    CHECK_FALSE(base64url_decode("Zm9v\xc3\xa9"));
    CHECK_FALSE(base64url_decode("Zm.v"));
}

TEST_CASE("base64url decoding refuses a length of 4n+1, which cannot end on a byte") {
    CHECK_FALSE(base64url_decode("Z"));
    CHECK_FALSE(base64url_decode("Zm9vY"));
}

TEST_CASE("base64url decoding refuses non-zero unused bits, so each byte string has one spelling") {
    CHECK(base64url_decode("Zg") == std::optional<std::string>("f"));
    CHECK_FALSE(base64url_decode("Zh")); // same 'f' with a stray low bit
    CHECK_FALSE(base64url_decode("Zm9"));
    CHECK(base64url_decode("Zm8") == std::optional<std::string>("fo"));
    CHECK_FALSE(base64url_decode("Zm_"));
}
