#include "herald/hub/history.hpp"

namespace herald::hub {

history::history(std::size_t max_count, std::size_t max_bytes)
    : max_count_(max_count)
    , max_bytes_(max_bytes) {}

void history::store(const update_ptr& u) {
    updates_.push_back(u);
    next_same_id_.push_back(0);
    bytes_ += u->footprint();
    const auto [chain, added] = by_id_.try_emplace(u->id, id_chain{u->sequence, u->sequence});
    if (!added) {
        next_same_id_[std::size_t(chain->second.last - first_sequence())] = u->sequence;
        chain->second.last = u->sequence;
    }
    while (!updates_.empty() && (updates_.size() > max_count_ || bytes_ > max_bytes_)) {
        const auto& oldest = updates_.front();
        // Eviction is oldest first, so the evicted update is the oldest
        // bearing its id: the head of that id's chain.
        const auto it = by_id_.find(oldest->id);
        if (it->second.last == oldest->sequence) {
            by_id_.erase(it);
        } else {
            // The key views the evicted update's id: make it view the id of
            // the next update bearing it, which stays.
            const auto next = next_same_id_.front();
            auto node = by_id_.extract(it);
            node.key() = updates_[std::size_t(next - first_sequence())]->id;
            node.mapped().first = next;
            by_id_.insert(std::move(node));
        }
        bytes_ -= oldest->footprint();
        updates_.pop_front();
        next_same_id_.pop_front();
    }
}

std::uint64_t history::last_sequence() const {
    std::lock_guard lock(mutex_);
    return last_sequence_;
}

std::size_t history::size() const {
    std::lock_guard lock(mutex_);
    return updates_.size();
}

std::size_t history::bytes() const {
    std::lock_guard lock(mutex_);
    return bytes_;
}

} // namespace herald::hub
