#include "herald/redis/subscriber.hpp"

#include "catch.hpp"
#include "herald/redis/connection.hpp"
#include "herald/redis/error.hpp"
#include "local_redis.hpp"
#include "redis_server.hpp"

#include <string>
#include <vector>

using namespace herald;
using namespace herald::redis;
using herald::test::local;
using herald::test::redis_server;
using herald::test::run;
using namespace std::chrono_literals;
using type = subscriber_event::type;

namespace {

subscriber_options fast(std::size_t max_queued = 10000) {
    subscriber_options s;
    s.retry = {10ms, 100ms, false};
    s.max_queued = max_queued;
    return s;
}

awaitable<subscriber_event> next(subscriber& s) {
    co_return co_await s.next();
}

// PUBLISH from a connection of its own; returns how many subscribers got it.
long long publish(net::io_context& io, connection& c, std::string channel, std::string payload) {
    auto r = run(io, [](connection& conn, std::string ch, std::string p) -> awaitable<exec_result> {
        co_return co_await conn.exec("PUBLISH", ch, p);
    }(c, std::move(channel), std::move(payload)));
    REQUIRE(!r.ec);
    return r.value.integer;
}

awaitable<error_code> connect(connection& c) {
    co_return co_await c.connect();
}

// A fake Redis that confirms the subscription, then never says anything again
// (a half-open connection, as when the host behind it vanished).
awaitable<void> silent_after_subscribe(tcp::acceptor& acceptor) {
    auto [aec, socket] = co_await acceptor.async_accept(use_tuple);
    if (aec)
        co_return;
    std::array<char, 4096> chunk;
    bool confirmed = false;
    for (;;) {
        auto [ec, n] = co_await socket.async_read_some(net::buffer(chunk), use_tuple);
        if (ec)
            co_return;
        if (!confirmed) {
            confirmed = true;
            const std::string ok = "*3\r\n$9\r\nsubscribe\r\n$7\r\nupdates\r\n:1\r\n";
            (void)co_await net::async_write(socket, net::buffer(ok), use_tuple);
        }
    }
}

} // namespace

TEST_CASE("a subscriber delivers published messages in order, after `subscribed`", "[subscriber]") {
    redis_server server;
    net::io_context io;
    subscriber sub(io.get_executor(), local(server.port()), {"updates", "other"}, fast());
    sub.start();
    CHECK(!sub.is_subscribed());
    auto first = run(io, next(sub));
    REQUIRE(first.kind == type::subscribed);
    CHECK(sub.is_subscribed());

    connection pub(io.get_executor(), local(server.port()));
    REQUIRE(!run(io, connect(pub)));
    const std::string binary("x\0\r\ny", 5);
    CHECK(publish(io, pub, "updates", "hello") == 1);
    CHECK(publish(io, pub, "other", binary) == 1);
    CHECK(publish(io, pub, "unrelated", "nobody") == 0);
    for (int i = 0; i < 100; ++i)
        publish(io, pub, "updates", std::to_string(i));

    auto m1 = run(io, next(sub));
    CHECK(m1.kind == type::message);
    CHECK(m1.channel == "updates");
    CHECK(m1.payload == "hello");
    auto m2 = run(io, next(sub));
    CHECK(m2.channel == "other");
    CHECK(m2.payload == binary);
    for (int i = 0; i < 100; ++i) {
        auto m = run(io, next(sub));
        REQUIRE(m.kind == type::message);
        CHECK(m.payload == std::to_string(i));
    }
}

TEST_CASE("a subscriber reports the outage and re-subscribes after Redis restarts",
          "[subscriber]") {
    redis_server server;
    net::io_context io;
    subscriber sub(io.get_executor(), local(server.port()), {"updates"}, fast());
    sub.start();
    REQUIRE(run(io, next(sub)).kind == type::subscribed);

    server.stop();
    auto down = run(io, next(sub));
    CHECK(down.kind == type::disconnected);
    CHECK(down.ec == errc::connection_lost);
    CHECK(!sub.is_subscribed());
    test::run_for(io, 150ms); // failed attempts meanwhile: no more events

    server.start();
    auto up = run(io, next(sub), 3s);
    CHECK(up.kind == type::subscribed); // one `disconnected` per outage, then this
    CHECK(sub.is_subscribed());

    connection pub(io.get_executor(), local(server.port()));
    REQUIRE(!run(io, connect(pub)));
    CHECK(publish(io, pub, "updates", "after restart") == 1);
    auto m = run(io, next(sub));
    CHECK(m.kind == type::message);
    CHECK(m.payload == "after restart");
}

TEST_CASE("a subscriber started before Redis reports it down, then subscribes", "[subscriber]") {
    auto port = test::free_port();
    net::io_context io;
    auto o = local(port);
    subscriber sub(io.get_executor(), o, {"updates"}, fast());
    sub.start();
    auto down = run(io, next(sub));
    CHECK(down.kind == type::disconnected);
    CHECK(down.ec == net::error::connection_refused);
    CHECK(sub.last_error().find("cannot connect") != std::string::npos);
    test::run_for(io, 100ms); // more failed attempts: no more events
    bool more = false;
    subscriber_event later;
    net::co_spawn(
        io,
        [](subscriber& s, subscriber_event& out, bool& flag) -> awaitable<void> {
            out = co_await s.next();
            flag = true;
        }(sub, later, more),
        net::detached);
    test::run_for(io, 100ms);
    CHECK(!more);

    // Redis comes up on that port: the subscriber gets there by itself.
    redis_server server({}, port);
    REQUIRE(test::eventually_on(io, [&] { return more; }));
    CHECK(later.kind == type::subscribed);
    connection pub(io.get_executor(), local(port));
    REQUIRE(!run(io, connect(pub)));
    CHECK(publish(io, pub, "updates", "hi") == 1);
    CHECK(run(io, next(sub)).payload == "hi");
}

TEST_CASE("a subscriber with a wrong password reports subscribe failure reasons", "[subscriber]") {
    redis_server server({"--requirepass", "right"});
    net::io_context io;
    auto o = local(server.port());
    o.password = "wrong";
    subscriber sub(io.get_executor(), o, {"updates"}, fast());
    sub.start();
    auto down = run(io, next(sub));
    CHECK(down.kind == type::disconnected);
    CHECK(down.ec == errc::auth_failed);
    CHECK(sub.last_error().find("WRONGPASS") != std::string::npos);

    // Without AUTH, SUBSCRIBE itself is refused (NOAUTH).
    subscriber anonymous(io.get_executor(), local(server.port()), {"updates"}, fast());
    anonymous.start();
    auto refused = run(io, next(anonymous));
    CHECK(refused.kind == type::disconnected);
    CHECK(refused.ec == errc::subscribe_failed);
    CHECK(anonymous.last_error().find("NOAUTH") != std::string::npos);
}

TEST_CASE("a slow consumer loses nothing: the subscriber stops reading instead of queueing",
          "[subscriber]") {
    redis_server server;
    net::io_context io;
    subscriber sub(io.get_executor(), local(server.port()), {"updates"}, fast(8));
    sub.start();
    REQUIRE(run(io, next(sub)).kind == type::subscribed);
    connection pub(io.get_executor(), local(server.port()));
    REQUIRE(!run(io, connect(pub)));
    // 2000 messages of 1 KiB published while nobody consumes.
    const std::string pad(1024, 'p');
    run(io, [](connection& conn, std::string padding) -> awaitable<int> {
        for (int i = 0; i < 2000; ++i) {
            auto payload = std::to_string(i) + ":" + padding;
            auto r = co_await conn.exec("PUBLISH", "updates", payload);
            if (r.ec)
                co_return -1;
        }
        co_return 0;
    }(pub, pad));
    for (int i = 0; i < 2000; ++i) {
        auto m = run(io, next(sub));
        REQUIRE(m.kind == type::message);
        REQUIRE(m.payload == std::to_string(i) + ":" + pad);
    }
}

TEST_CASE("a silent subscriber connection is found dead by the PING health check", "[subscriber]") {
    net::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    net::co_spawn(io, silent_after_subscribe(acceptor), net::detached);
    auto s = fast();
    s.ping_interval = 100ms;
    subscriber sub(io.get_executor(), local(acceptor.local_endpoint().port()), {"updates"}, s);
    sub.start();
    REQUIRE(run(io, next(sub)).kind == type::subscribed);
    const auto start = std::chrono::steady_clock::now();
    auto down = run(io, next(sub));
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(down.kind == type::disconnected);
    CHECK(down.ec == errc::timeout);
    CHECK(took >= 150ms);
    CHECK(took < 1000ms);
    CHECK(sub.last_error().find("PING") != std::string::npos);
}

TEST_CASE("a live subscriber answers the health check and stays subscribed", "[subscriber]") {
    redis_server server;
    net::io_context io;
    auto s = fast();
    s.ping_interval = 30ms;
    subscriber sub(io.get_executor(), local(server.port()), {"updates"}, s);
    sub.start();
    REQUIRE(run(io, next(sub)).kind == type::subscribed);
    bool more = false;
    subscriber_event e;
    net::co_spawn(
        io,
        [](subscriber& sb, subscriber_event& out, bool& flag) -> awaitable<void> {
            out = co_await sb.next();
            flag = true;
        }(sub, e, more),
        net::detached);
    test::run_for(io, 300ms); // ten PINGs
    CHECK(!more);
    CHECK(sub.is_subscribed());
    connection pub(io.get_executor(), local(server.port()));
    REQUIRE(!run(io, connect(pub)));
    CHECK(publish(io, pub, "updates", "still here") == 1);
    REQUIRE(test::eventually_on(io, [&] { return more; }));
    CHECK(e.payload == "still here");
}

TEST_CASE("stop() ends next() with a stopped event", "[subscriber]") {
    redis_server server;
    net::io_context io;
    subscriber sub(io.get_executor(), local(server.port()), {"updates"}, fast());
    sub.start();
    REQUIRE(run(io, next(sub)).kind == type::subscribed);
    sub.stop();
    auto e = run(io, next(sub));
    CHECK(e.kind == type::stopped);
    CHECK(e.ec == errc::closed);
    CHECK(!sub.is_subscribed());
}

TEST_CASE("a subscriber needs a channel", "[subscriber]") {
    net::io_context io;
    CHECK_THROWS_AS(subscriber(io.get_executor(), connect_options{}, {}), std::invalid_argument);
}
