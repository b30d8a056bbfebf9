// tests/app/route_test.cpp — where each request goes, without a socket: the
// router (route in app/session.cpp) is called on a parsed head and its answer
// is read as a value.
#include "session.hpp"

#include "catch.hpp"
#include "event_stream.hpp"
#include "health.hpp"
#include "herald/http/request_parser.hpp"
#include "hub/hub.hpp"
#include "metrics/metrics.hpp"
#include "tokens.hpp"

#include <atomic>
#include <charconv>
#include <chrono>
#include <string>

namespace {

using herald::app::route_result;

herald::app::options quiet_options() {
    herald::app::options o;
    o.host = "127.0.0.1";
    o.port = 4321;
    o.level = herald::app::log_level::off;
    return o;
}

/// What a worker hands its sessions, built from `opts` without a server:
/// the hub node (memory backbone), health and metrics sources.
class routing {
public:
    explicit routing(herald::app::options opts = quiet_options())
        : opts_(std::move(opts))
        , log_(herald::app::log_level::off)
        , events_(herald::app::make_stream_template(opts_))
        , hub_(opts_, log_) {
        health_.add_worker();
        health_.set_listening();
        metrics_.workers.push_back(&counters_);
        metrics_.open_connections = [] { return std::size_t(0); };
        metrics_.rejected_busy = [] { return std::uint64_t(0); };
        metrics_.version = "test";
    }

    /// The router's answer to "<method> <target> HTTP/1.1" with a Host
    /// field, the extra `fields` (each ending in CRLF) and `body`, as it came
    /// in on the public port.
    route_result answer(const std::string& request_line, const std::string& fields = {},
                        std::string_view body = {}) {
        return route(request_line, fields, body, false);
    }
    /// The same, as it came in on the --admin-listen port.
    route_result answer_on_admin_port(const std::string& request_line) {
        return route(request_line, {}, {}, true);
    }

private:
    route_result route(const std::string& request_line, const std::string& fields,
                       std::string_view body, bool admin) {
        herald::http::request_parser parser;
        const auto head = request_line + " HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n";
        REQUIRE(parser.feed(head).state == herald::http::request_parser::status::done);
        herald::app::session_context ctx{opts_,   log_,     events_,    streams_,  &hub_,
                                         nullptr, &health_, &counters_, &metrics_, admin};
        return herald::app::route(parser.get(), body, ctx);
    }

    herald::app::options opts_;
    herald::app::logger log_;
    herald::app::stream_template events_;
    std::atomic<std::size_t> streams_{0};
    herald::app::hub_node hub_;
    herald::app::health_state health_;
    herald::app::worker_counters counters_;
    herald::app::metrics_sources metrics_;
};

/// Completes a response the router computes later (the subscriptions API,
/// a publish), as the session would: runs it to its end on an io_context.
route_result completed(route_result r) {
    if (!r.deferred)
        return r;
    asio::io_context io;
    asio::co_spawn(io, r.deferred(), [&r](std::exception_ptr e, std::string response) {
        if (e)
            std::rethrow_exception(e);
        r.response = std::move(response);
    });
    io.run();
    r.deferred = nullptr;
    return r;
}

int status_of(const route_result& r) {
    int status = 0;
    if (r.response.size() >= 12)
        std::from_chars(r.response.data() + 9, r.response.data() + 12, status);
    return status;
}

/// The value of the field `name` in a complete response's head, or "".
std::string field(const route_result& r, const std::string& name) {
    const auto head = r.response.substr(0, r.response.find("\r\n\r\n") + 2);
    const auto at = head.find("\r\n" + name + ": ");
    if (at == std::string::npos)
        return {};
    const auto from = at + 4 + name.size();
    return head.substr(from, head.find("\r\n", from) - from);
}

bool is_complete(const route_result& r) {
    return !r.stream && !r.deferred && !r.response.empty();
}

const std::string publisher_key = "publisher-secret-at-least-32-bytes!!";

const std::string subscriber_key = "subscriber-secret-at-least-32-bytes!";

std::string token(const std::string& key, const std::string& claims) {
    return herald::test::hs256_token(key, claims);
}

std::string publish_token() {
    return token(publisher_key, R"({"mercure":{"publish":["*"]}})");
}

} // namespace

TEST_CASE("GET and HEAD / serve the demo page, other methods get 405 with Allow") {
    routing r;
    const auto get = r.answer("GET /");
    REQUIRE(is_complete(get));
    CHECK(status_of(get) == 200);
    CHECK(field(get, "Content-Type") == "text/html; charset=utf-8");
    CHECK(get.response.find("<html") != std::string::npos);
    CHECK(status_of(r.answer("GET /index.html")) == 200);

    const auto head = r.answer("HEAD /");
    CHECK(status_of(head) == 200);
    CHECK(field(head, "Content-Length") == field(get, "Content-Length"));
    CHECK(head.response.ends_with("\r\n\r\n")); // the head only

    const auto post = r.answer("POST /", "Content-Length: 0\r\n");
    CHECK(status_of(post) == 405);
    CHECK(field(post, "Allow") == "GET, HEAD");
}

TEST_CASE("GET and HEAD /sse become a stream, OPTIONS answers 204, others get 405 with Allow") {
    routing r;
    const auto get = r.answer("GET /sse");
    CHECK(get.stream);
    CHECK_FALSE(get.close);
    CHECK(r.answer("HEAD /sse").stream);

    const auto options = r.answer("OPTIONS /sse");
    REQUIRE(is_complete(options));
    CHECK(status_of(options) == 204);
    CHECK(field(options, "Allow") == "GET, HEAD, OPTIONS");
    CHECK(field(options, "Access-Control-Allow-Origin").empty()); // no --cors-origin

    const auto del = r.answer("DELETE /sse");
    CHECK(status_of(del) == 405);
    CHECK(field(del, "Allow") == "GET, HEAD, OPTIONS");
}

TEST_CASE("OPTIONS /sse answers a listed origin's preflight and says that it varies by Origin") {
    auto opts = quiet_options();
    opts.cors_origins = {"https://app.example"};
    routing r(opts);
    const auto listed = r.answer("OPTIONS /sse", "Origin: https://app.example\r\n");
    CHECK(field(listed, "Access-Control-Allow-Origin") == "https://app.example");
    CHECK(field(listed, "Access-Control-Allow-Headers") == "Last-Event-ID, Cache-Control");
    CHECK(field(listed, "Vary") == "Origin");
    const auto other = r.answer("OPTIONS /sse", "Origin: https://evil.example\r\n");
    CHECK(field(other, "Access-Control-Allow-Origin").empty());
    CHECK(field(other, "Vary") == "Origin");
}

TEST_CASE("GET and HEAD on the hub's URL become a subscriber's stream") {
    routing r;
    CHECK(r.answer("GET /.well-known/mercure?topic=a").stream);
    CHECK(r.answer("HEAD /.well-known/mercure?topic=a").stream);
}

TEST_CASE("a subscribe without a topic is refused with 400 before any stream starts") {
    routing r;
    const auto refused = r.answer("GET /.well-known/mercure");
    REQUIRE(is_complete(refused));
    CHECK(status_of(refused) == 400);
}

TEST_CASE("a POST to the hub with a publisher's token is answered later, once the update is "
          "stored") {
    auto opts = quiet_options();
    opts.publisher_jwt_key = publisher_key;
    routing r(opts);
    const auto posted = r.answer("POST /.well-known/mercure",
                                 "Authorization: Bearer " + publish_token() +
                                     "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                                     "Content-Length: 16\r\n",
                                 "topic=a&data=one");
    CHECK(posted.deferred);
    CHECK_FALSE(posted.stream);
    CHECK(posted.response.empty());
}

TEST_CASE("a POST to the hub without a token is refused with 401 at once") {
    auto opts = quiet_options();
    opts.publisher_jwt_key = publisher_key;
    routing r(opts);
    const auto refused = r.answer("POST /.well-known/mercure", "Content-Length: 7\r\n", "topic=a");
    REQUIRE(is_complete(refused));
    CHECK(status_of(refused) == 401);
    CHECK_FALSE(field(refused, "WWW-Authenticate").empty());
}

TEST_CASE(
    "OPTIONS on the hub's URL answers 204 naming its methods, other methods get 405 with Allow") {
    routing r;
    const auto options = r.answer("OPTIONS /.well-known/mercure");
    REQUIRE(is_complete(options));
    CHECK(status_of(options) == 204);
    CHECK(field(options, "Allow") == "GET, HEAD, POST, OPTIONS");

    const auto put = r.answer("PUT /.well-known/mercure", "Content-Length: 0\r\n");
    CHECK(status_of(put) == 405);
    CHECK(field(put, "Allow") == "GET, HEAD, POST, OPTIONS");
}

TEST_CASE("the subscriptions API exists only with --subscriptions, and serves GET and HEAD to "
          "subscribers whose token covers it") {
    routing without;
    CHECK(status_of(without.answer("GET /.well-known/mercure/subscriptions")) == 404);

    auto opts = quiet_options();
    opts.subscriptions = true;
    opts.subscriber_jwt_key = subscriber_key;
    routing with(opts);
    const auto anonymous = with.answer("GET /.well-known/mercure/subscriptions");
    CHECK(status_of(anonymous) == 401);
    const auto list = completed(
        with.answer("GET /.well-known/mercure/subscriptions",
                    "Authorization: Bearer " +
                        token(subscriber_key, R"({"mercure":{"subscribe":["*"]}})") + "\r\n"));
    REQUIRE(is_complete(list));
    CHECK(status_of(list) == 200);
    CHECK(field(list, "Content-Type") == "application/json");
    CHECK(list.response.find("\"type\":\"subscriptions\"") != std::string::npos);

    const auto post =
        with.answer("POST /.well-known/mercure/subscriptions", "Content-Length: 0\r\n");
    CHECK(status_of(post) == 405);
    CHECK(field(post, "Allow") == "GET, HEAD");
    CHECK(status_of(with.answer("GET /.well-known/mercure/subscriptions/")) == 404);
}

TEST_CASE("/metrics answers GET and HEAD with the exposition, other methods get 405 with Allow") {
    routing r;
    const auto get = r.answer("GET /metrics");
    REQUIRE(is_complete(get));
    CHECK(status_of(get) == 200);
    CHECK(field(get, "Content-Type") == herald::app::metrics_content_type);
    CHECK(get.response.find("herald_") != std::string::npos);
    CHECK(status_of(r.answer("HEAD /metrics")) == 200);

    const auto post = r.answer("POST /metrics", "Content-Length: 0\r\n");
    CHECK(status_of(post) == 405);
    CHECK(field(post, "Allow") == "GET, HEAD");
}

TEST_CASE("/healthz and /readyz answer 200 while the server is live and ready") {
    routing r;
    CHECK(status_of(r.answer("GET /healthz")) == 200);
    CHECK(status_of(r.answer("GET /readyz")) == 200);
}

TEST_CASE("with --admin-listen, health and metrics are served on the admin port only, and "
          "nothing else is") {
    auto opts = quiet_options();
    opts.admin_listen = "127.0.0.1:0";
    routing r(opts);
    CHECK(status_of(r.answer("GET /healthz")) == 404);
    CHECK(status_of(r.answer("GET /metrics")) == 404);
    CHECK(status_of(r.answer_on_admin_port("GET /healthz")) == 200);
    CHECK(status_of(r.answer_on_admin_port("GET /metrics")) == 200);
    CHECK(status_of(r.answer_on_admin_port("GET /")) == 404);
    CHECK(r.answer("GET /sse").stream);
}

TEST_CASE("an unknown path gets 404, and a HEAD for one gets the 404 head without content") {
    routing r;
    const auto get = r.answer("GET /nowhere");
    REQUIRE(is_complete(get));
    CHECK(status_of(get) == 404);
    const auto head = r.answer("HEAD /nowhere");
    CHECK(status_of(head) == 404);
    CHECK(head.response.ends_with("\r\n\r\n"));
    CHECK(field(head, "Content-Length") == field(get, "Content-Length"));
}

TEST_CASE("a method herald does not know gets 501, whatever the path") {
    routing r;
    CHECK(status_of(r.answer("BREW /sse")) == 501);
    CHECK(status_of(r.answer("BREW /nowhere")) == 501);
}

TEST_CASE("OPTIONS * asks about the server and gets 204 with Allow") {
    routing r;
    const auto star = r.answer("OPTIONS *");
    CHECK(status_of(star) == 204);
    CHECK(field(star, "Allow") == "GET, HEAD, OPTIONS");
}
