// herald/redis/reply_parser.hpp — an I/O-free push parser for RESP2 replies.
//
// Feed it the bytes a Redis connection delivers, in chunks of any size, and
// take complete replies out in order. No sockets, no clocks: the connection and
// the subscriber are thin loops around it, and it is tested byte by byte.
//
// The parsing itself is hiredis's reader (redisReader, hiredis 0.14); this
// class builds herald::redis::reply values directly from its callbacks instead
// of hiredis's redisReply objects, for two reasons:
//  - memory follows the bytes received: hiredis's default array object
//    allocates all of an array's element slots when the header arrives, so a
//    13-byte `*2147483647\r\n` would ask for 16 GiB; here an array grows as its
//    elements arrive;
//  - the two RESP2 nulls stay apart (hiredis's default objects merge them).
#pragma once

#include "herald/redis/reply.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

struct redisReader;

namespace herald::redis {

class reply_parser {
public:
    /// Redis itself refuses bulk strings over 512 MiB (proto-max-bulk-len).
    static constexpr std::size_t default_max_buffered = (std::size_t{512} << 20) + 1024;

    /// `max_buffered` bounds the bytes held for the reply element being
    /// parsed (one bulk string, or one line): past it, the parser fails with
    /// errc::reply_too_large rather than buffering without end.
    explicit reply_parser(std::size_t max_buffered = default_max_buffered);
    reply_parser(reply_parser&& other) noexcept;
    reply_parser& operator=(reply_parser&& other) noexcept;
    reply_parser(const reply_parser&) = delete;
    reply_parser& operator=(const reply_parser&) = delete;
    ~reply_parser();

    /// Appends bytes (copied). Does nothing once the parser has failed.
    void feed(std::string_view bytes);

    /// The next complete reply, or nothing: either more bytes are needed, or
    /// the input is not RESP2 (then error() says why, and every later call
    /// answers nothing too: a byte stream that broke once cannot be
    /// resynchronised, so the connection must be dropped).
    ///
    /// The replies never depend on how the bytes were split into feed() calls.
    std::optional<reply> next();

    /// errc::protocol_error, reply_too_large or out_of_memory after a failure.
    std::error_code error() const noexcept { return error_; }
    /// hiredis's description of a protocol error, e.g. "Protocol error, got
    /// \"x\" as reply type byte".
    const std::string& error_message() const noexcept { return message_; }

    /// Bytes received but not yet part of a complete reply element.
    std::size_t buffered() const noexcept;

    /// Forget everything, including an error.
    void reset();

private:
    void fail_from_reader();

    redisReader* reader_ = nullptr;
    std::size_t max_buffered_;
    std::error_code error_;
    std::string message_;
};

} // namespace herald::redis
