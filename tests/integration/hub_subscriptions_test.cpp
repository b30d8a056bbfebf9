// Mercure active subscriptions (--subscriptions): the hub's subscription
// events and the subscription API, against draft-08's examples. Tagged [hub].
#include "catch.hpp"
#include "hub_client.hpp"
#include "loopback.hpp"
#include "test_server.hpp"
#include "tokens.hpp"

#include "herald/auth/signer.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using herald::test::body_of;
using herald::test::client;
using herald::test::post;
using herald::test::publish;
using herald::test::status_of;
using herald::test::stream_body;
using herald::test::subscribe;
using herald::test::test_server;
using json = nlohmann::json;

namespace {

const std::string publisher_key = "publisher-secret-of-at-least-32-bytes!";
const std::string subscriber_key = "subscriber-secret-of-at-least-32-bytes";
constexpr std::string_view all_subscriptions = "/.well-known/mercure/subscriptions/*";

std::string token(const std::string& claims) {
    return herald::test::hs256_token(subscriber_key, claims);
}

// A draft-08 subscriber token: one subscribe detail with one matcher, and
// the detail's payload (a JSON object, or empty for none).
std::string subscriber_token(std::string_view match_type, std::string_view match,
                             std::string_view payload = {}) {
    std::string detail = "{\"type\":\"https://mercure.rocks/authorization-detail\","
                         "\"actions\":[\"subscribe\"],\"topics\":[{\"match_type\":\"" +
                         std::string(match_type) + "\",\"match\":\"" + std::string(match) + "\"}]";
    if (!payload.empty())
        detail += ",\"payload\":" + std::string(payload);
    return token("{\"authorization_details\":[" + detail + "}]}");
}

std::string bearer(const std::string& t) {
    return "Authorization: Bearer " + t + "\r\n";
}

herald::app::options subscriptions_options(bool enabled = true) {
    auto o = herald::test::test_options();
    o.publisher_jwt_key = publisher_key;
    o.subscriber_jwt_key = subscriber_key;
    o.subscriptions = enabled;
    return o;
}

std::string get(std::uint16_t port, std::string_view path, std::string_view extra = {},
                std::string_view method = "GET") {
    client c(port);
    c.send(std::string(method) + " " + std::string(path) +
           " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n" + std::string(extra) + "\r\n");
    return c.read_to_end();
}

std::string header_of(const std::string& response, std::string_view name) {
    const auto at = response.find("\r\n" + std::string(name) + ": ");
    if (at == std::string::npos)
        return {};
    const auto start = at + 4 + name.size();
    return response.substr(start, response.find("\r\n", start) - start);
}

// The subscription events in a stream, as JSON documents, in order; checks
// each is dispatched under the reserved `mercure` event type.
std::vector<json> subscription_events(const client& c) {
    std::vector<json> events;
    const auto& all = c.received();
    for (auto at = all.find("event: mercure\n"); at != std::string::npos;
         at = all.find("event: mercure\n", at + 1)) {
        const auto data = all.find("data: ", at);
        const auto end = all.find("\n\n", data);
        if (data == std::string::npos || end == std::string::npos)
            break;
        events.push_back(json::parse(all.substr(data + 6, end - data - 6)));
    }
    return events;
}

constexpr std::string_view watch_query =
    "match_urlpattern=%2F.well-known%2Fmercure%2Fsubscriptions%2F*";
constexpr std::string_view topic_query = "match=https%3A%2F%2Fexample.com%2Fa-topic";
constexpr std::string_view topic_path =
    "/.well-known/mercure/subscriptions/exact/https%3A%2F%2Fexample.com%2Fa-topic";

} // namespace

TEST_CASE("subscription events announce a subscriber's connection and departure to authorized "
          "subscribers only",
          "[hub]") {
    test_server server(subscriptions_options());
    auto watcher = subscribe(server.port(), watch_query,
                             bearer(subscriber_token("urlpattern", all_subscriptions)));
    auto outsider = subscribe(server.port(), watch_query,
                              bearer(subscriber_token("exact", "https://example.com/other")));
    std::string subscriber_id;
    {
        auto sub = subscribe(
            server.port(), topic_query,
            bearer(subscriber_token("exact", "https://example.com/a-topic", "{\"baz\":\"bat\"}")));
        watcher.read_until("a-topic");
        watcher.read_until("\n\n");
        const auto events = subscription_events(watcher);
        REQUIRE(!events.empty());
        const auto& e = events.back();
        CHECK(e["type"] == "subscription");
        CHECK(e["match_type"] == "exact");
        CHECK(e["match"] == "https://example.com/a-topic");
        CHECK(e["active"] == true);
        CHECK(e["payload"] == json{{"baz", "bat"}});
        subscriber_id = e["subscriber"].get<std::string>();
        CHECK(subscriber_id.starts_with("urn:uuid:"));
        CHECK(subscriber_id.size() == 45);
        // The id: the topic, with {match} and {subscriber} percent-encoded once.
        auto encoded = subscriber_id;
        encoded.replace(3, 1, "%3A").replace(10, 1, "%3A");
        CHECK(e["id"] == std::string(topic_path) + "/" + encoded);
    }
    watcher.read_until("\"active\":false");
    watcher.read_until("\n\n");
    const auto events = subscription_events(watcher);
    REQUIRE(!events.empty());
    const auto& gone = events.back();
    CHECK(gone["active"] == false);
    CHECK(gone["subscriber"] == subscriber_id);
    CHECK(gone["match"] == "https://example.com/a-topic");

    // The outsider's token does not cover the subscriptions topics: their
    // events are private, so it saw none of them.
    outsider.read_until("never", 200ms);
    CHECK(outsider.received().find("subscription") == std::string::npos);
}

TEST_CASE("publishers cannot forge subscription events", "[hub]") {
    auto opts = subscriptions_options();
    opts.test_allow_all_publishers = true;
    test_server server(opts);
    client c(server.port());
    const std::string body =
        "topic=%2F.well-known%2Fmercure%2Fsubscriptions%2Fexact%2Fx%2Fy&data=x";
    c.send("POST /.well-known/mercure HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Type: "
           "application/x-www-form-urlencoded\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body);
    CHECK(status_of(c.read_to_end()) == 400);
}

TEST_CASE("the subscription API lists active subscriptions as the draft's documents", "[hub]") {
    test_server server(subscriptions_options());
    const auto reader =
        bearer(subscriber_token("urlpattern", "/.well-known/mercure/subscriptions{/*}?"));
    auto sub = subscribe(
        server.port(), topic_query,
        bearer(subscriber_token("exact", "https://example.com/a-topic", "{\"baz\":\"bat\"}")));

    const auto all = get(server.port(), "/.well-known/mercure/subscriptions", reader);
    REQUIRE(status_of(all) == 200);
    CHECK(header_of(all, "Content-Type") == "application/json");
    const auto link = header_of(all, "Link");
    CHECK(link.find("rel=\"mercure\"") != std::string::npos);
    CHECK(link.find("last-event-id=\"urn:uuid:") != std::string::npos);
    const auto collection = json::parse(body_of(all));
    CHECK(collection["id"] == "/.well-known/mercure/subscriptions");
    CHECK(collection["type"] == "subscriptions");
    REQUIRE(collection["subscriptions"].size() == 1);
    const auto doc = collection["subscriptions"][0];
    CHECK(doc["type"] == "subscription");
    CHECK(doc["match_type"] == "exact");
    CHECK(doc["match"] == "https://example.com/a-topic");
    CHECK(doc["active"] == true);
    CHECK(doc["payload"] == json{{"baz", "bat"}});
    const auto id = doc["id"].get<std::string>();
    CHECK(id.starts_with(std::string(topic_path) + "/urn%3Auuid%3A"));

    const auto by_topic = get(server.port(), topic_path, reader);
    REQUIRE(status_of(by_topic) == 200);
    const auto topic_doc = json::parse(body_of(by_topic));
    CHECK(topic_doc["id"] == std::string(topic_path));
    CHECK(topic_doc["type"] == "subscriptions");
    CHECK(topic_doc["subscriptions"] == json::array({doc}));

    const auto one = get(server.port(), id, reader);
    REQUIRE(status_of(one) == 200);
    CHECK(json::parse(body_of(one)) == doc);

    // Unknown subscription, unknown matcher, malformed layouts: 404.
    CHECK(status_of(get(server.port(), std::string(topic_path) + "/urn%3Auuid%3Anope", reader)) ==
          404);
    CHECK(status_of(get(server.port(),
                        "/.well-known/mercure/subscriptions/exact/https%3A%2F%2Fexample.com%2Fb",
                        reader)) == 404);
    CHECK(status_of(get(server.port(), "/.well-known/mercure/subscriptions/exact", reader)) == 404);
    CHECK(status_of(get(server.port(), id + "/more", reader)) == 404);

    // Other methods: 405.
    const auto post = get(server.port(), "/.well-known/mercure/subscriptions", reader, "DELETE");
    CHECK(status_of(post) == 405);
    CHECK(header_of(post, "Allow") == "GET, HEAD");

    // After the subscriber leaves, it is no longer listed.
    sub.close();
    herald::test::eventually([&] {
        return json::parse(body_of(
            get(server.port(), "/.well-known/mercure/subscriptions", reader)))["subscriptions"]
            .empty();
    });
    CHECK(status_of(get(server.port(), id, reader)) == 404);
}

TEST_CASE("the subscription API requires a token granting subscribe on the requested URL",
          "[hub]") {
    test_server server(subscriptions_options());
    auto sub = subscribe(server.port(), topic_query,
                         bearer(subscriber_token("exact", "https://example.com/a-topic")));
    const auto path = std::string("/.well-known/mercure/subscriptions");

    const auto anonymous = get(server.port(), path);
    CHECK(status_of(anonymous) == 401);
    CHECK(header_of(anonymous, "WWW-Authenticate").starts_with("Bearer"));

    const auto invalid = get(server.port(), path, "Authorization: Bearer not.a.token\r\n");
    CHECK(status_of(invalid) == 401);

    // A grant on application topics, not on the subscriptions URL: 403.
    const auto other =
        get(server.port(), path, bearer(subscriber_token("exact", "https://example.com/a-topic")));
    CHECK(status_of(other) == 403);
    CHECK(header_of(other, "WWW-Authenticate") == "Bearer error=\"insufficient_scope\"");

    // A grant on one matcher's collection covers it, not the whole list.
    const auto one_topic = bearer(subscriber_token("exact", std::string(topic_path)));
    CHECK(status_of(get(server.port(), topic_path, one_topic)) == 200);
    CHECK(status_of(get(server.port(), path, one_topic)) == 403);

    // A publisher's key does not sign subscriber tokens.
    std::string error;
    const auto publisher =
        herald::auth::signer::create(herald::auth::algorithm::hs256, publisher_key, error);
    const auto forged = publisher->sign(
        "{\"authorization_details\":[{\"type\":\"https://mercure.rocks/authorization-detail\","
        "\"actions\":[\"subscribe\"],\"topics\":[{\"match\":\"*\"}]}]}");
    CHECK(status_of(get(server.port(), path, bearer(forged))) == 401);

    // The reserved wildcard covers the API.
    CHECK(status_of(get(server.port(), path, bearer(subscriber_token("exact", "*")))) == 200);
}

TEST_CASE("without --subscriptions there are no subscription events and no API", "[hub]") {
    test_server server(subscriptions_options(false));
    const auto reader = bearer(subscriber_token("exact", "*"));
    auto watcher = subscribe(server.port(), "match=*", reader);
    {
        auto sub = subscribe(server.port(), topic_query,
                             bearer(subscriber_token("exact", "https://example.com/a-topic")));
        watcher.read_until("never", 200ms);
    }
    watcher.read_until("never", 200ms);
    CHECK(watcher.received().find("subscription") == std::string::npos);
    CHECK(status_of(get(server.port(), "/.well-known/mercure/subscriptions", reader)) == 404);
    CHECK(status_of(get(server.port(), topic_path, reader)) == 404);
}
