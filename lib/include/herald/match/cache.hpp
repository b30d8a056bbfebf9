// herald/match/cache.hpp — compile each (type, pattern) once.
//
// Thousands of subscribers commonly send the same few patterns. The cache
// hands them one shared compiled matcher, which saves the compile and the
// memory, and lets the subscription index group them by matcher identity so a
// publish evaluates each distinct pattern once.
#pragma once

#include "herald/match/matcher.hpp"

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace herald::match {

/// Thread-safe (one mutex: compiling happens at subscribe time, never per
/// publish). Bounded: past `capacity` entries the least recently used one is
/// dropped; matchers already handed out stay valid, and a later get() of the
/// same pattern compiles it again, to an equivalent matcher. Invalid patterns
/// are not cached.
class matcher_cache {
public:
    /// `base_url` is the hub's URL: relative URL patterns and topics resolve
    /// against it.
    explicit matcher_cache(std::string base_url = {}, matcher_limits limits = {},
                           std::size_t capacity = 10'000);

    /// The compiled matcher for (type, pattern), compiling it on a miss.
    compile_result get(matcher_type type, std::string_view pattern);

    /// The compiled draft-07 topic selector (see compile_topic_selector).
    compile_result get_topic_selector(std::string_view selector);

    /// A topic whose URL form resolves against this cache's base URL.
    topic make_topic(std::string value) const { return topic(std::move(value), base_); }

    const std::string& base_url() const noexcept { return base_url_; }
    /// The base URL parsed (null when empty or not a URL).
    const std::shared_ptr<const url>& base() const noexcept { return base_; }
    const matcher_limits& limits() const noexcept { return limits_; }

    std::size_t size() const;
    std::size_t capacity() const noexcept { return capacity_; }

private:
    using lru_list = std::list<std::pair<std::string, matcher_ptr>>;

    std::string base_url_;
    std::shared_ptr<const url> base_;
    matcher_limits limits_;
    std::size_t capacity_;

    mutable std::mutex mutex_;
    lru_list lru_; // most recently used first
    std::unordered_map<std::string_view, lru_list::iterator> by_key_;
};

} // namespace herald::match
