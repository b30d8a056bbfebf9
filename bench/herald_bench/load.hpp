// bench/herald_bench/load.hpp — the load itself: one worker process's share of
// the streams, on its own I/O threads, steered by a control block that the
// parent (the controller) writes and every worker reads.
#pragma once

#include "options.hpp"
#include "stats.hpp"

#include <atomic>
#include <cstdint>
#include <string>

namespace herald::bench {

/// The run's phases, in order. Only the controller moves them forward.
enum class phase : int { connecting, warmup, steady, stop };

/// Shared by the controller and every worker (through a MAP_SHARED mapping
/// when the workers are processes): the phase, the common start time, and a
/// block of live counters per I/O thread, `slots` of them, allocated just
/// past this header.
struct control_block {
    std::atomic<int> current{int(phase::connecting)};
    std::int64_t t0_ns = 0; ///< steady clock (CLOCK_MONOTONIC, the same in every process)
    unsigned slots = 0;

    live_counters* live() noexcept { return reinterpret_cast<live_counters*>(this + 1); }
    phase get() const noexcept { return phase(current.load(std::memory_order_relaxed)); }
    void set(phase p) noexcept { current.store(int(p), std::memory_order_relaxed); }

    static std::size_t bytes_for(unsigned slots) noexcept {
        return sizeof(control_block) + slots * sizeof(live_counters);
    }
};

/// The request every stream sends: a GET with the SSE headers and the user's.
std::string build_request(const config& cfg);

/// Runs process `index`'s share of the streams (stream g belongs to I/O
/// thread slot g % (processes × threads)) until the control block says stop,
/// then closes them and returns what its threads measured. `address` is the
/// server's resolved IP address.
result run_worker_process(const config& cfg, control_block& control, unsigned index,
                          const std::string& address);

} // namespace herald::bench
