// bench/herald_bench/stats.hpp — what the bench counts, live and in the end.
#pragma once

#include "histogram.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace herald::bench {

/// Why a stream failed. The first six are the classes the report names; the
/// last catches what they do not (out of ports or descriptors, a malformed
/// response), with the first such message kept for the report.
enum class error_class : std::uint8_t {
    refused,
    timeout,
    non_200,
    content_type,
    closed_early,
    reset,
    other,
};
inline constexpr std::size_t error_class_count = 7;

inline constexpr std::array<std::string_view, error_class_count> error_names{
    "refused", "connect_timeout", "non_200", "content_type", "closed_early", "reset", "other"};

/// A counter with exactly one writer thread and any number of readers, in
/// this or another process (it may live in shared memory). The writer's
/// load-add-store needs no locked instruction, which matters at a million
/// events a second; readers see a recent value.
class live_counter {
public:
    void add(std::uint64_t n = 1) noexcept {
        value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    std::uint64_t get() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

/// The numbers the progress line and the controller need while the run goes
/// on: one block per I/O thread, written by that thread only.
struct live_counters {
    live_counter started; ///< connects begun
    live_counter opened;  ///< streams whose response head was accepted
    live_counter failed;  ///< streams that ended before they opened
    live_counter closed;  ///< opened streams that have ended
    live_counter events;
    live_counter errors;
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free,
              "live counters are shared between processes");

/// Keeps the first error's message in `slot` (cut to fit, NUL-terminated);
/// later ones only count. A fixed array, not a std::string, so the results
/// stay plain data that a worker process can send through a pipe.
template <std::size_t N>
void keep_first_error(char (&slot)[N], std::string_view what) noexcept {
    if (slot[0] != '\0')
        return;
    const auto n = std::min(what.size(), N - 1);
    std::memcpy(slot, what.data(), n);
    slot[n] = '\0';
}

/// Everything one I/O thread measured; plain data, so a worker process can
/// send it to the parent through a pipe and the parent merges them.
struct result {
    std::uint64_t started = 0;
    std::uint64_t opened = 0;
    std::uint64_t open_at_end = 0;   ///< streams still open when the run stopped
    std::uint64_t events = 0;        ///< whole run
    std::uint64_t bytes = 0;         ///< whole run, as read from the socket
    std::uint64_t window_events = 0; ///< steady window only
    std::uint64_t window_bytes = 0;
    std::uint64_t latency_events = 0; ///< window events that carried a `time:` field
    std::uint64_t ended_clean = 0;    ///< server ended the stream after a complete event
    std::uint64_t ended_unclean = 0;  ///< server ended it mid-event or mid-chunk
    std::array<std::uint64_t, error_class_count> errors{};
    std::uint64_t last_open_us = 0; ///< since the start: when the last stream opened
    std::uint64_t first_end_us = 0; ///< since the start: when the server ended the first stream
    std::uint64_t last_end_us = 0;  ///< ... and the last one

    histogram connect;     ///< scheduled start → TCP connected
    histogram head;        ///< scheduled start → response head parsed
    histogram first_event; ///< scheduled start → first event
    histogram latency;     ///< receive time − `time:` field (steady window)
    histogram gap;         ///< between consecutive events of a stream (steady window)
    histogram jitter;      ///< |gap − expected interval| (steady window)

    // With publishing: what the streams made of the updates they received.
    std::uint64_t deliveries = 0;        ///< updates received (the bench's data), whole run
    std::uint64_t window_deliveries = 0; ///< ... in the steady window
    std::uint64_t replayed = 0;          ///< updates published before the stream opened
    std::uint64_t unexpected = 0;        ///< events that are not an update of the stream's topic
    std::uint64_t judged = 0;            ///< streams open at the end, whose losses were counted
    std::uint64_t lost = 0;
    std::uint64_t duplicates = 0;
    std::uint64_t out_of_order = 0;
    std::uint64_t worst_lost = 0; ///< the most any one stream lost
    std::uint64_t worst_duplicates = 0;
    std::uint64_t worst_out_of_order = 0;
    histogram e2e;    ///< update's scheduled send time → received (live updates, whole run)
    histogram replay; ///< stream's scheduled start → its last replayed update

    // Filled in per process, summed over processes.
    std::uint64_t cpu_us = 0;        ///< whole run, user + system
    std::uint64_t window_cpu_us = 0; ///< steady window
    std::uint64_t rss_kib = 0;       ///< at the end of the window
    std::uint64_t max_rss_kib = 0;
    std::uint64_t processes = 0;

    char first_error[160] = {};

    std::uint64_t error_total() const noexcept {
        std::uint64_t n = 0;
        for (auto e : errors)
            n += e;
        return n;
    }

    void note_error(error_class c, std::string_view what) noexcept {
        ++errors[std::size_t(c)];
        keep_first_error(first_error, what);
    }

    void merge(const result& o) noexcept {
        started += o.started;
        opened += o.opened;
        open_at_end += o.open_at_end;
        events += o.events;
        bytes += o.bytes;
        window_events += o.window_events;
        window_bytes += o.window_bytes;
        latency_events += o.latency_events;
        ended_clean += o.ended_clean;
        ended_unclean += o.ended_unclean;
        for (std::size_t i = 0; i < errors.size(); ++i)
            errors[i] += o.errors[i];
        last_open_us = std::max(last_open_us, o.last_open_us);
        if (o.first_end_us && (!first_end_us || o.first_end_us < first_end_us))
            first_end_us = o.first_end_us;
        last_end_us = std::max(last_end_us, o.last_end_us);
        connect.merge(o.connect);
        head.merge(o.head);
        first_event.merge(o.first_event);
        latency.merge(o.latency);
        gap.merge(o.gap);
        jitter.merge(o.jitter);
        deliveries += o.deliveries;
        window_deliveries += o.window_deliveries;
        replayed += o.replayed;
        unexpected += o.unexpected;
        judged += o.judged;
        lost += o.lost;
        duplicates += o.duplicates;
        out_of_order += o.out_of_order;
        worst_lost = std::max(worst_lost, o.worst_lost);
        worst_duplicates = std::max(worst_duplicates, o.worst_duplicates);
        worst_out_of_order = std::max(worst_out_of_order, o.worst_out_of_order);
        e2e.merge(o.e2e);
        replay.merge(o.replay);
        cpu_us += o.cpu_us;
        window_cpu_us += o.window_cpu_us;
        rss_kib += o.rss_kib;
        max_rss_kib += o.max_rss_kib;
        processes += o.processes;
        keep_first_error(first_error, o.first_error);
    }
};

/// Why a publish failed. A refused update (a status the hub does not accept
/// as success) is counted by its status class, 1xx to 5xx.
enum class publish_error : std::uint8_t { connect, timeout, closed, other, status };
inline constexpr std::size_t publish_error_count = 4; ///< the classes besides status

inline constexpr std::array<std::string_view, publish_error_count> publish_error_names{
    "connect", "timeout", "closed", "other"};

/// What the publisher measured; it runs in the controller process only.
struct publish_result {
    std::uint64_t due = 0;      ///< updates the schedule called for in the window
    std::uint64_t sent = 0;     ///< updates whose request was started
    std::uint64_t accepted = 0; ///< answered with the format's success status
    std::array<std::uint64_t, publish_error_count> errors{};
    std::array<std::uint64_t, 6> status_classes{}; ///< refusals by status / 100 (index 1..5)
    histogram latency;  ///< scheduled send time → the hub's answer (what a publisher waits)
    histogram service;  ///< request written → the hub's answer
    double seconds = 0; ///< from the first scheduled update to the last answer
    char first_error[160] = {};

    std::uint64_t error_total() const noexcept {
        std::uint64_t n = 0;
        for (auto e : errors)
            n += e;
        for (auto e : status_classes)
            n += e;
        return n;
    }

    void note_error(publish_error c, std::string_view what, int status = 0) noexcept {
        if (c == publish_error::status)
            ++status_classes[std::size_t(std::clamp(status / 100, 0, 5))];
        else
            ++errors[std::size_t(c)];
        keep_first_error(first_error, what);
    }
};

} // namespace herald::bench
