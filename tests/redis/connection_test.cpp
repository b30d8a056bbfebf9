#include "herald/redis/connection.hpp"

#include "catch.hpp"
#include "herald/redis/error.hpp"
#include "local_redis.hpp"
#include "redis_server.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace herald;
using namespace herald::redis;
using herald::test::exec;
using herald::test::redis_server;
using herald::test::run;
using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;

namespace {

// This file's deadlines, a little longer than the other Redis tests'.
connect_options local(std::uint16_t port) {
    return herald::test::local(port, 2s, 3s);
}

awaitable<error_code> connect(connection& c) {
    co_return co_await c.connect();
}

// A coroutine that INCRs `n` times, one request after another, and records
// each value it got.
awaitable<void> incr_many(connection& c, int n, std::vector<long long>& got, int& failures,
                          int& finished) {
    for (int i = 0; i < n; ++i) {
        auto r = co_await c.exec("INCR", "counter");
        if (r.ec || r.value.kind != reply::type::integer)
            ++failures;
        else
            got.push_back(r.value.integer);
    }
    ++finished;
}

awaitable<void> echo_one(connection& c, std::string word, int& mismatches, int& finished) {
    auto r = co_await c.exec("ECHO", word);
    if (r.ec || r.value.str != word)
        ++mismatches;
    ++finished;
}

// A fake Redis: accepts one connection, reads what comes, and once it has
// `after` bytes writes `answer`; then closes if `close_after`, or keeps
// reading (and never answers again) until the client goes.
awaitable<void> fake_redis(tcp::acceptor& acceptor, std::size_t after, std::string answer,
                           bool close_after) {
    auto [aec, socket] = co_await acceptor.async_accept(use_tuple);
    if (aec)
        co_return;
    std::string received;
    std::array<char, 4096> chunk;
    bool answered = answer.empty();
    for (;;) {
        auto [ec, n] = co_await socket.async_read_some(net::buffer(chunk), use_tuple);
        if (ec)
            co_return;
        received.append(chunk.data(), n);
        if (!answered && received.size() >= after) {
            answered = true;
            (void)co_await net::async_write(socket, net::buffer(answer), use_tuple);
            if (close_after) {
                socket.close();
                co_return;
            }
        }
    }
}

tcp::acceptor loopback_acceptor(net::io_context& io) {
    return tcp::acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
}

} // namespace

TEST_CASE("a connection runs commands and returns every reply type", "[connection]") {
    redis_server server;
    net::io_context io;
    connection c(io.get_executor(), local(server.port()));
    REQUIRE(!run(io, connect(c)));
    REQUIRE(c.is_open());

    CHECK(run(io, exec(c, {"PING"})).value == reply::simple("PONG"));
    CHECK(run(io, exec(c, {"SET", "k", std::string("v\0\r\n", 4)})).value == reply::simple("OK"));
    CHECK(run(io, exec(c, {"GET", "k"})).value == reply::bulk(std::string("v\0\r\n", 4)));
    CHECK(run(io, exec(c, {"GET", "missing"})).value == reply::null_bulk());
    CHECK(run(io, exec(c, {"RPUSH", "l", "a", "b"})).value == reply::number(2));
    CHECK(run(io, exec(c, {"LRANGE", "l", "0", "-1"})).value ==
          reply::array({reply::bulk("a"), reply::bulk("b")}));
    CHECK(run(io, exec(c, {"BLPOP", "nothing", "0.01"})).value == reply::null_array());
}

TEST_CASE("errors from Redis are error replies, and the connection goes on", "[connection]") {
    redis_server server;
    net::io_context io;
    connection c(io.get_executor(), local(server.port()));
    REQUIRE(!run(io, connect(c)));
    REQUIRE(run(io, exec(c, {"SET", "s", "v"})).value == reply::simple("OK"));

    auto wrong = run(io, exec(c, {"LPUSH", "s", "x"}));
    CHECK(!wrong.ec);
    CHECK(wrong.value.is_error());
    CHECK(wrong.value.str.starts_with("WRONGTYPE"));

    auto unknown = run(io, exec(c, {"NOSUCHCOMMAND"}));
    CHECK(!unknown.ec);
    CHECK(unknown.value.is_error());
    CHECK(unknown.value.str.starts_with("ERR unknown command"));

    auto script = run(io, exec(c, {"EVALSHA", std::string(40, 'a'), "0"}));
    CHECK(script.value.str.starts_with("NOSCRIPT"));

    CHECK(run(io, exec(c, {"GET", "s"})).value == reply::bulk("v"));
    CHECK(c.is_open());
}

TEST_CASE("1000 concurrent requests from several coroutines get their own replies",
          "[connection]") {
    redis_server server;
    net::io_context io;
    connection c(io.get_executor(), local(server.port()));
    REQUIRE(!run(io, connect(c)));

    // INCR: every value 1..1000 once, and each coroutine's values rising
    // (its requests were written and answered in its order).
    constexpr int coroutines = 10;
    std::vector<std::vector<long long>> got(coroutines);
    int failures = 0;
    int finished = 0;
    for (int i = 0; i < coroutines; ++i)
        net::co_spawn(io, incr_many(c, 100, got[i], failures, finished), net::detached);
    // ECHO: 1000 requests in flight at once, each must get its own word back.
    int mismatches = 0;
    for (int i = 0; i < 1000; ++i)
        net::co_spawn(io, echo_one(c, "word-" + std::to_string(i), mismatches, finished),
                      net::detached);
    std::size_t most_pending = 0;
    REQUIRE(test::eventually_on(io, [&] {
        most_pending = std::max(most_pending, c.pending());
        return finished == coroutines + 1000;
    }));
    CHECK(most_pending > 100); // they really were in flight together
    CHECK(failures == 0);
    CHECK(mismatches == 0);
    std::set<long long> all;
    for (auto& v : got) {
        CHECK(v.size() == 100);
        CHECK(std::is_sorted(v.begin(), v.end()));
        all.insert(v.begin(), v.end());
    }
    CHECK(all.size() == 1000);
    CHECK(*all.begin() == 1);
    CHECK(*all.rbegin() == 1000);
}

TEST_CASE("AUTH with requirepass: the right password opens, a wrong one is refused",
          "[connection]") {
    redis_server server({"--requirepass", "s3cret"});
    net::io_context io;

    auto good = local(server.port());
    good.password = "s3cret";
    connection ok(io.get_executor(), good);
    REQUIRE(!run(io, connect(ok)));
    CHECK(run(io, exec(ok, {"PING"})).value == reply::simple("PONG"));

    auto bad = good;
    bad.password = "wrong";
    connection refused(io.get_executor(), bad);
    CHECK(run(io, connect(refused)) == errc::auth_failed);
    CHECK(!refused.is_open());
    CHECK(refused.error_message().find("WRONGPASS") != std::string::npos);
    CHECK(run(io, exec(refused, {"PING"})).ec == errc::not_connected);

    // Without AUTH the connection opens, and Redis answers NOAUTH.
    connection anonymous(io.get_executor(), local(server.port()));
    REQUIRE(!run(io, connect(anonymous)));
    auto r = run(io, exec(anonymous, {"GET", "x"}));
    CHECK(r.value.is_error());
    CHECK(r.value.str.starts_with("NOAUTH"));
}

TEST_CASE("AUTH as an ACL user with a password", "[connection]") {
    redis_server server;
    net::io_context io;
    connection admin(io.get_executor(), local(server.port()));
    REQUIRE(!run(io, connect(admin)));
    REQUIRE(run(io, exec(admin, {"ACL", "SETUSER", "hub", "on", ">hubpw", "~*", "&*", "+@all"}))
                .value == reply::simple("OK"));

    auto o = local(server.port());
    o.user = "hub";
    o.password = "hubpw";
    connection hub(io.get_executor(), o);
    REQUIRE(!run(io, connect(hub)));
    CHECK(run(io, exec(hub, {"ACL", "WHOAMI"})).value == reply::bulk("hub"));

    o.password = "nope";
    connection wrong(io.get_executor(), o);
    CHECK(run(io, connect(wrong)) == errc::auth_failed);
}

TEST_CASE("SELECT picks the database, and a bad one fails the connect", "[connection]") {
    redis_server server;
    net::io_context io;
    auto o3 = local(server.port());
    o3.db = 3;
    o3.client_name = "herald-test";
    connection db3(io.get_executor(), o3);
    REQUIRE(!run(io, connect(db3)));
    REQUIRE(run(io, exec(db3, {"SET", "where", "three"})).value == reply::simple("OK"));
    CHECK(run(io, exec(db3, {"CLIENT", "GETNAME"})).value == reply::bulk("herald-test"));

    connection db0(io.get_executor(), local(server.port()));
    REQUIRE(!run(io, connect(db0)));
    CHECK(run(io, exec(db0, {"GET", "where"})).value == reply::null_bulk());
    CHECK(run(io, exec(db0, {"SELECT", "3"})).value == reply::simple("OK"));
    CHECK(run(io, exec(db0, {"GET", "where"})).value == reply::bulk("three"));

    auto o99 = local(server.port());
    o99.db = 99;
    connection bad(io.get_executor(), o99);
    CHECK(run(io, connect(bad)) == errc::select_failed);
    CHECK(bad.error_message().find("SELECT") != std::string::npos);
}

TEST_CASE("a connection that dies mid-reply fails every pending request", "[connection]") {
    net::io_context io;
    auto acceptor = loopback_acceptor(io);
    // Half a bulk string, then the server hangs up.
    net::co_spawn(io, fake_redis(acceptor, 1, "$10\r\nhal", true), net::detached);
    connection c(io.get_executor(), local(acceptor.local_endpoint().port()));
    REQUIRE(!run(io, connect(c)));
    auto both = run(io, [](connection& conn) -> awaitable<std::tuple<exec_result, exec_result>> {
        auto results = co_await (conn.exec("GET", "a") && conn.exec("GET", "b"));
        co_return results;
    }(c));
    CHECK(std::get<0>(both).ec == errc::connection_lost);
    CHECK(std::get<1>(both).ec == errc::connection_lost);
    CHECK(!c.is_open());
    CHECK(c.error_message() == "Redis closed the connection");
    CHECK(run(io, exec(c, {"PING"})).ec == errc::not_connected);
    CHECK(run(io, c.wait_closed()) == errc::connection_lost);
}

TEST_CASE("killing redis-server fails a blocked request with connection_lost", "[connection]") {
    redis_server server;
    net::io_context io;
    connection c(io.get_executor(), local(server.port()));
    REQUIRE(!run(io, connect(c)));
    exec_result blocked;
    bool done = false;
    net::co_spawn(
        io,
        [](connection& conn, exec_result& out, bool& flag) -> awaitable<void> {
            out = co_await conn.exec("BLPOP", "never", "0");
            flag = true;
        }(c, blocked, done),
        net::detached);
    test::run_for(io, 100ms);
    REQUIRE(!done);
    server.stop();
    REQUIRE(test::eventually_on(io, [&] { return done; }));
    CHECK(blocked.ec == errc::connection_lost);
}

TEST_CASE("a protocol error from the server breaks the connection", "[connection]") {
    net::io_context io;
    auto acceptor = loopback_acceptor(io);
    net::co_spawn(io, fake_redis(acceptor, 1, "+OK\r\n!garbage\r\n", false), net::detached);
    connection c(io.get_executor(), local(acceptor.local_endpoint().port()));
    REQUIRE(!run(io, connect(c)));
    auto r = run(io, [](connection& conn) -> awaitable<std::tuple<exec_result, exec_result>> {
        auto results = co_await (conn.exec("SET", "a", "1") && conn.exec("SET", "b", "2"));
        co_return results;
    }(c));
    CHECK(std::get<0>(r).value == reply::simple("OK"));
    CHECK(std::get<1>(r).ec == errc::protocol_error);
    CHECK(c.error_message().find("Protocol error") != std::string::npos);
}

TEST_CASE("a reply nobody asked for breaks the connection", "[connection]") {
    net::io_context io;
    auto acceptor = loopback_acceptor(io);
    net::co_spawn(io, fake_redis(acceptor, 1, "+OK\r\n+EXTRA\r\n", false), net::detached);
    connection c(io.get_executor(), local(acceptor.local_endpoint().port()));
    REQUIRE(!run(io, connect(c)));
    CHECK(run(io, exec(c, {"PING"})).value == reply::simple("OK"));
    CHECK(run(io, c.wait_closed()) == errc::unexpected_reply);
    CHECK(c.error_message().find("EXTRA") != std::string::npos);
}

TEST_CASE("a command past its deadline fails every pending request and closes", "[connection]") {
    net::io_context io;
    auto acceptor = loopback_acceptor(io);
    net::co_spawn(io, fake_redis(acceptor, 0, "", false), net::detached); // never answers
    auto o = local(acceptor.local_endpoint().port());
    o.command_timeout = 200ms;
    connection c(io.get_executor(), o);
    REQUIRE(!run(io, connect(c)));
    const auto start = std::chrono::steady_clock::now();
    auto both = run(io, [](connection& conn) -> awaitable<std::tuple<exec_result, exec_result>> {
        auto results = co_await (conn.exec("GET", "a") && conn.exec("GET", "b"));
        co_return results;
    }(c));
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(std::get<0>(both).ec == errc::timeout);
    CHECK(std::get<1>(both).ec == errc::timeout);
    CHECK(took >= 190ms);
    CHECK(took < 1500ms);
    CHECK(!c.is_open());
    CHECK(run(io, exec(c, {"PING"})).ec == errc::not_connected);
}

TEST_CASE("the deadline holds against a real server that is paused", "[connection]") {
    redis_server server;
    net::io_context io;
    connection admin(io.get_executor(), local(server.port()));
    REQUIRE(!run(io, connect(admin)));
    auto o = local(server.port());
    o.command_timeout = 200ms;
    connection c(io.get_executor(), o);
    REQUIRE(!run(io, connect(c)));
    REQUIRE(run(io, exec(admin, {"CLIENT", "PAUSE", "1000", "ALL"})).value == reply::simple("OK"));
    CHECK(run(io, exec(c, {"GET", "x"})).ec == errc::timeout);
    CHECK(!c.is_open());
}

TEST_CASE("a cancelled request gives up, and its late reply is not taken for the next one",
          "[connection]") {
    redis_server server;
    net::io_context io;
    connection c(io.get_executor(), local(server.port()));
    connection other(io.get_executor(), local(server.port()));
    REQUIRE(!run(io, connect(c)));
    REQUIRE(!run(io, connect(other)));

    // BLPOP blocks in Redis; the caller stops waiting after 100 ms.
    auto raced = run(io, [](connection& conn) -> awaitable<std::size_t> {
        net::steady_timer t(co_await net::this_coro::executor, 100ms);
        auto outcome =
            co_await (conn.exec("BLPOP", "queue", "0") || t.async_wait(net::use_awaitable));
        co_return outcome.index();
    }(c));
    CHECK(raced == 1);
    CHECK(c.is_open());
    CHECK(c.pending() == 1); // its reply is still owed

    // Now the BLPOP gets its element: that reply is read and dropped, and the
    // PING after it gets PONG, not the BLPOP's array.
    CHECK(run(io, exec(other, {"RPUSH", "queue", "item"})).value == reply::number(1));
    CHECK(run(io, exec(c, {"PING"})).value == reply::simple("PONG"));
    CHECK(c.pending() == 0);
    CHECK(run(io, exec(other, {"LLEN", "queue"})).value == reply::number(0));
}

TEST_CASE("commands that would break reply matching are refused before sending", "[connection]") {
    redis_server server;
    net::io_context io;
    connection c(io.get_executor(), local(server.port()));
    REQUIRE(!run(io, connect(c)));
    CHECK(run(io, exec(c, {"subscribe", "ch"})).ec == errc::not_allowed);
    CHECK(run(io, exec(c, {"MONITOR"})).ec == errc::not_allowed);
    CHECK(run(io, exec(c, {"CLIENT", "reply", "OFF"})).ec == errc::not_allowed);
    CHECK(run(io, exec(c, {})).ec == errc::empty_command);
    CHECK(run(io, exec(c, {"PING"})).value == reply::simple("PONG"));
}

TEST_CASE("a pipeline is answered in order and nothing comes between its commands",
          "[connection]") {
    redis_server server;
    net::io_context io;
    connection c(io.get_executor(), local(server.port()));
    REQUIRE(!run(io, connect(c)));
    // Another coroutine INCRs the same key all along: none of its commands
    // may land inside the transaction.
    int finished = 0;
    std::vector<long long> got;
    int failures = 0;
    net::co_spawn(io, incr_many(c, 200, got, failures, finished), net::detached);
    pipeline tx;
    tx.push("MULTI").push("SET", "counter", "1000").push("INCR", "counter").push("EXEC");
    auto r = run(io, [](connection& conn, pipeline p) -> awaitable<pipeline_result> {
        co_return co_await conn.exec(p);
    }(c, tx));
    REQUIRE(!r.ec);
    REQUIRE(r.values.size() == 4);
    CHECK(r.values[0] == reply::simple("OK"));
    CHECK(r.values[1] == reply::simple("QUEUED"));
    CHECK(r.values[2] == reply::simple("QUEUED"));
    CHECK(r.values[3] == reply::array({reply::simple("OK"), reply::number(1001)}));
    REQUIRE(test::eventually_on(io, [&] { return finished == 1; }));
    CHECK(failures == 0);

    pipeline bad;
    bad.push("PING").push("SUBSCRIBE", "x");
    auto refused = run(io, [](connection& conn, pipeline p) -> awaitable<pipeline_result> {
        co_return co_await conn.exec(p);
    }(c, bad));
    CHECK(refused.ec == errc::not_allowed);
    auto empty = run(io, [](connection& conn) -> awaitable<pipeline_result> {
        co_return co_await conn.exec(pipeline{});
    }(c));
    CHECK(empty.ec == errc::empty_command);
}

TEST_CASE("a cancelled request that was not written yet is never sent", "[connection]") {
    net::io_context io;
    auto acceptor = loopback_acceptor(io);
    // Accept and never read: the first, large command fills the socket
    // buffers and keeps the writer busy, so the second stays queued.
    std::optional<tcp::socket> peer;
    acceptor.async_accept([&](error_code, tcp::socket s) { peer.emplace(std::move(s)); });
    connection c(io.get_executor(), local(acceptor.local_endpoint().port()));
    REQUIRE(!run(io, connect(c)));
    const std::string big(24 << 20, 'x');
    bool first_done = false;
    net::co_spawn(
        io,
        [](connection& conn, const std::string& value, bool& flag) -> awaitable<void> {
            (void)co_await conn.exec("SET", "big", value);
            flag = true;
        }(c, big, first_done),
        net::detached);
    test::run_for(io, 50ms);
    REQUIRE(c.pending() == 1);
    auto raced = run(io, [](connection& conn) -> awaitable<std::size_t> {
        net::steady_timer t(co_await net::this_coro::executor, 50ms);
        auto outcome = co_await (conn.exec("PING") || t.async_wait(net::use_awaitable));
        co_return outcome.index();
    }(c));
    CHECK(raced == 1);
    CHECK(c.pending() == 1); // the PING left the queue; only the SET is owed
    CHECK(!first_done);
    c.close();
    REQUIRE(test::eventually_on(io, [&] { return first_done; }));
}

TEST_CASE("connect fails clearly: refused, silent server, closed", "[connection]") {
    net::io_context io;
    {
        connection c(io.get_executor(), local(test::free_port()));
        CHECK(run(io, connect(c)) == net::error::connection_refused);
        CHECK(c.error_message().find("cannot connect") != std::string::npos);
    }
    {
        // Accepts, but never answers AUTH.
        auto acceptor = loopback_acceptor(io);
        net::co_spawn(io, fake_redis(acceptor, 0, "", false), net::detached);
        auto o = local(acceptor.local_endpoint().port());
        o.password = "pw";
        o.connect_timeout = 200ms;
        connection c(io.get_executor(), o);
        CHECK(run(io, connect(c)) == errc::connect_timeout);
        CHECK(c.error_message().find("within 200 ms") != std::string::npos);
    }
    {
        connection c(io.get_executor(), local(test::free_port()));
        c.close();
        CHECK(run(io, connect(c)) == errc::not_connected);
    }
}

TEST_CASE("close() fails pending requests with closed", "[connection]") {
    redis_server server;
    net::io_context io;
    connection c(io.get_executor(), local(server.port()));
    REQUIRE(!run(io, connect(c)));
    auto r = run(io, [](connection& conn) -> awaitable<exec_result> {
        net::steady_timer t(co_await net::this_coro::executor, 50ms);
        auto outcome = co_await (conn.exec("BLPOP", "q", "0") &&
                                     [](connection& cc, net::steady_timer& tt) -> awaitable<void> {
            co_await tt.async_wait(net::use_awaitable);
            cc.close();
        }(conn, t));
        co_return outcome;
    }(c));
    CHECK(r.ec == errc::closed);
}
