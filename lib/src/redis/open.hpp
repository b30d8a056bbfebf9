// lib/src/redis/open.hpp — connect a socket to Redis and set the session up.
// Shared by connection and subscriber; not part of the public API.
#pragma once

#include "herald/net.hpp"
#include "herald/redis/options.hpp"
#include "herald/redis/reply_parser.hpp"

#include <chrono>
#include <string>

namespace herald::redis::detail {

struct open_result {
    error_code ec;
    std::string message; ///< for the operator: what failed, with Redis's words if it said any
};

/// Resolves options.host, connects `socket`, then sends AUTH, SELECT and
/// CLIENT SETNAME as configured and checks their replies, all before
/// options.connect_timeout passes (else errc::connect_timeout). `parser` reads
/// the setup replies; it is left empty for the session. On failure the
/// socket is closed.
awaitable<open_result> open(tcp::socket& socket, reply_parser& parser,
                            const connect_options& options);

/// Completes when `deadline` passes; honours cancellation. The watchdog arm
/// of a `||` race.
awaitable<void> expire_at(std::chrono::steady_clock::time_point deadline);

/// Reads from `socket` into `parser` until it has a reply (or fails).
awaitable<error_code> read_reply(tcp::socket& socket, reply_parser& parser, reply& out);

} // namespace herald::redis::detail
