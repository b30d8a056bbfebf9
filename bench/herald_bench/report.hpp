// bench/herald_bench/report.hpp — the final report, for people and for scripts.
#pragma once

#include "options.hpp"
#include "stats.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace herald::bench {

/// The server processes, sampled from /proc.
struct server_figures {
    std::vector<int> pids;
    bool sampled = false;             ///< every pid was readable at both window edges
    std::uint64_t rss_before_kib = 0; ///< before the first connect
    std::uint64_t rss_start_kib = 0;  ///< at the window's start
    std::uint64_t rss_end_kib = 0;    ///< at the window's end
    std::uint64_t rss_max_kib = 0;    ///< highest once-a-second sample in the window
    std::uint64_t cpu_window_us = 0;  ///< user + system over the window
};

struct summary {
    result r;
    double window_s = 0;             ///< measured length of the steady window
    std::uint64_t all_opened_us = 0; ///< start → every stream open (0: some never opened)
    std::int64_t t0_unix_us = 0;     ///< the start, as wall-clock time
    bool interrupted = false;        ///< stopped early by SIGINT
    server_figures server;
    bool publishing = false;
    publish_result pub;
    double drain_s = 0; ///< window end → losses judged
};

/// Median, p90, p99, p99.9, max and mean of a histogram, as one JSON object.
std::string json_of(const histogram& h);

std::string render_json(const config& cfg, const summary& s);
std::string render_text(const config& cfg, const summary& s);

} // namespace herald::bench
