// herald/net.hpp — the one place that names Asio.
//
// Every herald file spells networking types through this header, so a move to a
// newer Asio (where as_tuple and deferred left `experimental`) touches one file.
#pragma once

#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/version.hpp>

namespace herald {

namespace net = asio;
using tcp = asio::ip::tcp;
using error_code = std::error_code;

template <typename T = void>
using awaitable = asio::awaitable<T>;

#if ASIO_VERSION >= 102300
using asio::as_tuple;
#else
using asio::experimental::as_tuple;
#endif

/// Completion token for the hot path: the coroutine resumes with a tuple
/// `(error_code, result...)` instead of throwing, so expected failures such
/// as a client hanging up are values handled on the next line.
inline constexpr auto use_tuple = as_tuple(asio::use_awaitable);

/// Use as `if (cancelled(co_await net::this_coro::cancellation_state))`
/// before starting a wait in a loop.
///
/// Cancellation reaches the operation a coroutine is awaiting *now*. If it
/// arrives while none is pending (the coroutine's last completion is queued
/// but has not run yet), Asio only records it in the coroutine's cancellation
/// state, and the next wait would start as if nothing had happened. Checking
/// the state right before each wait closes that gap: the check and the start
/// of the wait run without a suspension in between.
inline bool cancelled(const asio::cancellation_state& state) noexcept {
    return state.cancelled() != asio::cancellation_type::none;
}

} // namespace herald
