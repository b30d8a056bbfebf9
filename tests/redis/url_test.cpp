#include "herald/redis/url.hpp"

#include "catch.hpp"

using namespace herald::redis;

TEST_CASE("a full redis URL fills every field", "[url]") {
    auto r = parse_url("redis://hub:s3cret@redis.example:6380/2");
    REQUIRE(r.ok());
    CHECK(r.options.user == "hub");
    CHECK(r.options.password == "s3cret");
    CHECK(r.options.host == "redis.example");
    CHECK(r.options.port == 6380);
    CHECK(r.options.db == 2);
}

TEST_CASE("port and db have defaults, and a password may come alone", "[url]") {
    auto r = parse_url("redis://:pw@127.0.0.1");
    REQUIRE(r.ok());
    CHECK(r.options.user.empty());
    CHECK(r.options.password == "pw");
    CHECK(r.options.port == 6379);
    CHECK(r.options.db == 0);

    auto bare = parse_url("redis://localhost:7000");
    REQUIRE(bare.ok());
    CHECK(bare.options.password.empty());
    CHECK(bare.options.port == 7000);
}

TEST_CASE("credentials are percent-decoded and may hold an unencoded @", "[url]") {
    auto r = parse_url("redis://us%40er:p%3Aw%2F@x@h:1/0");
    REQUIRE(r.ok());
    CHECK(r.options.user == "us@er");
    CHECK(r.options.password == "p:w/@x");
    CHECK(r.options.host == "h");
}

TEST_CASE("IPv6 hosts are written in brackets", "[url]") {
    auto r = parse_url("redis://[::1]:6390/3");
    REQUIRE(r.ok());
    CHECK(r.options.host == "::1");
    CHECK(r.options.port == 6390);
    CHECK(r.options.db == 3);
}

TEST_CASE("timeouts and limits come from the defaults given", "[url]") {
    connect_options d;
    d.command_timeout = std::chrono::milliseconds(123);
    d.client_name = "herald";
    auto r = parse_url("redis://h", d);
    REQUIRE(r.ok());
    CHECK(r.options.command_timeout.count() == 123);
    CHECK(r.options.client_name == "herald");
}

TEST_CASE("malformed URLs are refused with a message that says why", "[url]") {
    struct bad_case {
        const char* url;
        const char* says;
    };
    for (auto [url, says] : {
             bad_case{"http://h:6379", "redis://"},
             bad_case{"rediss://h:6379", "TLS"},
             bad_case{"redis://", "missing host"},
             bad_case{"redis://:6379", "missing host"},
             bad_case{"redis://h:", "empty port"},
             bad_case{"redis://h:0", "port"},
             bad_case{"redis://h:65536", "port"},
             bad_case{"redis://h:12ab", "port"},
             bad_case{"redis://h:6379/x", "database"},
             bad_case{"redis://h:6379/-1", "database"},
             bad_case{"redis://h:6379/1?x=1", "query"},
             bad_case{"redis://user@h", "':' is missing"},
             bad_case{"redis://u:@h", "empty password"},
             bad_case{"redis://u:%4@h", "percent"},
             bad_case{"redis://u:%zz@h", "percent"},
             bad_case{"redis://[::1:6379", "']'"},
             bad_case{"redis://[::1]x", "junk"},
             bad_case{"redis://h h", "invalid character"},
         }) {
        INFO(url);
        auto r = parse_url(url);
        CHECK(!r.ok());
        CHECK(r.error.find(says) != std::string::npos);
    }
}
