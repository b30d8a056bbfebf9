// herald/hub/subscription.hpp — one subscriber's delivery state: what it
// wants, what it may see, and what is waiting to be written to it.
#pragma once

#include "herald/hub/subscribe_request.hpp"
#include "herald/hub/update.hpp"

#include <array>
#include <cstdint>
#include <deque>
#include <string_view>
#include <vector>

namespace herald::hub {

/// The topics a token grants an action on: `publish` (every topic of an
/// update must be covered) or `subscribe` to private updates (one topic
/// suffices: the draft evaluates privacy against the topic set as a whole).
/// Anonymous clients have an empty grant.
struct topic_grant {
    bool all = false;
    std::vector<match::matcher_ptr> matchers;

    /// Some matcher matches some topic of `u`.
    bool covers_any(const update& u) const;
    /// Every topic of `u` is matched by some matcher.
    bool covers_all(const update& u) const;
};

/// How much may wait for one subscriber. Past either bound the subscriber is
/// too slow: it is cut, and its client reconnects and resumes from history.
/// Memory stays bounded and a slow client never slows the others.
struct queue_limits {
    std::size_t max_count = 10'000;  ///< updates
    std::size_t max_bytes = 4 << 20; ///< bytes not yet written
};

/// A subscriber's state, independent of how it is connected (one HTTP/1.1
/// connection today; one stream among many on an HTTP/2 connection later).
/// Not thread-safe: it lives on one worker thread.
class subscription {
public:
    /// `matchers` are compiled (herald_match), none null.
    subscription(std::vector<match::matcher_ptr> matchers, topic_grant grant, queue_limits limits);

    const std::vector<match::matcher_ptr>& matchers() const noexcept { return matchers_; }
    const queue_limits& limits() const noexcept { return limits_; }

    /// True if a matcher matches one of the update's topics, and the update is
    /// public or the grant covers one of its topics: the draft evaluates
    /// privacy against the topic set as a whole.
    bool wants(const update& u) const;
    bool may_receive(const update& u) const;

    /// Sequencing. Every update up to `sequence` is already dealt with (the
    /// history snapshot covered it): accept() refuses those from now on.
    void start_after(std::uint64_t sequence) noexcept { last_sequence_ = sequence; }
    /// False if `u` is not newer than the last accepted update: a live update
    /// already in the replay, or the same update reached through a second
    /// topic. Otherwise records it as accepted.
    bool accept(const update& u) noexcept;
    std::uint64_t last_sequence() const noexcept { return last_sequence_; }

    /// Queues the history replay ahead of everything. It does not count
    /// against the limits: the history's own bounds bound it.
    void preload(std::vector<update_ptr> replay);

    /// Queues `u`, whose first `already_sent` bytes were written already
    /// (only possible when the queue is empty: bytes go out in order).
    /// Over a limit it is refused, the subscription is marked slow and nothing
    /// more is queued (what is queued stays: a write may be using it).
    bool push(update_ptr u, std::size_t already_sent = 0);
    bool slow() const noexcept { return slow_; }
    bool empty() const noexcept { return queue_.empty(); }
    std::size_t queued_count() const noexcept { return queue_.size(); }
    std::size_t live_bytes() const noexcept { return live_bytes_; }

    /// Views of the queued bytes, oldest first, for one gather-write. Returns
    /// how many entries of `out` it filled.
    template <std::size_t N>
    std::size_t gather(std::array<std::string_view, N>& out) const noexcept {
        std::size_t n = 0;
        for (auto it = queue_.begin(); it != queue_.end() && n < N; ++it, ++n)
            out[n] = std::string_view((*it)->encoded).substr(n == 0 ? front_offset_ : 0);
        return n;
    }

    /// Drops the first `bytes` written bytes from the queue.
    void consume(std::size_t bytes) noexcept;

private:
    std::vector<match::matcher_ptr> matchers_;
    topic_grant grant_; // private updates it may read
    queue_limits limits_;
    std::uint64_t last_sequence_ = 0;
    std::deque<update_ptr> queue_;
    std::size_t front_offset_ = 0; // bytes of queue_.front() already written
    std::size_t preloaded_ = 0;    // replay entries at the front of queue_
    std::size_t live_count_ = 0;   // the others
    std::size_t live_bytes_ = 0;   // their bytes not yet written
    bool slow_ = false;
};

} // namespace herald::hub
