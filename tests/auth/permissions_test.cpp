// Mercure's grants: draft-08 authorization_details and the draft-07 mercure
// claim. Cases marked "reference" are carried over from dunglas/mercure's
// authorizationdetails_test.go (TestValidateAuthorizationDetails,
// TestMercureAuthzSubscribePayload), authorization_test.go
// (TestAuthorizeRejectsControlCharInAuthorizationDetail) and
// matcherclaim_test.go.
#include "herald/auth/permissions.hpp"

#include "auth_support.hpp"
#include "catch.hpp"

#include <nlohmann/json.hpp>

using namespace herald::auth;
using auth_test::now;
using auth_test::now_seconds;
using nlohmann::json;

namespace {

constexpr const char* mercure_type = "https://mercure.rocks/authorization-detail";

verify_result verify_claims(json claims, claims_mode mode = claims_mode::both) {
    claims["exp"] = now_seconds + 3600;
    verifier_options o;
    o.claims = mode;
    o.max_token_bytes = 1 << 20;
    const auto token = auth_test::hs256_signer().sign(claims.dump());
    return auth_test::hs256_verifier(o).verify(token, now());
}

permissions grants_of(const json& claims, claims_mode mode = claims_mode::both) {
    const auto r = verify_claims(claims, mode);
    INFO(r.detail);
    REQUIRE(r.ok());
    return r.token.grants;
}

// The claim's error detail, or "" when the token was accepted.
std::string refusal(const json& claims, claims_mode mode = claims_mode::both) {
    const auto r = verify_claims(claims, mode);
    if (r.ok())
        return "";
    CHECK(r.error == token_error::bad_claims);
    return r.detail;
}

json detail(json actions, json topics) {
    return {{"type", mercure_type}, {"actions", std::move(actions)}, {"topics", std::move(topics)}};
}

json details(json list) {
    return {{"authorization_details", std::move(list)}};
}

json exact(const char* match) {
    return {{"match", match}};
}

selector sel(const char* type, const char* pattern, std::optional<std::string> payload = {}) {
    return {type, pattern, std::move(payload)};
}

} // namespace

TEST_CASE("the specification's subscriber token grants subscribe on a URL pattern") {
    const auto g = grants_of(details(
        json::array({detail({"subscribe"}, json::array({{{"match", "https://example.com/books/:id"},
                                                         {"match_type", "urlpattern"}}}))})));
    CHECK(g.source == claims_source::authorization_details);
    CHECK(g.publish.empty());
    CHECK(g.subscribe == std::vector<selector>{sel("urlpattern", "https://example.com/books/:id")});
    CHECK_FALSE(g.payload);
}

TEST_CASE("a detail's actions grant publish, subscribe or both on all its topics") {
    const auto g = grants_of(details(
        json::array({detail({"publish"}, json::array({exact("https://example.com/pub")})),
                     detail({"subscribe", "publish"},
                            json::array({exact("https://example.com/a"),
                                         {{"match", "/b/:id"}, {"match_type", "urlpattern"}}}))})));
    CHECK(g.publish == std::vector<selector>{sel("exact", "https://example.com/pub"),
                                             sel("exact", "https://example.com/a"),
                                             sel("urlpattern", "/b/:id")});
    CHECK(g.subscribe == std::vector<selector>{sel("exact", "https://example.com/a"),
                                               sel("urlpattern", "/b/:id")});
}

TEST_CASE("reference: unknown actions grant nothing and do not invalidate the token") {
    auto g = grants_of(
        details(json::array({detail({"delete", "subscribe"}, json::array({exact("foo")}))})));
    CHECK(g.publish.empty());
    CHECK(g.subscribe == std::vector<selector>{sel("exact", "foo")});
    g = grants_of(details(json::array({detail({"delete"}, json::array({exact("foo")}))})));
    CHECK(g.source == claims_source::authorization_details);
    CHECK(g.publish.empty());
    CHECK(g.subscribe.empty());
    // Actions compare byte for byte.
    g = grants_of(
        details(json::array({detail({"Publish", "SUBSCRIBE"}, json::array({exact("foo")}))})));
    CHECK(g.publish.empty());
    CHECK(g.subscribe.empty());
}

TEST_CASE("reference: entries of other types are skipped, whatever their shape") {
    const auto g = grants_of(details(json::array(
        {{{"type", "payment_initiation"}, {"actions", "initiate"}, {"topics", "not an array"}},
         {{"locations", {"https://example.com"}}},
         // The short name is not the type: it compares byte for byte.
         {{"type", "mercure"}, {"actions", {"publish"}}, {"topics", {exact("x")}}},
         detail({"publish"}, json::array({exact("foo")}))})));
    CHECK(g.publish == std::vector<selector>{sel("exact", "foo")});
}

TEST_CASE("match_type defaults to exact, and * is kept as the reserved wildcard") {
    const auto g = grants_of(details(json::array({detail(
        {"publish", "subscribe"}, json::array({exact("*"),
                                               {{"match", "*"}, {"match_type", "urlpattern"}},
                                               {{"match", "x"}, {"match_type", nullptr}}}))})));
    CHECK(g.publish ==
          std::vector<selector>{sel("exact", "*"), sel("urlpattern", "*"), sel("exact", "x")});
}

TEST_CASE("reference: each subscribe detail's payload goes with its topics, in token order") {
    // The specification's "Payloads" example.
    const json custom1 = {{"custom1", "data only available for this topic"}};
    const json custom2 = {{"custom2", "data available for matching subscriptions"}};
    const json custom3 = {{"custom3", "default data for all other subscriptions"}};
    auto d1 = detail({"subscribe"}, json::array({exact("https://example.com/foo")}));
    d1["payload"] = custom1;
    auto d2 = detail({"subscribe"}, json::array({{{"match", "https://example.com/bar/:id"},
                                                  {"match_type", "urlpattern"}}}));
    d2["payload"] = custom2;
    auto d3 = detail({"subscribe", "publish"}, json::array({exact("*")}));
    d3["payload"] = custom3;
    const auto g = grants_of(details(json::array({d1, d2, d3})));
    CHECK(g.subscribe == std::vector<selector>{
                             sel("exact", "https://example.com/foo", custom1.dump()),
                             sel("urlpattern", "https://example.com/bar/:id", custom2.dump()),
                             sel("exact", "*", custom3.dump()),
                         });
    // Publish selectors carry no payload.
    CHECK(g.publish == std::vector<selector>{sel("exact", "*")});
}

TEST_CASE("reference: malformed Mercure details refuse the whole token") {
    const auto one = [](json d) {
        return details(
            json::array({detail({"publish"}, json::array({exact("ok")})), std::move(d)}));
    };
    const auto topics = json::array({exact("a")});
    CHECK(refusal(one({{"type", mercure_type}, {"topics", topics}})).find("actions") !=
          std::string::npos);
    CHECK(refusal(one(detail(json::array(), topics))).find("actions") != std::string::npos);
    CHECK_FALSE(refusal(one(detail("publish", topics))).empty());
    CHECK(refusal(one(detail({"publish", 1}, topics))) == "an action is not a string");
    CHECK_FALSE(refusal(one(detail({"publish", nullptr}, topics))).empty());
    CHECK(refusal(one({{"type", mercure_type}, {"actions", {"publish"}}})).find("topics") !=
          std::string::npos);
    CHECK_FALSE(refusal(one(detail({"publish"}, json::array()))).empty());
    CHECK_FALSE(refusal(one(detail({"publish"}, exact("a")))).empty());
    CHECK_FALSE(refusal(one({{"type", 7}, {"actions", {"publish"}}, {"topics", topics}})).empty());
    CHECK(refusal(one("a string")) == "an authorization detail is not an object");
    CHECK_FALSE(refusal(one(nullptr)).empty());
    CHECK_FALSE(refusal(details("not an array")).empty());
    CHECK_FALSE(refusal(details(json::object())).empty());
}

TEST_CASE("reference: malformed topic matchers refuse the whole token") {
    const auto with_topic = [](json topic) {
        return details(
            json::array({detail({"subscribe"}, json::array({exact("ok"), std::move(topic)}))}));
    };
    // Bare strings are the draft-07 shape, refused here.
    CHECK(refusal(with_topic("https://example.com/foo")) == "a topic matcher is not an object");
    CHECK_FALSE(refusal(with_topic(nullptr)).empty());
    CHECK_FALSE(refusal(with_topic(json::array({"a"}))).empty());
    CHECK(refusal(with_topic(json::object())).find("\"match\"") != std::string::npos);
    CHECK_FALSE(refusal(with_topic({{"match", 1}})).empty());
    CHECK_FALSE(refusal(with_topic({{"match", nullptr}})).empty());
    CHECK(refusal(with_topic(exact(""))) == "a topic matcher is empty");
    CHECK_FALSE(refusal(with_topic({{"match", "a"}, {"match_type", 1}})).empty());
}

TEST_CASE("an unknown match_type refuses the token: it must fail loudly, not be skipped") {
    for (const char* type : {"regexp", "Regexp", "Exact", "URLPattern", "uritemplate", "topic",
                             "_deprecated_topic", "", "exact "}) {
        INFO(type);
        const auto why = refusal(details(json::array({detail(
            {"subscribe"}, json::array({exact("ok"), {{"match", "a"}, {"match_type", type}}}))})));
        CHECK(why == std::string("unsupported topic matcher type \"") + type + "\"");
    }
    // Even in a detail whose actions are all unknown.
    CHECK_FALSE(
        refusal(details(json::array({detail(
                    {"delete"}, json::array({{{"match", "a"}, {"match_type", "regexp"}}}))})))
            .empty());
}

TEST_CASE("reference: control and format characters in a matcher refuse the token") {
    for (const char* pattern : {"foo\x00"
                                "bar",
                                "foo\nbar", "foo\x7f", "foo\xc2\x85",
                                "a\xe2\x80\x8b"
                                "b",
                                "\xe2\x80\xae"
                                "gnp.exe",
                                "\xef\xbb\xbf"
                                "x"}) {
        INFO(pattern);
        std::string p = pattern;
        if (p == "foo")
            p = std::string("foo\0bar", 7);
        CHECK(refusal(details(json::array({detail({"publish"}, json::array({{{"match", p}}}))}))) ==
              "a topic matcher contains a control or format character");
    }
    // Other non-ASCII text is fine.
    CHECK(refusal(details(json::array(
              {detail({"publish"}, json::array({exact("https://例え.jp/ü")}))}))) == "");
}

TEST_CASE("reference: the number of details, of topics and a pattern's length are bounded") {
    json many = json::array();
    for (int i = 0; i < 101; ++i)
        many.push_back(detail({"publish"}, json::array({exact("a")})));
    CHECK(refusal(details(many)).find("more than 100 Mercure") != std::string::npos);
    many.erase(many.begin());
    CHECK(refusal(details(many)) == "");

    json topics = json::array();
    for (int i = 0; i < 101; ++i)
        topics.push_back(exact("a"));
    CHECK(
        refusal(details(json::array({detail({"publish"}, topics)}))).find("more than 100 topic") !=
        std::string::npos);
    // Split across details, the total still counts.
    json half = json::array();
    for (int i = 0; i < 51; ++i)
        half.push_back(exact("a"));
    CHECK_FALSE(
        refusal(details(json::array({detail({"publish"}, half), detail({"subscribe"}, half)})))
            .empty());

    CHECK(refusal(details(json::array(
              {detail({"publish"}, json::array({exact(std::string(4096, 'a').c_str())}))}))) == "");
    CHECK(refusal(details(json::array(
                      {detail({"publish"}, json::array({exact(std::string(4097, 'a').c_str())}))})))
              .find("longer than 4096") != std::string::npos);
}

TEST_CASE("a draft-08 payload must be a JSON object") {
    auto d = detail({"subscribe"}, json::array({exact("a")}));
    d["payload"] = "a string";
    CHECK(refusal(details(json::array({d}))) == "a \"payload\" is not a JSON object");
    d["payload"] = json::array();
    CHECK_FALSE(refusal(details(json::array({d}))).empty());
    d["payload"] = nullptr;
    CHECK(grants_of(details(json::array({d}))).subscribe ==
          std::vector<selector>{sel("exact", "a")});
}

TEST_CASE("draft-07: mercure.publish and mercure.subscribe selectors are exact-or-URI-template") {
    const auto g = grants_of(
        {{"mercure",
          {{"publish", {"https://example.com/books/{id}", "*"}},
           {"subscribe", {"https://example.com/users/foo/{?topic}"}},
           {"payload", {{"user", "https://example.com/users/dunglas"}, {"groups", {1, 2}}}}}}});
    CHECK(g.source == claims_source::mercure_claim);
    CHECK(g.publish ==
          std::vector<selector>{sel("topic", "https://example.com/books/{id}"), sel("topic", "*")});
    CHECK(g.subscribe ==
          std::vector<selector>{sel("topic", "https://example.com/users/foo/{?topic}")});
    REQUIRE(g.payload);
    CHECK(json::parse(*g.payload) ==
          json{{"user", "https://example.com/users/dunglas"}, {"groups", {1, 2}}});
}

TEST_CASE("draft-07: mercure.payload may be any JSON value, and null is none") {
    CHECK(grants_of({{"mercure", {{"payload", "text"}}}}).payload ==
          std::optional<std::string>("\"text\""));
    CHECK(grants_of({{"mercure", {{"payload", 42}}}}).payload == std::optional<std::string>("42"));
    CHECK_FALSE(grants_of({{"mercure", {{"payload", nullptr}}}}).payload);
    const auto g = grants_of({{"mercure", json::object()}});
    CHECK(g.source == claims_source::mercure_claim);
    CHECK(g.publish.empty());
}

TEST_CASE("draft-07: the namespaced https://mercure.rocks/ claim replaces mercure") {
    const auto g = grants_of({{"mercure", {{"publish", {"short"}}}},
                              {"https://mercure.rocks/", {{"publish", {"namespaced"}}}}});
    CHECK(g.publish == std::vector<selector>{sel("topic", "namespaced")});
}

TEST_CASE("reference: draft-07 object-form selectors carry a match_type and their own payload") {
    const auto g = grants_of(
        {{"mercure",
          {{"publish",
            {{{"match", "/books/:id"}, {"match_type", "urlpattern"}, {"payload", {{"x", 1}}}}}},
           {"subscribe",
            {{{"match", "https://example.com/a"}, {"payload", {{"k", "v"}}}},
             "https://example.com/{b}"}}}}});
    CHECK(g.publish == std::vector<selector>{sel("urlpattern", "/books/:id")});
    CHECK(g.subscribe ==
          std::vector<selector>{sel("exact", "https://example.com/a", R"({"k":"v"})"),
                                sel("topic", "https://example.com/{b}")});
    CHECK(refusal({{"mercure", {{"subscribe", {{{"match", "a"}, {"match_type", "regexp"}}}}}}}) ==
          "unsupported topic matcher type \"regexp\"");
    CHECK_FALSE(refusal({{"mercure", {{"subscribe", {{{"match_type", "exact"}}}}}}}).empty());
}

TEST_CASE("draft-07: claims of the wrong type refuse the token") {
    CHECK(refusal({{"mercure", "publish"}}) == "the \"mercure\" claim is not an object");
    CHECK(refusal({{"mercure", json::array()}}) == "the \"mercure\" claim is not an object");
    CHECK(refusal({{"mercure", {{"publish", "foo"}}}}) == "\"mercure.publish\" is not an array");
    CHECK(refusal({{"mercure", {{"subscribe", {{"foo", 1}}}}}}) != "");
    CHECK(refusal({{"mercure", {{"subscribe", {1}}}}}) ==
          "a \"mercure.subscribe\" selector is not a string");
    CHECK(refusal({{"mercure", {{"subscribe", {nullptr}}}}}) != "");
    CHECK(refusal({{"mercure", {{"subscribe", {true}}}}}) != "");
    CHECK(refusal({{"mercure", {{"publish", {std::string("a\0b", 3)}}}}}) != "");
    CHECK(grants_of({{"mercure", {{"publish", nullptr}}}}).publish.empty());
    CHECK(grants_of({{"mercure", nullptr}}).source == claims_source::none);
}

TEST_CASE("draft-07: at most 1000 selectors per array") {
    json list = json::array();
    for (int i = 0; i < 1000; ++i)
        list.push_back("t");
    CHECK(refusal({{"mercure", {{"subscribe", list}}}}) == "");
    list.push_back("t");
    CHECK(refusal({{"mercure", {{"subscribe", list}}}}).find("more than 1000") !=
          std::string::npos);
}

TEST_CASE("with both claims, non-empty authorization_details wins and mercure is ignored") {
    const json legacy = {{"publish", {"legacy"}}};
    auto g = grants_of(
        {{"mercure", legacy},
         {"authorization_details", {detail({"publish"}, json::array({exact("modern")}))}}});
    CHECK(g.source == claims_source::authorization_details);
    CHECK(g.publish == std::vector<selector>{sel("exact", "modern")});
    // Even when its entries are all of other types: the token chose draft-08.
    g = grants_of({{"mercure", legacy}, {"authorization_details", {{{"type", "other"}}}}});
    CHECK(g.source == claims_source::authorization_details);
    CHECK(g.publish.empty());
    // A malformed legacy claim is not even read.
    CHECK(refusal({{"mercure", "junk"},
                   {"authorization_details", {detail({"publish"}, json::array({exact("m")}))}}}) ==
          "");
    // An empty array is no authorization details: the legacy claim counts.
    g = grants_of({{"mercure", legacy}, {"authorization_details", json::array()}});
    CHECK(g.source == claims_source::mercure_claim);
    CHECK(g.publish == std::vector<selector>{sel("topic", "legacy")});
}

TEST_CASE("claims_mode draft08 ignores the mercure claim, draft07 ignores authorization_details") {
    const json legacy = {{"publish", {"legacy"}}};
    auto g = grants_of({{"mercure", legacy}}, claims_mode::draft08);
    CHECK(g.source == claims_source::none);
    CHECK(g.publish.empty());
    g = grants_of({{"authorization_details", "junk"}, {"mercure", legacy}}, claims_mode::draft07);
    CHECK(g.publish == std::vector<selector>{sel("topic", "legacy")});
    CHECK(refusal({{"authorization_details", "junk"}}, claims_mode::draft08) != "");
}

TEST_CASE("a token with neither claim grants nothing") {
    const auto g = grants_of(json::object());
    CHECK(g.source == claims_source::none);
    CHECK(g.publish.empty());
    CHECK(g.subscribe.empty());
    CHECK_FALSE(g.payload);
}

TEST_CASE("a refusal's detail quotes token text without line breaks or quotes, and cut short") {
    const auto why = refusal(details(json::array({detail(
        {"subscribe"}, json::array({{{"match", "a"}, {"match_type", "x\"\n[ERROR] forged"}}}))})));
    CHECK(why == "unsupported topic matcher type \"x??[ERROR] forged\"");
    const auto long_type = std::string(100, 't');
    const auto cut = refusal(details(json::array(
        {detail({"subscribe"}, json::array({{{"match", "a"}, {"match_type", long_type}}}))})));
    CHECK(cut == "unsupported topic matcher type \"" + std::string(64, 't') + "...\"");
}
