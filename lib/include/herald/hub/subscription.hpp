// herald/hub/subscription.hpp — one subscriber's delivery state: what it
// wants, what it may see, and what is waiting to be written to it.
#pragma once

#include "herald/hub/subscribe_request.hpp"
#include "herald/hub/update.hpp"

#include <array>
#include <cstdint>
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

namespace detail {

/// A FIFO of updates that allocates nothing until something waits: most
/// subscribers never queue anything (deliver() writes straight to the
/// socket), and std::deque would cost each of them ~600 bytes up front. A
/// ring whose capacity is a power of two; emptied after a burst, it gives its
/// memory back. Moving the slots on growth moves only pointers: the updates,
/// which a pending write may be reading, stay where they are.
class update_ring {
public:
    bool empty() const noexcept { return size_ == 0; }
    std::size_t size() const noexcept { return size_; }
    const update_ptr& operator[](std::size_t i) const noexcept {
        return slots_[(head_ + i) & (slots_.size() - 1)];
    }
    const update_ptr& front() const noexcept { return (*this)[0]; }

    void push_back(update_ptr u) {
        if (size_ == slots_.size())
            grow();
        slots_[(head_ + size_) & (slots_.size() - 1)] = std::move(u);
        ++size_;
    }

    void pop_front() noexcept {
        slots_[head_].reset();
        head_ = (head_ + 1) & (slots_.size() - 1);
        if (--size_ == 0 && slots_.size() > 64) {
            slots_ = {};
            head_ = 0;
        }
    }

private:
    void grow() {
        std::vector<update_ptr> bigger(slots_.empty() ? 4 : 2 * slots_.size());
        for (std::size_t i = 0; i < size_; ++i)
            bigger[i] = std::move(slots_[(head_ + i) & (slots_.size() - 1)]);
        slots_.swap(bigger);
        head_ = 0;
    }

    std::vector<update_ptr> slots_;
    std::size_t head_ = 0, size_ = 0;
};

} // namespace detail

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
    /// True if push(u) would fit within the limits now.
    bool has_room(const update& u) const noexcept {
        return live_count_ + 1 <= limits_.max_count &&
               live_bytes_ + u.encoded.size() <= limits_.max_bytes;
    }
    bool empty() const noexcept { return queue_.empty(); }
    std::size_t queued_count() const noexcept { return queue_.size(); }
    std::size_t live_bytes() const noexcept { return live_bytes_; }

    /// Views of the queued bytes, oldest first, for one gather-write. Returns
    /// how many entries of `out` it filled.
    template <std::size_t N>
    std::size_t gather(std::array<std::string_view, N>& out) const noexcept {
        std::size_t n = 0;
        for (; n < queue_.size() && n < N; ++n)
            out[n] = std::string_view(queue_[n]->encoded).substr(n == 0 ? front_offset_ : 0);
        return n;
    }

    /// Drops the first `bytes` written bytes from the queue.
    void consume(std::size_t bytes) noexcept;

private:
    std::vector<match::matcher_ptr> matchers_;
    topic_grant grant_; // private updates it may read
    queue_limits limits_;
    std::uint64_t last_sequence_ = 0;
    detail::update_ring queue_;
    std::size_t front_offset_ = 0; // bytes of queue_.front() already written
    std::size_t preloaded_ = 0;    // replay entries at the front of queue_
    std::size_t live_count_ = 0;   // the others
    std::size_t live_bytes_ = 0;   // their bytes not yet written
    bool slow_ = false;
};

} // namespace herald::hub
