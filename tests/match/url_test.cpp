#include "herald/match/url.hpp"

#include "catch.hpp"

using herald::match::url;

TEST_CASE("placeholder url parse") {
    auto u = url::parse("HTTPS://Example.COM:443/a/./b/../c?x#y");
    REQUIRE(u);
    CHECK(u->href() == "https://example.com/a/c?x#y");
}
