#include "herald/hub/subscription.hpp"

#include <algorithm>

namespace herald::hub {

bool matches_plainly(const matcher_spec& m, std::string_view topic) noexcept {
    if (m.is_wildcard())
        return true;
    switch (m.kind) {
    case matcher_kind::exact:
        return m.pattern == topic;
    case matcher_kind::uritemplate:
        return m.pattern.find('{') == std::string::npos && m.pattern == topic;
    case matcher_kind::urlpattern:
        return false;
    }
    return false;
}

namespace {

bool any_matches(const std::vector<matcher_spec>& matchers, const update& u) noexcept {
    for (const auto& m : matchers)
        for (const auto& t : u.topics)
            if (matches_plainly(m, t))
                return true;
    return false;
}

} // namespace

bool topic_grant::covers_any(const update& u) const noexcept {
    return all || any_matches(matchers, u);
}

bool topic_grant::covers_all(const update& u) const noexcept {
    if (all)
        return true;
    for (const auto& t : u.topics) {
        bool covered = false;
        for (const auto& m : matchers)
            covered = covered || matches_plainly(m, t);
        if (!covered)
            return false;
    }
    return !u.topics.empty();
}

subscription::subscription(std::vector<matcher_spec> matchers, topic_grant grant,
                           queue_limits limits)
    : matchers_(std::move(matchers))
    , grant_(std::move(grant))
    , limits_(limits) {}

bool subscription::may_receive(const update& u) const noexcept {
    return !u.is_private || grant_.covers_any(u);
}

bool subscription::wants(const update& u) const noexcept {
    return may_receive(u) && any_matches(matchers_, u);
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
