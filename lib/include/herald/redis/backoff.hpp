// herald/redis/backoff.hpp — delays between reconnection attempts.
#pragma once

#include <chrono>
#include <cstdint>

namespace herald::redis {

struct backoff_options {
    std::chrono::milliseconds initial{50};
    std::chrono::milliseconds max{2000};
    /// When set, each delay is drawn from [d/2, d] ("equal jitter"), so that
    /// many hubs that lost the same Redis do not reconnect in lockstep.
    bool jitter = true;
};

/// Exponential backoff: initial, 2×initial, 4×initial ... capped at max.
class backoff {
public:
    explicit backoff(backoff_options options = {}, std::uint64_t seed = 0);

    /// The delay to wait before the next attempt; doubles the one after.
    std::chrono::milliseconds next() noexcept;

    /// Back to `initial`, after a connection that worked.
    void reset() noexcept { current_ = options_.initial; }

private:
    backoff_options options_;
    std::chrono::milliseconds current_;
    std::uint64_t state_;
};

} // namespace herald::redis
