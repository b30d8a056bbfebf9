// herald/redis/subscriber.hpp — a dedicated SUBSCRIBE connection that comes back.
//
// A connection in SUBSCRIBE state accepts nothing but (un)subscriptions and
// PING, so subscribing gets a connection of its own. The subscriber keeps it
// up: connect, SUBSCRIBE to every channel, deliver messages; when it breaks,
// wait a backoff delay (50 ms doubling to 2 s by default) and start again.
//
// Everything comes out of next() as one ordered stream of events, so a
// consumer can tell exactly which messages it may have missed:
//
//   subscribed    every channel's SUBSCRIBE is confirmed: from here on, each
//                 message published to them is delivered. Messages published
//                 while disconnected are lost, so on every `subscribed` after
//                 a `disconnected` (and on the first, for a fresh start) a
//                 consumer that needs all of them catches up from a durable
//                 source (a Stream) *after* this event.
//   message       channel and payload.
//   disconnected  the connection broke (or could not subscribe); `ec` says
//                 why. Sent once per outage, not once per failed attempt.
//
// Backpressure: at most `max_queued` events wait for next(); past that the
// subscriber stops reading the socket, and Redis buffers (up to its
// client-output-buffer-limit for pubsub, then it drops the connection, which
// comes back as disconnected + subscribed). Memory stays bounded either way.
//
// All calls must come from the subscriber's executor; one consumer calls
// next() at a time.
#pragma once

#include "herald/net.hpp"
#include "herald/redis/backoff.hpp"
#include "herald/redis/options.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace herald::redis {

struct subscriber_event {
    enum class type { subscribed, message, disconnected, stopped };
    type kind = type::stopped;
    std::string channel; ///< message
    std::string payload; ///< message
    error_code ec;       ///< disconnected: why; stopped: errc::closed
};

struct subscriber_options {
    backoff_options retry;
    /// Events waiting for next() before the subscriber stops reading.
    std::size_t max_queued = 10000;
    /// A PING goes out this often; no bytes back by the next one means the
    /// connection is dead (disconnected with errc::timeout). 0 turns it off.
    std::chrono::milliseconds ping_interval{10000};
};

class subscriber {
public:
    using executor_type = net::any_io_executor;

    subscriber(executor_type ex, connect_options options, std::vector<std::string> channels,
               subscriber_options sopts = {});
    subscriber(const subscriber&) = delete;
    subscriber& operator=(const subscriber&) = delete;
    /// stop()s.
    ~subscriber();

    /// Starts connecting and subscribing in the background. Call once.
    void start();

    /// Stops: closes the connection, drops queued events; next() answers
    /// `stopped` from then on.
    void stop();

    /// The next event; waits for one. Terminal cancellation of the caller
    /// ends the wait with a `stopped` event whose ec is operation_aborted.
    awaitable<subscriber_event> next();

    /// True between `subscribed` and `disconnected` (readiness).
    bool is_subscribed() const noexcept;

    /// Why the last attempt or connection failed, in words.
    const std::string& last_error() const noexcept;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

} // namespace herald::redis
