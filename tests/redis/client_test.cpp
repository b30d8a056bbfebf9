#include "herald/redis/client.hpp"

#include "catch.hpp"
#include "herald/redis/error.hpp"
#include "local_redis.hpp"
#include "redis_server.hpp"

#include <string>
#include <vector>

using namespace herald;
using namespace herald::redis;
using herald::test::exec;
using herald::test::local;
using herald::test::redis_server;
using herald::test::run;
using namespace std::chrono_literals;

namespace {

constexpr backoff_options fast{10ms, 100ms, false};

awaitable<bool> wait_connected(client& c, std::chrono::milliseconds timeout) {
    co_return co_await c.wait_connected(timeout);
}

} // namespace

TEST_CASE("a client reconnects after Redis restarts, failing fast while it is down", "[client]") {
    redis_server server;
    net::io_context io;
    client c(io.get_executor(), local(server.port()), fast);
    c.start();
    REQUIRE(run(io, wait_connected(c, 3s)));
    CHECK(c.connects() == 1);
    CHECK(run(io, exec(c, {"SET", "k", "v"})).value == reply::simple("OK"));

    server.stop();
    // The connection notices, and from then on requests fail at once.
    REQUIRE(test::eventually_on(io, [&] { return !c.is_connected(); }));
    const auto start = std::chrono::steady_clock::now();
    CHECK(run(io, exec(c, {"GET", "k"})).ec == errc::not_connected);
    CHECK(std::chrono::steady_clock::now() - start < 100ms);
    test::run_for(io, 200ms); // several failed attempts
    CHECK(!c.is_connected());
    CHECK(c.last_error().find("cannot connect") != std::string::npos);

    server.start();
    REQUIRE(run(io, wait_connected(c, 3s)));
    CHECK(c.connects() == 2);
    // A new, empty server (no persistence): the key is gone, the client works.
    CHECK(run(io, exec(c, {"GET", "k"})).value == reply::null_bulk());
    CHECK(run(io, exec(c, {"PING"})).value == reply::simple("PONG"));
}

TEST_CASE("a client that cannot reach Redis says why, and wait_connected times out", "[client]") {
    net::io_context io;
    client c(io.get_executor(), local(test::free_port()), fast);
    c.start();
    const auto start = std::chrono::steady_clock::now();
    CHECK(!run(io, wait_connected(c, 200ms)));
    CHECK(std::chrono::steady_clock::now() - start >= 190ms);
    CHECK(run(io, exec(c, {"PING"})).ec == errc::not_connected);
    CHECK(c.connects() == 0);
    CHECK(c.last_error().find("cannot connect") != std::string::npos);
}

TEST_CASE("a client whose password is wrong keeps failing with Redis's reason", "[client]") {
    redis_server server({"--requirepass", "right"});
    net::io_context io;
    auto o = local(server.port());
    o.password = "wrong";
    client c(io.get_executor(), o, fast);
    c.start();
    CHECK(!run(io, wait_connected(c, 200ms)));
    CHECK(c.last_error().find("WRONGPASS") != std::string::npos);
}

TEST_CASE("stopping a client fails pending requests and refuses new ones", "[client]") {
    redis_server server;
    net::io_context io;
    client c(io.get_executor(), local(server.port()), fast);
    c.start();
    REQUIRE(run(io, wait_connected(c, 3s)));
    exec_result blocked;
    bool done = false;
    net::co_spawn(
        io,
        [](client& cl, exec_result& out, bool& flag) -> awaitable<void> {
            out = co_await cl.exec("BLPOP", "never", "0");
            flag = true;
        }(c, blocked, done),
        net::detached);
    test::run_for(io, 50ms);
    c.stop();
    REQUIRE(test::eventually_on(io, [&] { return done; }));
    CHECK(blocked.ec == errc::closed);
    CHECK(run(io, exec(c, {"PING"})).ec == errc::not_connected);
    test::run_for(io, 100ms);
    CHECK(c.connects() == 1); // the keeper did not come back
}
