// bench/herald_bench/publish.hpp — the bench as a publisher: keep-alive HTTP/1.1
// connections that POST updates on the open model's schedule, in a thread of
// the controller process.
#pragma once

#include "options.hpp"
#include "stats.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace herald::bench {

class publisher {
public:
    /// `address` is the publish host's resolved IP address.
    publisher(const config& cfg, std::string address);
    ~publisher();
    publisher(const publisher&) = delete;
    publisher& operator=(const publisher&) = delete;

    /// Before the streams open, on one connection and in order: an anchor
    /// update (sequence 0) on every topic, then `cfg.replay` more rounds. The
    /// anchors' ids, one per topic, are what the streams resume from. False
    /// with a message if any publish failed or gave no id.
    bool prefill(std::vector<std::string>& anchors, std::string& error);

    /// Starts publishing now, on its own thread, for cfg.duration.
    void start();

    /// No new update from now on (the window is over, or the run was
    /// interrupted); the ones in flight finish.
    void stop_new() noexcept { stop_new_.store(true, std::memory_order_relaxed); }

    /// Every connection is done: nothing in flight.
    bool finished() const noexcept { return finished_.load(std::memory_order_acquire); }

    /// Closes whatever is still in flight (counted as timeouts) and joins.
    void join();

    /// Updates attempted on the live schedule (the sequence numbers handed out).
    std::uint64_t handed_out() const noexcept;

    /// After join: what was measured, and per topic the updates that failed.
    const publish_result& result() const noexcept;
    const std::vector<std::uint64_t>& failed_per_topic() const noexcept;

    struct state;

private:
    std::unique_ptr<state> s_;
    std::atomic<bool> stop_new_{false};
    std::atomic<bool> finished_{false};
    std::thread thread_;
};

} // namespace herald::bench
