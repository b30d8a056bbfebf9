// app/hub/token_cache.hpp — tokens the hub has verified, and what they grant.
//
// A publisher sends the same token with every publish, and verifying it
// (base64url, HMAC or a signature check, two JSON parses, compiling the
// grant's selectors) was the largest share of a publish's CPU. So a token
// that verified is remembered, keyed by its whole text: only the very same
// bytes hit, and those bytes were checked once with the key the hub still
// has (keys are fixed for the process's life). `exp` is checked on every hit;
// `nbf` held at the first check and stays true. Tokens that fail are never
// kept, so garbage cannot churn the cache: it only ever holds tokens signed
// with the hub's key. Bounded: when full it is emptied and refills with the
// tokens still in use.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace herald::app {

template <typename Grant>
class token_cache {
public:
    using time_point = std::chrono::system_clock::time_point;

    /// `max_entries` 0 disables the cache. `leeway` is the verifier's
    /// tolerance on `exp`, applied here the same way.
    token_cache(std::size_t max_entries, std::chrono::seconds leeway)
        : max_entries_(max_entries)
        , leeway_(leeway) {}

    /// What `token` grants if it verified before and has not expired by
    /// `now`. Thread-safe.
    std::optional<Grant> find(std::string_view token, time_point now) const {
        if (max_entries_ == 0)
            return std::nullopt;
        std::lock_guard lock(mutex_);
        const auto it = entries_.find(token);
        if (it == entries_.end())
            return std::nullopt;
        // RFC 7519 §4.1.4, as the verifier applies it: valid only before exp.
        if (it->second.expires && now >= *it->second.expires + leeway_) {
            entries_.erase(it);
            return std::nullopt;
        }
        return it->second.grant;
    }

    /// Remembers a token that just verified. Thread-safe.
    void insert(std::string_view token, const Grant& grant, std::optional<time_point> expires) {
        if (max_entries_ == 0)
            return;
        std::lock_guard lock(mutex_);
        if (entries_.size() >= max_entries_)
            entries_.clear();
        entries_.insert_or_assign(std::string(token), entry{grant, expires});
    }

    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return entries_.size();
    }

private:
    struct entry {
        Grant grant;
        std::optional<time_point> expires;
    };
    struct hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };

    const std::size_t max_entries_;
    const std::chrono::seconds leeway_;
    mutable std::mutex mutex_;
    mutable std::unordered_map<std::string, entry, hash, std::equal_to<>> entries_;
};

} // namespace herald::app
