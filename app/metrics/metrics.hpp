// app/metrics/metrics.hpp — /metrics in Prometheus's text format.
#pragma once

#include "counters.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace herald::app {

/// What a scrape reads. Each function is called on the scraping thread, so
/// each must be thread-safe.
struct metrics_sources {
    std::vector<const worker_counters*> workers;
    std::function<std::size_t()> open_connections;
    std::function<std::uint64_t()> rejected_busy;
    /// The hub's history: entries and bytes. Empty: no hub.
    std::function<std::pair<std::size_t, std::size_t>()> history;
    /// Cluster mode: 1 connected, 0 not; and Redis errors so far. Empty: not clustered.
    std::function<bool()> redis_connected;
    std::function<std::uint64_t()> redis_errors;
    std::string version;
};

/// The exposition of every herald metric, summed over the workers, written
/// by prometheus-cpp's TextSerializer from a custom Collectable.
std::string metrics_text(const metrics_sources& sources);

/// The Content-Type of metrics_text().
inline constexpr const char* metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

} // namespace herald::app
