// herald/socket_deadline.hpp — a deadline for whatever a socket is waiting on.
#pragma once

#include "herald/net.hpp"

#include <chrono>
#include <cstddef>

namespace herald {

/// Cancels the socket's pending operations once a deadline passes, so a
/// coroutine can simply `co_await` a read and learn from expired() why it
/// was cancelled.
///
/// Why not race the read against a sleeping coroutine (`read || sleep`)?
/// Each race costs a parallel group, a second coroutine frame and the
/// cancellation plumbing between the arms, some twelve allocations, and a
/// keep-alive request pays it up to three times (idle wait, head, body).
/// Here, one steady_timer per connection waits with a plain completion
/// handler (a pointer to this object), which Asio runs without a frame and
/// whose operation memory it recycles.
///
/// The timer is lazy: arm() and disarm() only record the deadline, and
/// touch the timer only when it would fire too late (not armed, or set
/// beyond the new deadline). When it fires before the deadline recorded
/// now, it waits again, for at most the shortest span armed so far, so a
/// later arm() with that span finds it early enough and leaves it alone.
/// A connection serving requests one after another therefore pays no timer
/// operation per request, only a wake-up every so often.
///
/// The one danger is lifetime: a completion may already be queued when the
/// deadline is disarmed or the object is about to die. A handler that fires
/// after disarm() sees `armed_ == false` and does nothing; before this
/// object dies, the owner must `co_await stop()`, which returns only once
/// no handler is outstanding. A stale handler never cancels a later
/// operation: it compares the clock with the deadline armed *now*.
///
/// Shutdown and other stops still reach the coroutine through its
/// cancellation slot, which cancels what it awaits; this object is not
/// involved. Single-threaded use: the socket's executor must be an
/// io_context run by one thread (or a strand).
class socket_deadline {
public:
    using clock = std::chrono::steady_clock;

    explicit socket_deadline(tcp::socket& socket)
        : socket_(socket)
        , timer_(socket.get_executor()) {}
    socket_deadline(const socket_deadline&) = delete;
    socket_deadline& operator=(const socket_deadline&) = delete;

    /// From now until disarm(), the socket's pending operations are
    /// cancelled once `when` passes. Clears expired().
    void arm(clock::time_point when) {
        // A span shorter than a second is not remembered: a deadline nearly
        // spent when armed (a first head's, counted from the accept) would
        // otherwise make the timer wake up every few microseconds for the
        // rest of the connection. Such a deadline still fires on time: the
        // timer is re-set for it below.
        const auto span = when - clock::now();
        if (span >= std::chrono::seconds(1) && span < shortest_)
            shortest_ = span;
        deadline_ = when;
        armed_ = true;
        expired_ = false;
        if (waits_ == 0 || timer_.expiry() > when) {
            timer_.expires_at(when); // cancels a wait set too late: its handler sees the error
            start();
        }
    }

    /// The deadline no longer applies (a queued expiry is ignored).
    void disarm() noexcept { armed_ = false; }

    /// The deadline passed while armed, and the socket was cancelled: an
    /// operation that failed with operation_aborted timed out. Checked
    /// before each new wait too, since an expiry may find no operation
    /// pending (the last one had just completed) and cancel nothing.
    bool expired() const noexcept { return expired_; }

    /// Disarms and completes once no handler of this object is outstanding.
    /// Must be awaited before this object dies if arm() was ever called.
    /// Like any co_await after a cancellation, it throws operation_aborted in
    /// a coroutine that keeps Asio's default throw_if_cancelled(true): such a
    /// caller turns that off around it.
    awaitable<void> stop() {
        armed_ = false;
        if (waits_ == 0)
            co_return;
        timer_.cancel();
        // The handlers are queued now (cancelled, or already expired): let
        // them run. post() is not cancellable, so this ends during shutdown too.
        while (waits_ > 0)
            co_await net::post(socket_.get_executor(), net::use_awaitable);
    }

private:
    void start() {
        ++waits_;
        timer_.async_wait([this](const error_code& ec) { on_timer(ec); });
    }

    void on_timer(const error_code& ec) {
        --waits_;
        // Cancelled (re-armed earlier, or stop()), a newer wait pending, or
        // nothing to watch: this wait's job is done.
        if (ec || waits_ > 0 || !armed_)
            return;
        const auto now = clock::now();
        if (now < deadline_) {
            // Re-armed for later since this wait began: wait again, not
            // beyond the shortest span, so the next arm() need not re-set it.
            timer_.expires_at(deadline_ - now > shortest_ ? now + shortest_ : deadline_);
            start();
            return;
        }
        armed_ = false;
        expired_ = true;
        error_code ignored;
        socket_.cancel(ignored);
    }

    tcp::socket& socket_;
    net::steady_timer timer_;
    clock::time_point deadline_{};
    clock::duration shortest_ = clock::duration::max();
    std::size_t waits_ = 0; // async_waits whose handler has not run yet
    bool armed_ = false;
    bool expired_ = false;
};

} // namespace herald
