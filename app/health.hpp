// app/health.hpp — liveness (/healthz) and readiness (/readyz).
#pragma once

#include "herald/http/request.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::app {

/// What the health routes read. The server writes it; any worker reads it,
/// so every field is atomic or set before the workers start.
class health_state {
public:
    using clock = std::chrono::steady_clock;

    /// A worker whose loop has not beaten for this long is stuck. Each loop
    /// beats at least once a second (the write-timeout sweep), so five
    /// seconds is a loop that has missed several turns, not a busy one.
    /// Set before start() (tests shorten it).
    std::chrono::milliseconds stall_limit{5000};

    /// One heartbeat per worker, written by that worker's thread only.
    /// Before start(): sized and set to the current time.
    void add_worker() { beats_.emplace_back(now_ticks()); }
    std::size_t workers() const noexcept { return beats_.size(); }
    void beat(std::size_t worker) noexcept {
        beats_[worker].value.store(now_ticks(), std::memory_order_relaxed);
    }

    /// Set once the acceptors are open and the loops run.
    void set_listening() noexcept { listening_.store(true, std::memory_order_relaxed); }
    /// Set at the first moment of a graceful shutdown: readiness fails while
    /// streams are still served, so load balancers send no new clients.
    void set_draining() noexcept { draining_.store(true, std::memory_order_relaxed); }
    bool draining() const noexcept { return draining_.load(std::memory_order_relaxed); }

    /// The cluster's part of readiness: whether this node reaches Redis.
    /// Empty (the default, and without --redis): always ready. Cluster mode
    /// sets it to the hub's ready() before the workers start.
    std::function<bool()> cluster_ready;

    /// Empty when every event loop has beaten within stall_limit; otherwise
    /// why not.
    std::string not_live() const;
    /// Empty when herald should get new clients; otherwise why not.
    std::string not_ready() const;

private:
    struct beat_slot {
        explicit beat_slot(clock::rep v)
            : value(v) {}
        beat_slot(beat_slot&& other) noexcept
            : value(other.value.load()) {}
        std::atomic<clock::rep> value;
    };
    static clock::rep now_ticks() noexcept { return clock::now().time_since_epoch().count(); }

    std::vector<beat_slot> beats_;
    std::atomic<bool> listening_{false};
    std::atomic<bool> draining_{false};
};

/// Whether `path` is one of the health routes.
bool is_health_path(std::string_view path) noexcept;

/// The complete response to GET/HEAD /healthz or /readyz: 200 "ok", or 503
/// with the reason as text; 405 for other methods. Never cached.
std::string health_response(const http::request& req, const health_state& health);

} // namespace herald::app
