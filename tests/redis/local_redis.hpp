// tests/redis/local_redis.hpp — what the Redis tests share: options for the
// test's own redis-server, and exec with a runtime argument list.
#pragma once

#include "herald/net.hpp"
#include "herald/redis/connection.hpp"
#include "herald/redis/options.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace herald::test {

/// Options for the test's redis-server on loopback, with test-sized
/// deadlines so a hung step fails the test quickly.
inline redis::connect_options
local(std::uint16_t port, std::chrono::milliseconds connect_timeout = std::chrono::seconds(1),
      std::chrono::milliseconds command_timeout = std::chrono::seconds(2)) {
    redis::connect_options o;
    o.port = port;
    o.connect_timeout = connect_timeout;
    o.command_timeout = command_timeout;
    return o;
}

/// `c.exec(args)` for a client or a connection, with arguments built at run
/// time: the strings live in this coroutine's frame until the reply is in.
template <typename Connection>
awaitable<redis::exec_result> exec(Connection& c, std::vector<std::string> args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    co_return co_await c.exec(views);
}

} // namespace herald::test
