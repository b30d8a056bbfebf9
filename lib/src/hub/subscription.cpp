#include "herald/hub/subscription.hpp"

#include <algorithm>

namespace herald::hub {

bool topic_grant::covers_any(const update& u) const {
    return all || match::covers_any(matchers, u.topics);
}

bool topic_grant::covers_all(const update& u) const {
    return all ? !u.topics.empty() : match::covers_all(matchers, u.topics);
}

subscription::subscription(std::vector<match::matcher_ptr> matchers, topic_grant grant,
                           queue_limits limits)
    : matchers_(std::move(matchers))
    , grant_(std::move(grant))
    , limits_(limits) {}

bool subscription::may_receive(const update& u) const {
    return !u.is_private || grant_.covers_any(u);
}

bool subscription::wants(const update& u) const {
    return may_receive(u) && match::covers_any(matchers_, u.topics);
}

bool subscription::accept(const update& u) noexcept {
    if (u.sequence <= last_sequence_)
        return false;
    last_sequence_ = u.sequence;
    return true;
}

void subscription::preload(std::vector<update_ptr> replay) {
    // Only at the start, before anything live is queued.
    preloaded_ += replay.size();
    for (auto& u : replay)
        queue_.push_back(std::move(u));
}

bool subscription::push(update_ptr u, std::size_t already_sent) {
    if (slow_)
        return false;
    if (!queue_.empty())
        already_sent = 0; // the contract says it is; keep the accounting exact anyway
    const auto bytes = u->encoded.size() - already_sent;
    if (live_count_ + 1 > limits_.max_count || live_bytes_ + bytes > limits_.max_bytes) {
        // Over a bound: this subscriber is cut (the caller sees false).
        slow_ = true;
        return false;
    }
    if (queue_.empty())
        front_offset_ = already_sent;
    queue_.push_back(std::move(u));
    ++live_count_;
    live_bytes_ += bytes;
    return true;
}

void subscription::consume(std::size_t bytes) noexcept {
    while (bytes > 0 && !queue_.empty()) {
        const auto left = queue_.front()->encoded.size() - front_offset_;
        const auto used = std::min(bytes, left);
        bytes -= used;
        front_offset_ += used;
        if (preloaded_ == 0)
            live_bytes_ -= used;
        if (used == left) {
            queue_.pop_front();
            front_offset_ = 0;
            if (preloaded_ > 0)
                --preloaded_;
            else
                --live_count_;
        }
    }
}

} // namespace herald::hub
