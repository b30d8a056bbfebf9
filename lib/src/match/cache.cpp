#include "herald/match/cache.hpp"

namespace herald::match {

matcher_cache::matcher_cache(std::string base_url, matcher_limits limits, std::size_t capacity)
    : base_url_(std::move(base_url))
    , limits_(limits)
    , capacity_(capacity == 0 ? 1 : capacity) {
    if (!base_url_.empty()) {
        if (auto parsed = url::parse(base_url_)) {
            base_ = std::make_shared<const url>(std::move(*parsed));
        }
    }
}

compile_result matcher_cache::get(matcher_type type, std::string_view pattern) {
    // The key is the type's number followed by the pattern: distinct types
    // never share an entry, and a separator cannot be forged by a pattern.
    std::string key;
    key.reserve(pattern.size() + 1);
    key.push_back(static_cast<char>('0' + static_cast<int>(type)));
    key.append(pattern);

    {
        std::lock_guard lock(mutex_);
        if (auto it = by_key_.find(key); it != by_key_.end()) {
            lru_.splice(lru_.begin(), lru_, it->second);
            return {it->second->second, {}};
        }
    }

    // Compile outside the lock: a slow compile does not hold up other
    // subscribers. Two threads may compile the same pattern at once; the
    // first to insert wins and both return its matcher.
    compile_result compiled = compile(type, pattern, base_url_, limits_);
    if (!compiled.matcher) {
        return compiled;
    }

    std::lock_guard lock(mutex_);
    if (auto it = by_key_.find(key); it != by_key_.end()) {
        lru_.splice(lru_.begin(), lru_, it->second);
        return {it->second->second, {}};
    }
    lru_.emplace_front(std::move(key), compiled.matcher);
    by_key_.emplace(std::string_view(lru_.front().first), lru_.begin());
    while (lru_.size() > capacity_) {
        by_key_.erase(std::string_view(lru_.back().first));
        lru_.pop_back();
    }
    return compiled;
}

compile_result matcher_cache::get_topic_selector(std::string_view selector) {
    if (selector.find('{') != std::string_view::npos) {
        if (compile_result r = get(matcher_type::uritemplate, selector)) {
            return r;
        }
    }
    return get(matcher_type::exact, selector);
}

std::size_t matcher_cache::size() const {
    std::lock_guard lock(mutex_);
    return lru_.size();
}

} // namespace herald::match
