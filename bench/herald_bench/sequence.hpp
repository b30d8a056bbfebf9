// bench/herald_bench/sequence.hpp — what one subscriber got of one topic's
// sequence: losses, duplicates and updates out of order.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace herald::bench {

/// Tracks the sequence numbers of one topic as a subscriber receives them.
///
/// It keeps the next expected number and the gaps below it, as ranges. A
/// number above the expected one opens a gap: the skipped numbers count as
/// lost until they arrive. A number in a gap fills it (one loss less, one
/// update out of order, however late it comes); any other number below the
/// expected one is a duplicate. A healthy stream has no gap and costs no
/// memory beyond the object; a lossy one keeps at most `max_gaps` ranges, and
/// past that forgets its oldest gap: those numbers stay lost, and if one
/// arrives after all it counts as a duplicate.
class sequence_tracker {
public:
    static constexpr std::size_t max_gaps = 4096;

    /// The first number this subscriber should see.
    void start(std::uint64_t first) noexcept {
        next_ = first;
        gaps_.clear();
    }

    void on(std::uint64_t seq) {
        if (seq >= next_) {
            if (seq > next_) {
                lost_ += seq - next_;
                if (gaps_.size() == max_gaps)
                    gaps_.erase(gaps_.begin());
                gaps_.emplace_back(next_, seq);
            }
            next_ = seq + 1;
            return;
        }
        // The gap that would hold seq: the last one starting at or below it.
        auto it = std::upper_bound(gaps_.begin(), gaps_.end(), seq,
                                   [](std::uint64_t v, const gap& g) { return v < g.first; });
        if (it == gaps_.begin() || seq >= std::prev(it)->second) {
            ++duplicates_;
            return;
        }
        --it;
        --lost_;
        ++out_of_order_;
        if (seq == it->first) {
            ++it->first;
        } else if (seq + 1 == it->second) {
            --it->second;
        } else {
            const gap upper{seq + 1, it->second};
            it->second = seq;
            it = gaps_.insert(std::next(it), upper);
            return;
        }
        if (it->first == it->second)
            gaps_.erase(it);
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
    using gap = std::pair<std::uint64_t, std::uint64_t>; ///< [first, second) missing

    std::uint64_t next_ = 0;
    std::uint64_t lost_ = 0;
    std::uint64_t duplicates_ = 0;
    std::uint64_t out_of_order_ = 0;
    std::vector<gap> gaps_; ///< sorted, disjoint, all below next_
};

} // namespace herald::bench
