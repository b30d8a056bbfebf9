// bench/herald_bench/sequence.hpp — what one subscriber got of one topic's
// sequence: losses, duplicates and updates out of order, in constant memory.
#pragma once

#include <algorithm>
#include <cstdint>

namespace herald::bench {

/// Tracks the sequence numbers of one topic as a subscriber receives them.
///
/// It keeps the next expected number and a 64-bit window of which of the 64
/// numbers below it have arrived (the anti-replay window of IPsec). A number
/// above the expected one opens a gap: the skipped numbers count as lost until
/// they arrive. A number inside the window that has not arrived yet fills its
/// gap (one loss less, one update out of order); one that has is a duplicate.
/// A number older than the window cannot be told apart and counts as a
/// duplicate: a hub that reorders by more than 64 updates has bigger problems.
class sequence_tracker {
public:
    static constexpr std::uint64_t window = 64;

    /// The first number this subscriber should see.
    void start(std::uint64_t first) noexcept {
        next_ = first;
        seen_ = 0;
    }

    void on(std::uint64_t seq) noexcept {
        if (seq >= next_) {
            const auto skipped = seq - next_;
            lost_ += skipped;
            // Shift the window past the skipped numbers (not received: bit 0)
            // and the one just received (bit 1).
            const auto shift = skipped + 1;
            seen_ = shift >= window ? 0 : seen_ << shift;
            seen_ |= 1;
            next_ = seq + 1;
            return;
        }
        const auto back = next_ - 1 - seq; // bit index of seq in the window
        if (back >= window) {
            ++duplicates_;
            return;
        }
        const auto bit = std::uint64_t{1} << back;
        if (seen_ & bit) {
            ++duplicates_;
            return;
        }
        seen_ |= bit;
        --lost_;
        ++out_of_order_;
    }

    /// The run is over: `published` numbers were sent on the topic (so the
    /// last one is published − 1), `failed` of them were refused by the hub
    /// and never expected. Whatever is still missing is lost.
    void finish(std::uint64_t published, std::uint64_t failed) noexcept {
        if (published > next_)
            lost_ += published - next_;
        next_ = std::max(next_, published);
        lost_ -= std::min(lost_, failed);
    }

    std::uint64_t next() const noexcept { return next_; }
    std::uint64_t lost() const noexcept { return lost_; }
    std::uint64_t duplicates() const noexcept { return duplicates_; }
    std::uint64_t out_of_order() const noexcept { return out_of_order_; }

private:
    std::uint64_t next_ = 0;
    std::uint64_t seen_ = 0;
    std::uint64_t lost_ = 0;
    std::uint64_t duplicates_ = 0;
    std::uint64_t out_of_order_ = 0;
};

} // namespace herald::bench
