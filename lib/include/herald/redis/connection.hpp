// herald/redis/connection.hpp — one pipelined command connection to Redis.
//
// Many coroutines may exec() on the same connection at once: commands are
// written in the order exec() was called (several queued commands go out in
// one write) and Redis answers in that order, so replies are matched to
// requests first in, first out. This is the only thing the reply matching
// relies on, which is why commands that change it (SUBSCRIBE, MONITOR,
// CLIENT REPLY) are refused, and why a broken stream ends the connection.
//
// All calls must come from the connection's executor: one io_context run by
// one thread, or a strand.
//
// A connection is used once: connect(), then exec() until it breaks or is
// closed. redis::client reconnects by making a new one.
#pragma once

#include "herald/net.hpp"
#include "herald/redis/command.hpp"
#include "herald/redis/options.hpp"
#include "herald/redis/reply.hpp"

#include <array>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace herald::redis {

/// What exec(args...) takes: one or more arguments, each convertible to
/// std::string_view. (Not a braced list: GCC 12 cannot compile
/// `co_await c.exec({...})` inside a coroutine.)
template <typename... Args>
concept command_arguments = sizeof...(Args) > 0 &&
                            (std::is_convertible_v<const Args&, std::string_view> && ...);

struct exec_result {
    /// A failure around the reply, never a reply Redis sent as an error:
    /// - errc::not_connected: the connection is not open; nothing was sent;
    /// - errc::timeout: no reply by the deadline; the connection is now closed
    ///   and every other pending request failed with errc::timeout too;
    /// - errc::connection_lost, protocol_error, unexpected_reply,
    ///   reply_too_large: the connection broke; every pending request failed;
    /// - errc::closed: close() was called with the request pending;
    /// - net::error::operation_aborted: the caller cancelled the wait;
    /// - errc::empty_command, errc::not_allowed: refused before sending.
    error_code ec;
    /// Redis's reply when !ec; `value.is_error()` for WRONGTYPE and the like.
    reply value;
};

/// The replies to a pipeline, in order, when !ec; `ec` as for exec_result.
struct pipeline_result {
    error_code ec;
    std::vector<reply> values;
};

class connection {
public:
    using executor_type = net::any_io_executor;

    explicit connection(executor_type ex, connect_options options = {});
    connection(connection&&) noexcept;
    connection& operator=(connection&&) noexcept;
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    /// Closes: pending requests fail with errc::closed.
    ~connection();

    /// Resolves, connects, sends AUTH / SELECT / CLIENT SETNAME as configured,
    /// all within options.connect_timeout (else errc::connect_timeout). On
    /// success the connection is open. On failure it is closed for good, and
    /// error_message() says why in words (with Redis's own message for a
    /// rejected AUTH).
    awaitable<error_code> connect();

    /// Sends one command and waits for its reply, at most
    /// options.command_timeout. The arguments are formatted before this
    /// returns, so temporaries are fine: `co_await conn.exec({"INCR", key})`.
    ///
    /// Deadline: a request without its reply in time means Redis is stuck or
    /// the network is; the reply may still come, but there is no telling which
    /// later request it would be taken for. So the connection is closed and
    /// every pending request fails with errc::timeout.
    ///
    /// Cancellation (terminal, partial or total, through the awaiting
    /// coroutine's slot): the caller stops waiting and gets
    /// operation_aborted. A command not yet written is dropped. One already
    /// written cannot be taken back: Redis will run it, and its reply is read
    /// and thrown away when it comes, so the replies after it still reach
    /// their own requests.
    awaitable<exec_result> exec(std::span<const std::string_view> args);
    /// `co_await c.exec("SET", key, value)` (see command_arguments).
    template <typename... Args>
    requires command_arguments<Args...> awaitable<exec_result> exec(const Args&... args) {
        const std::array<std::string_view, sizeof...(Args)> argv{std::string_view(args)...};
        return exec(std::span<const std::string_view>(argv));
    }

    /// Sends every command of `p` in one write and waits for all their
    /// replies (one deadline for the lot). Nothing from other coroutines
    /// comes between them: MULTI, commands, EXEC in one pipeline form a
    /// transaction on a shared connection. errc::empty_command for an empty
    /// pipeline, errc::not_allowed if a command breaks reply matching.
    /// `p` is copied before this returns.
    awaitable<pipeline_result> exec(const pipeline& p);

    /// Fails every pending request with errc::closed and closes the socket.
    void close();

    /// True between a successful connect() and the first failure or close().
    bool is_open() const noexcept;

    /// Completes when the connection closes (at once if it already has), with
    /// the reason: the first error, or errc::closed after close().
    awaitable<error_code> wait_closed();

    /// The reason the connection closed (or failed to open), in words; empty
    /// while it is fine.
    const std::string& error_message() const noexcept;

    /// Requests written or queued and not yet answered (including cancelled
    /// ones whose reply must still be read).
    std::size_t pending() const noexcept;

    executor_type get_executor() const noexcept;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

} // namespace herald::redis
