// herald/redis/client.hpp — a command connection that comes back by itself.
//
// A background coroutine (the keeper) keeps one redis::connection open: it
// connects, waits for the connection to break, waits a backoff delay, and
// connects again. exec() goes to the current connection. While there is none,
// exec() fails at once with errc::not_connected instead of queueing: a caller
// that publishes can answer "unavailable" right away, and nothing piles up
// in memory during an outage. Requests pending when a connection breaks fail
// with that connection's error (they are not retried: a command may have run).
#pragma once

#include "herald/redis/backoff.hpp"
#include "herald/redis/connection.hpp"

#include <array>
#include <chrono>
#include <memory>
#include <type_traits>

namespace herald::redis {

class client {
public:
    using executor_type = net::any_io_executor;

    client(executor_type ex, connect_options options, backoff_options retry = {});
    client(const client&) = delete;
    client& operator=(const client&) = delete;
    /// stop()s.
    ~client();

    /// Starts the keeper. Call once.
    void start();
    /// Stops the keeper and closes the connection (pending: errc::closed).
    void stop();

    /// As connection::exec on the current connection; errc::not_connected
    /// when there is none.
    awaitable<exec_result> exec(std::span<const std::string_view> args);
    /// `co_await c.exec("SET", key, value)` (see command_arguments).
    template <typename... Args>
    requires command_arguments<Args...> awaitable<exec_result> exec(const Args&... args) {
        const std::array<std::string_view, sizeof...(Args)> argv{std::string_view(args)...};
        return exec(std::span<const std::string_view>(argv));
    }

    /// As connection::exec(const pipeline&); errc::not_connected when there
    /// is no connection.
    awaitable<pipeline_result> exec(const pipeline& p);

    /// True while a connection is open (readiness).
    bool is_connected() const noexcept;

    /// Waits until a connection is open, at most `timeout`: true if it is.
    awaitable<bool> wait_connected(std::chrono::milliseconds timeout);

    /// Why the last attempt or connection failed, in words (empty if none did).
    const std::string& last_error() const noexcept;

    /// How many times a connection was opened (1 after the first).
    std::size_t connects() const noexcept;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

} // namespace herald::redis
