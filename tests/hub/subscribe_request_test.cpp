#include "herald/hub/subscribe_request.hpp"

#include "catch.hpp"

#include <string>

using namespace herald::hub;
using herald::http::parse_form;

namespace {

subscribe_parse_result parse(std::string_view query, std::optional<std::string_view> header = {},
                             subscribe_limits limits = {}) {
    return parse_subscribe(parse_form(query), header, limits);
}

} // namespace

TEST_CASE("matcher parameters give their kind, in order, repeats kept") {
    auto r =
        parse("match=a&match_exact=b&match_urlpattern=https%3A%2F%2Fe.com%2F%3Aid&topic=%7Bx%7D"
              "&match=a&other=1");
    REQUIRE(r.accepted);
    CHECK(r.accepted->matchers == std::vector<matcher_spec>{
                                      {matcher_kind::exact, "a"},
                                      {matcher_kind::exact, "b"},
                                      {matcher_kind::urlpattern, "https://e.com/:id"},
                                      {matcher_kind::uritemplate, "{x}"},
                                      {matcher_kind::exact, "a"},
                                  });
    CHECK_FALSE(r.accepted->resume.requested);
}

TEST_CASE("the wildcard is recognised whatever the matcher kind") {
    auto r = parse("match=*&match_urlpattern=*&topic=*");
    REQUIRE(r.accepted);
    for (const auto& m : r.accepted->matchers)
        CHECK(m.is_wildcard());
}

TEST_CASE("every bad subscribe request is refused with 400") {
    const std::string many = [] {
        std::string q;
        for (int i = 0; i < 4; ++i)
            q += "match=t" + std::to_string(i) + "&";
        return q;
    }();
    const std::string long_matcher = "match=" + std::string(21, 'a');
    const char* rows[] = {
        "",
        "other=1",
        "last_event_id=x",
        "Match=a", // names are case-sensitive; the prefix is reserved
        "MATCH_EXACT=a",
        "match_Exact=a",
        "match_regex=a",
        "match_uritemplate=a", // not a draft-08 matcher type
        "matches=a",
        "matchx=a",
        "match_=a",
        "match=a&match_typo=b",
        "match=a%0Ab",
        "match=a%00",
        "match=%7F",
        "match=%C2%80",
        "match=%E2%80%8B",
        "match=%EF%BB%BF",
        "match=%FF",
        "match_urlpattern=%E2%80%AE",
        "topic=a%0D",
        many.c_str(),         // max_matchers = 3 below
        long_matcher.c_str(), // max_matcher_length = 20 below
    };
    subscribe_limits limits;
    limits.max_matchers = 3;
    limits.max_matcher_length = 20;
    for (const auto* q : rows) {
        INFO(q);
        auto r = parse(q, {}, limits);
        CHECK_FALSE(r.accepted);
        CHECK(r.refused.status == 400);
        CHECK_FALSE(r.refused.message.empty());
    }
}

TEST_CASE("the subscribe limits are inclusive") {
    subscribe_limits limits;
    limits.max_matchers = 2;
    limits.max_matcher_length = 3;
    CHECK(parse("match=abc&match=d", {}, limits).accepted);
}

TEST_CASE("an empty matcher value is a matcher for the empty topic") {
    auto r = parse("match");
    REQUIRE(r.accepted);
    CHECK(r.accepted->matchers == std::vector<matcher_spec>{{matcher_kind::exact, ""}});
}

TEST_CASE("the Last-Event-ID header wins over last_event_id, which wins over lastEventID") {
    auto both = parse("match=a&last_event_id=q8&lastEventID=q7", "h");
    REQUIRE(both.accepted);
    CHECK(both.accepted->resume.requested);
    CHECK(both.accepted->resume.last_event_id == "h");

    auto query = parse("match=a&lastEventID=q7&last_event_id=q8&last_event_id=later");
    CHECK(query.accepted->resume.last_event_id == "q8");

    auto draft07 = parse("match=a&lastEventID=q7");
    CHECK(draft07.accepted->resume.last_event_id == "q7");

    auto empty_header = parse("match=a&last_event_id=q8", "");
    CHECK(empty_header.accepted->resume.requested);
    CHECK(empty_header.accepted->resume.last_event_id.empty());

    auto empty_query = parse("match=a&last_event_id");
    CHECK(empty_query.accepted->resume.requested);

    auto earliest = parse("match=a&last_event_id=earliest");
    CHECK(earliest.accepted->resume.last_event_id == "earliest");
}
