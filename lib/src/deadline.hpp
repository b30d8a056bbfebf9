// deadline.hpp (private to lib/src) — a read bounded by a socket_deadline,
// for async_read_request and async_read_body.
#pragma once

#include "herald/socket_deadline.hpp"

#include <chrono>
#include <system_error>
#include <utility>

namespace herald::detail {

// Runs `read` (which must check watch.expired() before each wait, see
// socket_deadline::expired) with `watch` armed for `deadline`. A read
// cancelled by the deadline yields `Result{on_timeout, {}, {}}`; whatever it
// had consumed is lost with the connection. A read that completed just as the
// deadline passed keeps its result.
template <typename Result>
awaitable<Result> before_deadline(awaitable<Result> read, socket_deadline& watch,
                                  std::chrono::steady_clock::time_point deadline,
                                  std::error_code on_timeout) {
    watch.arm(deadline);
    auto result = co_await std::move(read);
    watch.disarm();
    if (result.ec == net::error::operation_aborted && watch.expired())
        co_return Result{on_timeout, {}, {}};
    co_return result;
}

// The same with a deadline of its own, for a caller that keeps none: the
// timer is created here and its handler awaited before it dies.
template <typename Result, typename Read>
awaitable<Result> before_own_deadline(tcp::socket& socket, Read read,
                                      std::chrono::steady_clock::time_point deadline) {
    socket_deadline watch(socket);
    auto result = co_await read(watch, deadline);
    // A cancelled read completes with operation_aborted, not an exception,
    // whatever the caller's throw_if_cancelled says.
    const bool throws = co_await net::this_coro::throw_if_cancelled();
    co_await net::this_coro::throw_if_cancelled(false);
    co_await watch.stop();
    co_await net::this_coro::throw_if_cancelled(throws);
    co_return result;
}

} // namespace herald::detail
