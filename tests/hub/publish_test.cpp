#include "herald/hub/publish.hpp"

#include "catch.hpp"

#include <string>

using namespace herald::hub;
using herald::http::form_field;
using herald::http::parse_form;

namespace {

const hub_location& hub() {
    static const auto h = *hub_location::parse("https://hub.example.com/.well-known/mercure");
    return h;
}

publish_result publish(std::string_view body, publish_limits limits = {}) {
    static id_generator ids;
    return validate_publish(parse_form(body), hub(), limits, ids);
}

} // namespace

TEST_CASE("the hub location keeps the scheme in lower case and a normalised path") {
    auto h = hub_location::parse("HTTP://Example.com:8080/a/./b/../.well-known/mercure");
    REQUIRE(h);
    CHECK(h->scheme() == "http");
    CHECK(h->path() == "/a/.well-known/mercure");
    CHECK(hub_location::parse("http://h")->path() == "/");
    CHECK_FALSE(hub_location::parse("/.well-known/mercure"));
    CHECK_FALSE(hub_location::parse("ftp://h/x"));
    CHECK_FALSE(hub_location::parse("http://"));
}

TEST_CASE("topics naming the reserved namespace are found however they are spelt") {
    const char* reserved[] = {
        "/.well-known/mercure",
        "/.well-known/mercure/subscriptions/x",
        "/.well-known/%6Dercure/x",
        "/.well-known/%6dercure/x",
        "/%2Ewell-known/mercure/x",
        "/.well-known/mercure/../mercure/x",
        "/a/../.well-known/mercure/x",
        "/./.well-known/./mercure",
        "/.well-known/x/%2e%2e/mercure/y",
        "https://hub.example.com/.well-known/mercure/subscriptions/x",
        "https://other.example/.well-known/mercure/x",
        "HTTPS://HUB.example.com/.well-known/mercure?x#y",
        "http://hub.example.com/.well-known/mercure",
        "//evil.example/.well-known/mercure/x",
        "https:\\\\hub.example.com\\.well-known\\mercure\\x",
        "\\.well-known\\mercure\\x",
        "https:/.well-known/mercure/x", // same scheme as the hub: a relative path
        "mercure/x",                    // relative to the hub's directory
        "./mercure",
        "../.well-known/mercure/x",
        "",   // the hub's own URL
        "?x", // the hub's own URL with a query
        "#x",
        " /.well-known/mercure/x ",
        "foo:/.well-known/mercure/x",
        "foo://host/.well-known/mercure/x",
    };
    for (const auto* t : reserved) {
        INFO(t);
        CHECK(addresses_reserved_namespace(t, hub()));
    }
}

TEST_CASE("topics outside the reserved namespace are not mistaken for it") {
    const char* free[] = {
        "https://example.com/books/1",
        "/.well-known/mercurex",
        "/.well-known/mercure%2Fx", // an encoded slash is no separator
        "/.well-known/Mercure/x",   // paths are case-sensitive
        "/.well-known",
        "/.well-known/",
        "urn:uuid:1234",
        "mercure:x",
        "https://example.com/?/.well-known/mercure/x",
        "https://example.com/#/.well-known/mercure/x",
        "books/1",
        ".",
        "..",
        "http:/.well-known/mercure/x", // another scheme: "/.well-known" is the host
    };
    for (const auto* t : free) {
        INFO(t);
        CHECK_FALSE(addresses_reserved_namespace(t, hub()));
    }
}

TEST_CASE("a hub at the root reserves every hierarchical path") {
    auto root = *hub_location::parse("http://h/");
    CHECK(addresses_reserved_namespace("/books/1", root));
    CHECK_FALSE(addresses_reserved_namespace("urn:x", root));
}

TEST_CASE("a valid publish becomes an update encoded once") {
    auto r = publish("topic=https%3A%2F%2Fexample.com%2Fa&topic=b&data=line1%0Aline2%0D%0Aline3&id="
                     "u1&type=changed&retry=1500&private=on&unknown=ignored");
    REQUIRE(r.accepted);
    const auto& u = *r.accepted;
    CHECK(u.id == "u1");
    REQUIRE(u.topics.size() == 2);
    CHECK(u.topics[0].value() == "https://example.com/a");
    CHECK(u.topics[1].value() == "b");
    CHECK(u.topics[1].as_url()->href() == "https://hub.example.com/.well-known/b");
    CHECK(u.is_private);
    CHECK(u.type == "changed");
    CHECK(u.retry_ms == 1500u);
    CHECK(u.encoded ==
          "event: changed\nid: u1\nretry: 1500\ndata: line1\ndata: line2\ndata: line3\n\n");
}

TEST_CASE("without an id the hub generates a version 4 UUID URN, a new one each time") {
    auto a = publish("topic=x&data=1");
    auto b = publish("topic=x&id=");
    REQUIRE(a.accepted);
    REQUIRE(b.accepted);
    const auto& id = a.accepted->id;
    REQUIRE(id.size() == 45);
    CHECK(id.starts_with("urn:uuid:"));
    CHECK(id[9 + 14] == '4');
    CHECK(std::string("89ab").find(id[9 + 19]) != std::string::npos);
    CHECK(id != b.accepted->id);
    CHECK(b.accepted->id.starts_with("urn:uuid:")); // an empty id is no id
    CHECK(a.accepted->encoded == "id: " + id + "\ndata: 1\n\n");
    CHECK_FALSE(a.accepted->is_private);
}

TEST_CASE("private is set by the field's presence whatever its value") {
    CHECK(publish("topic=x&private").accepted->is_private);
    CHECK(publish("topic=x&private=").accepted->is_private);
    CHECK(publish("topic=x&private=off").accepted->is_private);
    CHECK(publish("topic=x&private=false").accepted->is_private);
}

TEST_CASE("every publish rule refuses with its status") {
    struct row {
        const char* body;
        int status;
    };
    const std::string long_topic = "topic=" + std::string(101, 'a');
    const row rows[] = {
        {"data=x", 400},                                     // no topic
        {"", 400},                                           // nothing
        {"topic=*", 400},                                    // wildcard
        {"topic=a&topic=*", 400},                            // wildcard as alternate
        {"topic=%2F.well-known%2Fmercure%2Fx", 400},         // reserved
        {"topic=a&topic=%2F.well-known%2F%256Dercure", 400}, // reserved, encoded, alternate
        {"topic=%2F.well-known%2Fmercure%2F..%2Fmercure%2Fx", 400},
        {"topic=https%3A%2F%2Fhub.example.com%2F.well-known%2Fmercure%2Fsubscriptions%2Fx", 400},
        {"type=mercure&topic=a", 400},
        {"topic=a%0Ab", 400},              // LF in topic
        {"topic=a%00", 400},               // NUL
        {"topic=a%7F", 400},               // DEL
        {"topic=a%C2%85", 400},            // NEL (C1)
        {"topic=a%E2%80%8B", 400},         // zero width space (Cf)
        {"topic=a%E2%80%AEb", 400},        // right-to-left override (Cf)
        {"topic=%FF", 400},                // invalid UTF-8
        {"topic=%C0%AF", 400},             // overlong
        {"topic=a&id=%23frag", 400},       // id starts with '#'
        {"topic=a&id=earliest", 400},      // reserved id
        {"topic=a&id=a%0D%0Adata:x", 400}, // SSE field injection through the id
        {"topic=a&id=%E2%80%8F", 400},     // Cf in id
        {"topic=a&id=%FE", 400},
        {"topic=a&type=a%0Ab", 400},  // SSE field injection through the type
        {"topic=a&type=%C2%AD", 400}, // Cf in type
        {"topic=a&type=%FF", 400},
        {"topic=a&retry=", 400},
        {"topic=a&retry=-1", 400},
        {"topic=a&retry=1.5", 400},
        {"topic=a&retry=%2B5", 400},
        {"topic=a&retry=5s", 400},
        {"topic=a&retry=%EF%BC%95", 400}, // fullwidth 5
        {"topic=a&data=%FF", 400},        // data must be UTF-8
        {"topic=a&data=%ED%A0%80", 400},
        {"topic=a&topic=b&topic=c", 413}, // max_topics = 2 below
        {long_topic.c_str(), 413},        // max_field_bytes = 100 below
    };
    publish_limits limits;
    limits.max_topics = 2;
    limits.max_field_bytes = 100;
    for (const auto& r : rows) {
        INFO(r.body);
        auto result = publish(r.body, limits);
        CHECK_FALSE(result.accepted);
        CHECK(result.refused.status == r.status);
        CHECK_FALSE(result.refused.message.empty());
    }
}

TEST_CASE("the limits are inclusive, data is bounded by the body not the field limit") {
    publish_limits limits;
    limits.max_topics = 2;
    limits.max_field_bytes = 10;
    CHECK(publish("topic=aaaaaaaaaa&topic=b&data=" + std::string(1000, 'x'), limits).accepted);
    CHECK(publish("topic=a&id=" + std::string(11, 'i'), limits).refused.status == 413);
    CHECK(publish("topic=a&type=" + std::string(11, 't'), limits).refused.status == 413);
    CHECK(publish("topic=a&retry=" + std::string(11, '1'), limits).refused.status == 413);
}

TEST_CASE("data may hold control characters and keeps its line structure") {
    auto r = publish("topic=a&id=x&data=%09tab%00nul%0D%0D%0A");
    REQUIRE(r.accepted);
    using namespace std::string_literals;
    CHECK(r.accepted->encoded == "id: x\ndata: \ttab\0nul\ndata:\ndata:\n\n"s);
}

TEST_CASE("an enormous retry saturates instead of wrapping") {
    auto r = publish("topic=a&id=x&retry=99999999999999999999999999");
    REQUIRE(r.accepted);
    CHECK(r.accepted->encoded == "id: x\nretry: 9223372036854775807\ndata:\n\n");
}

TEST_CASE("single-valued fields take their first occurrence") {
    auto r = publish("topic=a&id=first&id=second&type=t1&type=t2&data=d1&data=d2");
    REQUIRE(r.accepted);
    CHECK(r.accepted->encoded == "event: t1\nid: first\ndata: d1\n\n");
}
