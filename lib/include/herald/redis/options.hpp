// herald/redis/options.hpp — where and how to connect to Redis.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace herald::redis {

struct connect_options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 6379;
    /// AUTH is sent when `password` is not empty: `AUTH password`
    /// (requirepass, or the ACL `default` user), or `AUTH user password`
    /// when `user` is set too (an ACL user, Redis 6+).
    std::string user;
    std::string password;
    /// SELECT is sent when not 0.
    int db = 0;
    /// CLIENT SETNAME is sent when not empty: names the connection in
    /// CLIENT LIST, which helps operators find it.
    std::string client_name;
    /// Bounds the whole setup: resolving, TCP connect, AUTH, SELECT, SETNAME.
    std::chrono::milliseconds connect_timeout{2000};
    /// Bounds each command from exec() to its reply (connection only).
    std::chrono::milliseconds command_timeout{5000};
    /// The parser's limit on one bulk string or line (see reply_parser).
    std::size_t max_buffered = std::size_t{512} << 20;
};

} // namespace herald::redis
