// herald/redis/error.hpp — the Redis client's error codes and their category.
//
// Replies that Redis sends as errors (WRONGTYPE, NOSCRIPT, ...) are not error
// codes: they arrive as a reply of type `error`, a value like any other. These
// codes are for what goes wrong around the replies: the connection, the
// protocol, the deadlines.
#pragma once

#include <system_error>

namespace herald::redis {

enum class errc {
    protocol_error = 1, ///< the server sent bytes that are not RESP2
    reply_too_large,    ///< a bulk string or line is longer than the parser allows
    out_of_memory,      ///< the parser could not allocate a reply
    empty_command,      ///< a command needs at least its name
    not_allowed,        ///< the command would break this connection's reply matching
    bad_url,            ///< a redis:// URL could not be parsed
    not_connected,      ///< the connection is not (or no longer) open; nothing was sent
    connect_timeout,    ///< connecting (resolve, TCP, AUTH, SELECT) took too long
    auth_failed,        ///< Redis rejected AUTH
    select_failed,      ///< Redis rejected SELECT
    handshake_failed,   ///< Redis rejected another setup command (CLIENT SETNAME)
    subscribe_failed,   ///< Redis rejected SUBSCRIBE
    timeout,            ///< a command's reply did not come in time; the connection was closed
    connection_lost,    ///< the server closed or reset the connection, or a write failed
    unexpected_reply,   ///< a reply arrived with no request waiting for it
    closed,             ///< the connection was closed on purpose (close(), stop())
};

/// The category whose name() is "herald.redis".
const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

} // namespace herald::redis

template <>
struct std::is_error_code_enum<herald::redis::errc> : std::true_type {};
