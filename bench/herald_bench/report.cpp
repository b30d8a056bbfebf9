#include "report.hpp"

#include <cinttypes>
#include <cstdio>

namespace herald::bench {
namespace {

std::string format(const char* fmt, auto... args) {
    char buf[512];
    const int n = std::snprintf(buf, sizeof buf, fmt, args...);
    return std::string(buf, n < 0 ? 0 : std::min<std::size_t>(std::size_t(n), sizeof buf - 1));
}

std::string escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += format("\\u%04x", unsigned(c));
        } else {
            out += c;
        }
    }
    return out;
}

double per(double a, double b) {
    return b > 0 ? a / b : 0.0;
}

// Server KiB per stream: the growth since before the first connect, over the
// streams open at the window's end. This is what a stream costs; the total
// over streams (reported too) also carries the server's fixed baseline.
double server_kib_per_stream(const summary& s) {
    return per(double(s.server.rss_end_kib) - double(s.server.rss_before_kib),
               double(s.r.open_at_end));
}

double server_total_kib_per_stream(const summary& s) {
    return per(double(s.server.rss_end_kib), double(s.r.open_at_end));
}

} // namespace

std::string json_of(const histogram& h) {
    return format("{\"count\": %" PRIu64 ", \"p50\": %" PRIu64 ", \"p90\": %" PRIu64
                  ", \"p99\": %" PRIu64 ", \"p999\": %" PRIu64 ", \"max\": %" PRIu64
                  ", \"mean\": %.1f}",
                  h.count(), h.quantile(0.5), h.quantile(0.9), h.quantile(0.99), h.quantile(0.999),
                  h.max(), h.mean());
}

std::string render_json(const config& cfg, const summary& s) {
    const auto& r = s.r;
    std::string j = "{\n";
    j += "  \"url\": \"" + escape(cfg.url) + "\",\n";
    j += format("  \"streams_requested\": %" PRIu64 ",\n  \"processes\": %u,\n  \"threads\": %u,\n",
                cfg.streams, cfg.processes, cfg.threads);
    j += format("  \"streams_started\": %" PRIu64 ",\n  \"streams_opened\": %" PRIu64
                ",\n  \"streams_open_at_end\": %" PRIu64 ",\n",
                r.started, r.opened, r.open_at_end);
    j += format("  \"all_opened_ms\": %.3f,\n", double(s.all_opened_us) / 1000.0);
    j += format("  \"last_open_ms\": %.3f,\n", double(r.last_open_us) / 1000.0);
    j += format("  \"interrupted\": %s,\n", s.interrupted ? "true" : "false");
    j += "  \"errors\": {";
    for (std::size_t i = 0; i < error_class_count; ++i)
        j += format("\"%s\": %" PRIu64 ", ", std::string(error_names[i]).c_str(), r.errors[i]);
    j += format("\"total\": %" PRIu64 "},\n", r.error_total());
    j += "  \"first_error\": \"" + escape(r.first_error) + "\",\n";
    j += format("  \"ended\": {\"clean\": %" PRIu64 ", \"unclean\": %" PRIu64, r.ended_clean,
                r.ended_unclean);
    if (r.first_end_us)
        j += format(", \"first_unix_us\": %" PRId64 ", \"last_unix_us\": %" PRId64,
                    s.t0_unix_us + std::int64_t(r.first_end_us),
                    s.t0_unix_us + std::int64_t(r.last_end_us));
    j += "},\n";
    j += format("  \"events_total\": %" PRIu64 ",\n  \"bytes_total\": %" PRIu64 ",\n", r.events,
                r.bytes);
    j += format("  \"window\": {\"seconds\": %.3f, \"events\": %" PRIu64
                ", \"events_per_s\": %.1f, \"bytes\": %" PRIu64
                ", \"bytes_per_s\": %.1f, \"latency_events\": %" PRIu64 "},\n",
                s.window_s, r.window_events, per(double(r.window_events), s.window_s),
                r.window_bytes, per(double(r.window_bytes), s.window_s), r.latency_events);
    j += "  \"connect_us\": " + json_of(r.connect) + ",\n";
    j += "  \"head_us\": " + json_of(r.head) + ",\n";
    j += "  \"first_event_us\": " + json_of(r.first_event) + ",\n";
    j += "  \"latency_us\": " + json_of(r.latency) + ",\n";
    j += "  \"gap_us\": " + json_of(r.gap) + ",\n";
    j += "  \"jitter_us\": " + json_of(r.jitter) + ",\n";
    j += format("  \"expect_interval_ms\": %lld,\n",
                static_cast<long long>(cfg.expect_interval.count()));
    j +=
        format("  \"bench\": {\"cpu_s\": %.3f, \"window_cpu_s\": %.3f, \"cpu_us_per_event\": %.3f, "
               "\"rss_kib\": %" PRIu64 ", \"max_rss_kib\": %" PRIu64 "},\n",
               double(r.cpu_us) / 1e6, double(r.window_cpu_us) / 1e6,
               per(double(r.window_cpu_us), double(r.window_events)), r.rss_kib, r.max_rss_kib);
    j += "  \"server\": {\"pids\": [";
    for (std::size_t i = 0; i < s.server.pids.size(); ++i)
        j += (i ? ", " : "") + std::to_string(s.server.pids[i]);
    j += "]";
    if (s.server.sampled) {
        const auto& v = s.server;
        j += format(", \"rss_before_kib\": %" PRIu64 ", \"rss_start_kib\": %" PRIu64
                    ", \"rss_end_kib\": %" PRIu64 ", \"rss_max_kib\": %" PRIu64,
                    v.rss_before_kib, v.rss_start_kib, v.rss_end_kib, v.rss_max_kib);
        j += format(", \"kib_per_stream\": %.3f, \"total_kib_per_stream\": %.3f",
                    server_kib_per_stream(s), server_total_kib_per_stream(s));
        j += format(", \"cpu_s\": %.3f, \"cpu_us_per_event\": %.3f, \"cores\": %.3f",
                    double(v.cpu_window_us) / 1e6,
                    per(double(v.cpu_window_us), double(r.window_events)),
                    per(double(v.cpu_window_us) / 1e6, s.window_s));
    }
    j += "}\n}\n";
    return j;
}

std::string render_text(const config& cfg, const summary& s) {
    const auto& r = s.r;
    std::string t;
    t += format("herald-bench: %" PRIu64 " streams to %s (%u process%s x %u thread%s)%s\n",
                cfg.streams, cfg.url.c_str(), cfg.processes, cfg.processes == 1 ? "" : "es",
                cfg.threads, cfg.threads == 1 ? "" : "s", s.interrupted ? " [interrupted]" : "");
    t += format("streams  opened %" PRIu64 "/%" PRIu64, r.opened, cfg.streams);
    if (s.all_opened_us)
        t += format(", all open after %.3f s", double(s.all_opened_us) / 1e6);
    t += format("; open at the end %" PRIu64 "\n", r.open_at_end);
    t += format("window   %.1f s: %" PRIu64 " events (%.0f/s), %.2f MB (%.2f MB/s)\n", s.window_s,
                r.window_events, per(double(r.window_events), s.window_s),
                double(r.window_bytes) / 1e6, per(double(r.window_bytes) / 1e6, s.window_s));
    t += format("%-13s %10s %10s %10s %10s %10s %10s   (µs)\n", "", "count", "p50", "p90", "p99",
                "p99.9", "max");
    auto row = [&](const char* name, const histogram& h) {
        if (h.count() == 0)
            return;
        t += format("%-13s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64
                    " %10" PRIu64 "\n",
                    name, h.count(), h.quantile(0.5), h.quantile(0.9), h.quantile(0.99),
                    h.quantile(0.999), h.max());
    };
    row("connect", r.connect);
    row("head", r.head);
    row("first event", r.first_event);
    row("latency", r.latency);
    row("gap", r.gap);
    row("jitter", r.jitter);
    t += format("errors   %" PRIu64, r.error_total());
    for (std::size_t i = 0; i < error_class_count; ++i)
        if (r.errors[i])
            t += format(", %s %" PRIu64, std::string(error_names[i]).c_str(), r.errors[i]);
    if (r.first_error[0])
        t += format(" (first: %s)", r.first_error);
    t += "\n";
    if (r.ended_clean || r.ended_unclean)
        t += format("ended    by the server: %" PRIu64 " clean, %" PRIu64 " unclean\n",
                    r.ended_clean, r.ended_unclean);
    t += format("bench    cpu %.2f s (window %.2f s = %.2f µs/event), rss %" PRIu64
                " KiB (max %" PRIu64 " KiB)\n",
                double(r.cpu_us) / 1e6, double(r.window_cpu_us) / 1e6,
                per(double(r.window_cpu_us), double(r.window_events)), r.rss_kib, r.max_rss_kib);
    if (s.server.sampled) {
        const auto& v = s.server;
        t += format("server   rss %" PRIu64 " -> %" PRIu64 " KiB (%.2f KiB/stream added, %.2f "
                    "total), cpu %.2f s in window = %.2f µs/event (%.2f cores)\n",
                    v.rss_before_kib, v.rss_end_kib, server_kib_per_stream(s),
                    server_total_kib_per_stream(s), double(v.cpu_window_us) / 1e6,
                    per(double(v.cpu_window_us), double(r.window_events)),
                    per(double(v.cpu_window_us) / 1e6, s.window_s));
    } else if (!s.server.pids.empty()) {
        t += "server   not sampled (a --server-pid was not readable)\n";
    }
    return t;
}

} // namespace herald::bench
