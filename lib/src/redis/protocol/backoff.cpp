#include "herald/redis/backoff.hpp"

#include <algorithm>
#include <random>

namespace herald::redis {

backoff::backoff(backoff_options options, std::uint64_t seed)
    : options_(options)
    , current_(options.initial)
    , state_(seed != 0 ? seed : std::random_device{}() | 1) {}

std::chrono::milliseconds backoff::next() noexcept {
    const auto delay = std::min(current_, options_.max);
    current_ = std::min(current_ * 2, options_.max);
    if (!options_.jitter || delay.count() < 2)
        return delay;
    // xorshift64: jitter needs spread, not quality.
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    const auto half = delay.count() / 2;
    return std::chrono::milliseconds(half + static_cast<long long>(state_ % (half + 1)));
}

} // namespace herald::redis
