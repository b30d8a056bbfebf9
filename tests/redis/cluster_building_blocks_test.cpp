// The pieces a clustered hub will build on, end to end against a real Redis:
// a Lua script that numbers an update, appends it to a capped Stream and
// PUBLISHes it; a subscriber that receives it; a replay that reads the Stream
// after a given entry. No hub here: only that the client carries all of it.
#include "herald/redis/client.hpp"
#include "herald/redis/subscriber.hpp"

#include "catch.hpp"
#include "herald/redis/error.hpp"
#include "local_redis.hpp"
#include "redis_server.hpp"

#include <string>
#include <vector>

using namespace herald;
using namespace herald::redis;
using herald::test::exec;
using herald::test::redis_server;
using herald::test::run;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view publish_script = R"lua(
local seq = redis.call('INCR', KEYS[1] .. ':seq')
local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[1], '*', 'seq', seq, 'data', ARGV[2])
redis.call('PUBLISH', KEYS[2], ARGV[2])
return {seq, id}
)lua";

} // namespace

TEST_CASE("a Lua publish script, a capped Stream and pub/sub work through the client",
          "[cluster]") {
    redis_server server;
    net::io_context io;
    connect_options o;
    o.port = server.port();
    client redis(io.get_executor(), o, {10ms, 100ms, false});
    subscriber sub(io.get_executor(), o, {"herald:updates"}, {{10ms, 100ms, false}, 100, 0ms});
    redis.start();
    sub.start();
    REQUIRE(run(
        io, [](client& c) -> awaitable<bool> { co_return co_await c.wait_connected(3s); }(redis)));
    REQUIRE(
        run(io,
            [](subscriber& s) -> awaitable<subscriber_event> { co_return co_await s.next(); }(sub))
            .kind == subscriber_event::type::subscribed);

    // EVALSHA before the script is loaded: NOSCRIPT, as a reply.
    auto loaded = run(io, exec(redis, {"SCRIPT", "LOAD", std::string(publish_script)}));
    REQUIRE(loaded.value.kind == reply::type::bulk_string);
    const std::string sha = loaded.value.str;
    REQUIRE(run(io, exec(redis, {"SCRIPT", "FLUSH"})).value == reply::simple("OK"));
    auto missing =
        run(io, exec(redis, {"EVALSHA", sha, "2", "herald:stream", "herald:updates", "3", "x"}));
    CHECK(missing.value.str.starts_with("NOSCRIPT"));
    REQUIRE(run(io, exec(redis, {"SCRIPT", "LOAD", std::string(publish_script)})).value.str == sha);

    std::vector<std::string> ids;
    for (int i = 1; i <= 5; ++i) {
        auto r = run(io, exec(redis, {"EVALSHA", sha, "2", "herald:stream", "herald:updates", "3",
                                      "update-" + std::to_string(i)}));
        REQUIRE(r.value.is_array());
        REQUIRE(r.value.elements.size() == 2);
        CHECK(r.value.elements[0] == reply::number(i));
        ids.push_back(r.value.elements[1].str);
    }

    // Every node's subscriber sees each update, in order.
    for (int i = 1; i <= 5; ++i) {
        auto e = run(io, [](subscriber& s) -> awaitable<subscriber_event> {
            co_return co_await s.next();
        }(sub));
        REQUIRE(e.kind == subscriber_event::type::message);
        CHECK(e.payload == "update-" + std::to_string(i));
    }

    // The Stream keeps the last 3; a replay after update 3 (exclusive start)
    // gives 4 and 5 with their sequence numbers.
    CHECK(run(io, exec(redis, {"XLEN", "herald:stream"})).value == reply::number(3));
    auto replay = run(io, exec(redis, {"XRANGE", "herald:stream", "(" + ids[2], "+"}));
    REQUIRE(replay.value.is_array());
    REQUIRE(replay.value.elements.size() == 2);
    const auto& entry = replay.value.elements[0];
    CHECK(entry.elements[0].str == ids[3]);
    CHECK(entry.elements[1] == reply::array({reply::bulk("seq"), reply::bulk("4"),
                                             reply::bulk("data"), reply::bulk("update-4")}));
    CHECK(replay.value.elements[1].elements[0].str == ids[4]);
}
