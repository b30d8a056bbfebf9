// herald/hub/history.hpp — the hub's recent updates, in publication order,
// for subscribers that resume after a disconnect.
#pragma once

#include "herald/hub/update.hpp"

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace herald::hub {

/// A history bounded by a count and a byte size (update::footprint); the
/// oldest updates go first when either bound is passed. One hub-wide sequence
/// numbers the updates 1, 2, 3...: an id resolves to a sequence number, and a
/// resume is "everything after that number".
///
/// Thread-safe: one mutex, taken briefly by each publish and each resume.
class history {
public:
    /// A bound of 0 keeps no updates (resumes then always answer `earliest`).
    history(std::size_t max_count, std::size_t max_bytes);

    /// Numbers `u`, appends it, evicts what the bounds require (possibly `u`
    /// itself, if it alone is over the byte bound), then calls
    /// `then(update_ptr)` while still holding the lock. The hub posts the update
    /// to every worker inside `then`: since numbering and posting happen under
    /// one lock, every worker receives updates in sequence order.
    template <typename F>
    update_ptr append(std::shared_ptr<update> u, F&& then) {
        std::lock_guard lock(mutex_);
        u->sequence = ++last_sequence_;
        u->position = u->sequence;
        update_ptr shared = std::move(u);
        store(shared);
        then(shared);
        return shared;
    }

    /// What a resuming subscriber gets.
    struct replay {
        /// The updates after the resume point that `wanted` accepted, oldest first.
        std::vector<update_ptr> updates;
        /// The newest sequence number at the time of the snapshot: live
        /// updates up to it are already covered (sent or deliberately not).
        std::uint64_t last_sequence = 0;
        /// The Mercure-Last-Event-ID value: the requested id if it was found,
        /// `earliest` if it was `earliest` or is unknown (never published, or
        /// evicted) — then nothing is replayed, since the hub cannot tell what
        /// the client missed. Empty when no resume was requested.
        std::optional<std::string> response_last_event_id;
    };

    /// Snapshots the updates after `last_event_id` (all of them for
    /// "earliest"; none without a resume request), keeping those for which
    /// `wanted(const update&)` is true. If an id was published more than once,
    /// it resolves to its oldest occurrence still in the history, as the draft
    /// requires, so later updates with the same id are replayed.
    template <typename Pred>
    replay resume(bool requested, std::string_view last_event_id, Pred&& wanted) const {
        replay r;
        std::lock_guard lock(mutex_);
        r.last_sequence = last_sequence_;
        if (!requested)
            return r;
        std::size_t from = 0; // index in updates_ of the first update to replay
        if (last_event_id == "earliest") {
            r.response_last_event_id = "earliest";
        } else if (const auto it = by_id_.find(last_event_id); it != by_id_.end()) {
            r.response_last_event_id = std::string(last_event_id);
            from = std::size_t(it->second.first - first_sequence()) + 1;
        } else {
            r.response_last_event_id = "earliest";
            return r;
        }
        for (auto i = from; i < updates_.size(); ++i)
            if (wanted(*updates_[i]))
                r.updates.push_back(updates_[i]);
        return r;
    }

    std::uint64_t last_sequence() const;
    std::size_t size() const;
    std::size_t bytes() const;

private:
    void store(const update_ptr& u);
    std::uint64_t first_sequence() const noexcept { return last_sequence_ - updates_.size() + 1; }

    const std::size_t max_count_, max_bytes_;
    mutable std::mutex mutex_;
    std::uint64_t last_sequence_ = 0;
    std::size_t bytes_ = 0;
    std::deque<update_ptr> updates_; // consecutive sequence numbers, oldest first
    // The updates bearing one id form a chain: the oldest and newest
    // sequence here, each one's successor in next_same_id_. Ids rarely
    // repeat, so this is one map node per update and no list of its own.
    // The key views the id inside the oldest update bearing it, which the
    // history holds, so it lives exactly as long.
    struct id_chain {
        std::uint64_t first, last;
    };
    std::unordered_map<std::string_view, id_chain> by_id_;
    // Parallel to updates_: the next sequence bearing the same id, 0 if none.
    std::deque<std::uint64_t> next_same_id_;
};

} // namespace herald::hub
