// app/counters.hpp — what each worker counts for /metrics.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace herald::app {

/// A number only one thread (its worker) changes and any thread may read.
/// The owner writes with a relaxed load and store, not a read-modify-write:
/// on x86-64 and ARM64 that is a plain load and store, no locked instruction
/// and no cache line bouncing between cores, because no other thread writes
/// the line. A reader (a scrape, on whichever worker answers /metrics) sees
/// some recent value; the atomic makes that read well-defined, so the code is
/// TSan-clean. Posting to every worker and waiting would give exact values
/// but make a scrape wait on the busiest loop; monitoring does not need that.
class owned_counter {
public:
    void add(std::uint64_t n = 1) noexcept {
        value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    void sub(std::uint64_t n = 1) noexcept {
        value_.store(value_.load(std::memory_order_relaxed) - n, std::memory_order_relaxed);
    }
    std::uint64_t get() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

/// The kinds of stream.
enum class endpoint : std::size_t { ticker, hub };
inline constexpr std::size_t endpoint_count = 2;

/// Why a stream ended.
enum class disconnect : std::size_t {
    client_left,
    slow_consumer,
    write_timeout,
    token_expired,
    shutdown,
    max_events, ///< the ticker's --max-events: a clean end the client resumes from
};
inline constexpr std::size_t disconnect_count = 6;

/// The routes, as /metrics labels them: a fixed set, never the request's
/// path, so a client cannot grow the number of series. `unrouted`: refused
/// before a route was known (a malformed or too large head, a timeout).
enum class route_label : std::size_t { sse, hub, healthz, readyz, metrics, demo, other, unrouted };
inline constexpr std::size_t route_count = 8;

/// Status codes 100 to 599; anything else counts as 599.
inline constexpr std::size_t status_count = 500;

/// Publish outcomes.
enum class publish_outcome : std::size_t { accepted, rejected };
inline constexpr std::size_t publish_outcome_count = 2;

/// Buckets of the publish-to-write latency histogram, in seconds (upper
/// bounds; the last, +Inf, is implied).
inline constexpr std::array<double, 12> latency_buckets{
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0};

/// One worker's counters; the worker's thread is the only writer.
struct worker_counters {
    std::array<owned_counter, endpoint_count> streams_open;
    std::array<owned_counter, endpoint_count> events_delivered;
    std::array<owned_counter, disconnect_count> disconnects;
    std::array<std::array<owned_counter, status_count>, route_count> requests;
    std::array<owned_counter, publish_outcome_count> publishes;
    std::array<owned_counter, latency_buckets.size() + 1>
        latency_counts; // per bucket, not cumulative
    owned_counter latency_sum_ns;
    owned_counter accepted; ///< connections accepted, busy ones included

    void request(route_label route, int status) noexcept {
        const auto s =
            status >= 100 && status <= 599 ? std::size_t(status - 100) : status_count - 1;
        requests[std::size_t(route)][s].add();
    }
    void latency(double seconds) noexcept {
        std::size_t b = 0;
        while (b < latency_buckets.size() && seconds > latency_buckets[b])
            ++b;
        latency_counts[b].add();
        latency_sum_ns.add(std::uint64_t(seconds * 1e9));
    }
};

} // namespace herald::app
