// bench/herald_bench/load.hpp — the load itself: one worker process's share of
// the streams, on its own I/O threads, steered by a control block that the
// parent (the controller) writes and every worker reads.
#pragma once

#include "options.hpp"
#include "stats.hpp"

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace herald::bench {

/// The run's phases, in order. Only the controller moves them forward.
enum class phase : int { connecting, warmup, steady, drain, stop };

/// Shared by the controller and every worker (through a MAP_SHARED mapping
/// when the workers are processes): the phase, the common start time, and a
/// block of live counters per I/O thread, `slots` of them, allocated just
/// past this header, and when publishing, after them, the number of failed
/// publishes per topic, which the controller writes before it says stop.
struct control_block {
    std::atomic<int> current{int(phase::connecting)};
    std::int64_t t0_ns = 0; ///< steady clock (CLOCK_MONOTONIC, the same in every process)
    unsigned slots = 0;
    std::uint64_t topics = 0;    ///< entries in the failed-publish table
    std::uint64_t published = 0; ///< live updates the publisher handed out (set before stop)

    live_counters* live() noexcept { return reinterpret_cast<live_counters*>(this + 1); }
    std::uint64_t* failed() noexcept { return reinterpret_cast<std::uint64_t*>(live() + slots); }
    // Release/acquire: what the controller wrote before a phase change is
    // visible to whoever sees the new phase.
    phase get() const noexcept { return phase(current.load(std::memory_order_acquire)); }
    void set(phase p) noexcept { current.store(int(p), std::memory_order_release); }

    static std::size_t bytes_for(unsigned slots, std::uint64_t topics) noexcept {
        return sizeof(control_block) + slots * sizeof(live_counters) +
               std::size_t(topics) * sizeof(std::uint64_t);
    }
};

/// The request a stream sends: a GET of `target` with the SSE headers, the
/// user's, and Last-Event-ID when `last_event_id` is not empty.
std::string build_request(const config& cfg, std::string_view target,
                          std::string_view last_event_id = {});

/// Runs process `index`'s share of the streams (stream g belongs to I/O
/// thread slot g % (processes × threads)) until the control block says stop,
/// then closes them and returns what its threads measured. `address` is the
/// server's resolved IP address; `anchors` (empty, or one per topic) the
/// ids the streams resume from.
result run_worker_process(const config& cfg, control_block& control, unsigned index,
                          const std::string& address, const std::vector<std::string>& anchors);

} // namespace herald::bench
