// deadline.hpp (private to lib/src) — a read raced against a deadline, for
// async_read_request and async_read_body.
#pragma once

#include "herald/net.hpp"

#include <chrono>
#include <system_error>
#include <utility>
#include <variant>

namespace herald::detail {

// The watchdog arm of the race: completes when the deadline passes. If the
// read wins, the race cancels this timer; if this wins, the race cancels the read.
inline awaitable<void> expire_at(std::chrono::steady_clock::time_point deadline) {
    net::steady_timer timer(co_await net::this_coro::executor, deadline);
    if (cancelled(co_await net::this_coro::cancellation_state))
        co_return;
    (void)co_await timer.async_wait(use_tuple);
}

// `read`'s result, or `Result{on_timeout, {}, {}}` if the deadline passes
// first (the read is then cancelled, and whatever it had consumed is lost with
// the connection).
template <typename Result>
awaitable<Result> before_deadline(awaitable<Result> read,
                                  std::chrono::steady_clock::time_point deadline,
                                  std::error_code on_timeout) {
    using namespace asio::experimental::awaitable_operators;
    auto outcome = co_await (std::move(read) || expire_at(deadline));
    if (outcome.index() == 1)
        co_return Result{on_timeout, {}, {}};
    co_return std::move(std::get<0>(outcome));
}

} // namespace herald::detail
