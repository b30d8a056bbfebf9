#include "report.hpp"

#include <cinttypes>
#include <cstdio>
#include <optional>

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

// A figure the bench could not measure has no value: it is reported as null
// (JSON) or n/a (text), never as a zero that reads like a measurement.
using figure = std::optional<double>;

figure per(double a, double b) {
    if (b > 0)
        return a / b;
    return std::nullopt;
}

std::string json(figure f, int decimals = 3) {
    return f ? format("%.*f", decimals, *f) : std::string("null");
}

std::string text(figure f, int decimals = 2) {
    return f ? format("%.*f", decimals, *f) : std::string("n/a");
}

// Server KiB per stream: the growth since before the first connect, over the
// streams open at the window's end. This is what a stream costs; the total
// over streams (reported too) also carries the server's fixed baseline.
figure server_kib_per_stream(const summary& s) {
    return per(double(s.server.rss_end_kib) - double(s.server.rss_before_kib),
               double(s.r.open_at_end));
}

figure server_total_kib_per_stream(const summary& s) {
    return per(double(s.server.rss_end_kib), double(s.r.open_at_end));
}

// Server CPU per event: per delivered update when publishing (what a hub's
// work is for), per event otherwise.
figure server_cpu_per_event(const summary& s) {
    const auto events = s.publishing ? s.r.window_deliveries : s.r.window_events;
    return per(double(s.server.cpu_window_us), double(events));
}

std::string json_publishing(const config& cfg, const summary& s) {
    const auto& p = s.pub;
    const auto& r = s.r;
    std::string j = "  \"publish\": {";
    j += "\"url\": \"" + escape(cfg.publish_url) + "\", \"format\": \"" +
         std::string(cfg.format == publish_format::nchan ? "nchan" : "mercure") + "\"";
    j += format(", \"rate\": %.3f, \"topics\": %" PRIu64 ", \"publishers\": %u"
                ", \"pipeline\": %u, \"payload_bytes\": %zu, \"spread\": \"%s\", "
                "\"replay\": %" PRIu64,
                cfg.publish_rate, cfg.topics, cfg.publishers, cfg.publish_pipeline,
                cfg.payload_bytes, cfg.spread_all ? "all" : "one", cfg.replay);
    j += format(",\n    \"due\": %" PRIu64 ", \"sent\": %" PRIu64 ", \"not_sent\": %" PRIu64
                ", \"accepted\": %" PRIu64,
                p.due, p.sent, p.due - std::min(p.due, p.sent), p.accepted);
    j += ", \"accepted_per_s\": " + json(per(double(p.accepted), p.seconds), 1);
    j += ",\n    \"errors\": {";
    for (std::size_t i = 0; i < publish_error_count; ++i)
        j += format("\"%s\": %" PRIu64 ", ", std::string(publish_error_names[i]).c_str(),
                    p.errors[i]);
    for (std::size_t i = 1; i < p.status_classes.size(); ++i)
        j += format("\"status_%zuxx\": %" PRIu64 ", ", i, p.status_classes[i]);
    j += format("\"total\": %" PRIu64 "}", p.error_total());
    j += ", \"first_error\": \"" + escape(p.first_error) + "\"";
    j += ",\n    \"latency_us\": " + json_of(p.latency);
    j += ",\n    \"service_us\": " + json_of(p.service) + "},\n";

    j += format("  \"delivery\": {\"deliveries\": %" PRIu64 ", \"window_deliveries\": %" PRIu64,
                r.deliveries, r.window_deliveries);
    j += ", \"deliveries_per_s\": " + json(per(double(r.window_deliveries), s.window_s), 1);
    j += format(", \"replayed\": %" PRIu64 ", \"unexpected\": %" PRIu64, r.replayed, r.unexpected);
    j += format(", \"drain_s\": %.3f, \"streams_judged\": %" PRIu64, s.drain_s, r.judged);
    if (r.judged) {
        j += format(",\n    \"lost\": %" PRIu64 ", \"duplicates\": %" PRIu64
                    ", \"out_of_order\": %" PRIu64,
                    r.lost, r.duplicates, r.out_of_order);
        j += format(", \"worst_stream\": {\"lost\": %" PRIu64 ", \"duplicates\": %" PRIu64
                    ", \"out_of_order\": %" PRIu64 "}",
                    r.worst_lost, r.worst_duplicates, r.worst_out_of_order);
    } else {
        j += ",\n    \"lost\": null, \"duplicates\": null, \"out_of_order\": null"
             ", \"worst_stream\": null";
    }
    j += ",\n    \"e2e_us\": " + json_of(r.e2e);
    j += ",\n    \"replay_us\": " + json_of(r.replay) + "},\n";
    return j;
}

} // namespace

std::string json_of(const histogram& h) {
    if (h.count() == 0)
        return "{\"count\": 0, \"p50\": null, \"p90\": null, \"p99\": null, \"p999\": null, "
               "\"max\": null, \"mean\": null}";
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
    j += "  \"all_opened_ms\": " +
         json(s.all_opened_us ? figure(double(s.all_opened_us) / 1000.0) : std::nullopt) + ",\n";
    j += "  \"last_open_ms\": " +
         json(r.opened ? figure(double(r.last_open_us) / 1000.0) : std::nullopt) + ",\n";
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
    // No window (the run stopped before it): its length is unknown, not 0 s.
    j += "  \"window\": {\"seconds\": " + json(s.window_s > 0 ? figure(s.window_s) : std::nullopt) +
         format(", \"events\": %" PRIu64, r.window_events);
    j += ", \"events_per_s\": " + json(per(double(r.window_events), s.window_s), 1);
    j += format(", \"bytes\": %" PRIu64, r.window_bytes);
    j += ", \"bytes_per_s\": " + json(per(double(r.window_bytes), s.window_s), 1);
    j += format(", \"latency_events\": %" PRIu64 "},\n", r.latency_events);
    j += "  \"connect_us\": " + json_of(r.connect) + ",\n";
    j += "  \"head_us\": " + json_of(r.head) + ",\n";
    j += "  \"first_event_us\": " + json_of(r.first_event) + ",\n";
    j += "  \"latency_us\": " + json_of(r.latency) + ",\n";
    j += "  \"gap_us\": " + json_of(r.gap) + ",\n";
    j += "  \"jitter_us\": " + json_of(r.jitter) + ",\n";
    j += format("  \"expect_interval_ms\": %lld,\n",
                static_cast<long long>(cfg.expect_interval.count()));
    if (s.publishing)
        j += json_publishing(cfg, s);
    j += format("  \"bench\": {\"cpu_s\": %.3f, \"window_cpu_s\": %.3f", double(r.cpu_us) / 1e6,
                double(r.window_cpu_us) / 1e6);
    j += ", \"cpu_us_per_event\": " + json(per(double(r.window_cpu_us), double(r.window_events)));
    j += format(", \"rss_kib\": %" PRIu64 ", \"max_rss_kib\": %" PRIu64 "},\n", r.rss_kib,
                r.max_rss_kib);
    j += "  \"server\": {\"pids\": [";
    for (std::size_t i = 0; i < s.server.pids.size(); ++i)
        j += (i ? ", " : "") + std::to_string(s.server.pids[i]);
    j += "]";
    if (s.server.sampled) {
        const auto& v = s.server;
        j += format(", \"rss_before_kib\": %" PRIu64 ", \"rss_start_kib\": %" PRIu64
                    ", \"rss_end_kib\": %" PRIu64 ", \"rss_max_kib\": %" PRIu64,
                    v.rss_before_kib, v.rss_start_kib, v.rss_end_kib, v.rss_max_kib);
        j += ", \"kib_per_stream\": " + json(server_kib_per_stream(s));
        j += ", \"total_kib_per_stream\": " + json(server_total_kib_per_stream(s));
        j += format(", \"cpu_s\": %.3f", double(v.cpu_window_us) / 1e6);
        j += ", \"cpu_us_per_event\": " + json(server_cpu_per_event(s));
        j += ", \"cores\": " + json(per(double(v.cpu_window_us) / 1e6, s.window_s));
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
    t += format("window   %.1f s: %" PRIu64 " events (%s/s), %.2f MB (%s MB/s)\n", s.window_s,
                r.window_events, text(per(double(r.window_events), s.window_s), 0).c_str(),
                double(r.window_bytes) / 1e6,
                text(per(double(r.window_bytes) / 1e6, s.window_s)).c_str());
    t += format("%-13s %10s %10s %10s %10s %10s %10s   (µs)\n", "", "count", "p50", "p90", "p99",
                "p99.9", "max");
    // A row that was asked for but has nothing in it says n/a; a row nobody
    // asked for (lateness without `time:` fields) is left out.
    auto row = [&](const char* name, const histogram& h, bool wanted) {
        if (h.count() == 0) {
            if (wanted)
                t += format("%-13s %10d %10s %10s %10s %10s %10s\n", name, 0, "n/a", "n/a", "n/a",
                            "n/a", "n/a");
            return;
        }
        t += format("%-13s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64
                    " %10" PRIu64 "\n",
                    name, h.count(), h.quantile(0.5), h.quantile(0.9), h.quantile(0.99),
                    h.quantile(0.999), h.max());
    };
    row("connect", r.connect, true);
    row("head", r.head, true);
    row("first event", r.first_event, !cfg.publishing());
    row("latency", r.latency, false);
    row("gap", r.gap, !cfg.publishing());
    row("jitter", r.jitter, cfg.expect_interval.count() > 0);
    if (s.publishing) {
        row("e2e", r.e2e, true);
        row("replay done", r.replay, cfg.replay > 0);
        row("publish", s.pub.latency, true);
        row("publish svc", s.pub.service, true);
    }
    t += format("errors   %" PRIu64, r.error_total());
    for (std::size_t i = 0; i < error_class_count; ++i)
        if (r.errors[i])
            t += format(", %s %" PRIu64, std::string(error_names[i]).c_str(), r.errors[i]);
    if (r.first_error[0])
        t += format(" (first: %s)", r.first_error);
    t += "\n";
    if (s.publishing) {
        const auto& p = s.pub;
        t += format("publish  %s: %" PRIu64 " due, %" PRIu64 " sent, %" PRIu64
                    " accepted (%s/s), %" PRIu64 " errors",
                    cfg.format == publish_format::nchan ? "nchan" : "mercure", p.due, p.sent,
                    p.accepted, text(per(double(p.accepted), p.seconds), 1).c_str(),
                    p.error_total());
        for (std::size_t i = 0; i < publish_error_count; ++i)
            if (p.errors[i])
                t += format(", %s %" PRIu64, std::string(publish_error_names[i]).c_str(),
                            p.errors[i]);
        for (std::size_t i = 1; i < p.status_classes.size(); ++i)
            if (p.status_classes[i])
                t += format(", status %zuxx %" PRIu64, i, p.status_classes[i]);
        if (p.first_error[0])
            t += format(" (first: %s)", p.first_error);
        if (p.due > p.sent)
            t += format("; %" PRIu64 " never sent (every connection busy)", p.due - p.sent);
        t += "\n";
        t += format("delivery %" PRIu64 " updates (%s/s in the window), %" PRIu64
                    " replayed, %" PRIu64 " unexpected events\n",
                    r.deliveries, text(per(double(r.window_deliveries), s.window_s), 0).c_str(),
                    r.replayed, r.unexpected);
        if (r.judged)
            t += format("judged   %" PRIu64 " streams after a %.1f s drain: lost %" PRIu64
                        ", duplicated %" PRIu64 ", out of order %" PRIu64 "; worst stream: %" PRIu64
                        " / %" PRIu64 " / %" PRIu64 "\n",
                        r.judged, s.drain_s, r.lost, r.duplicates, r.out_of_order, r.worst_lost,
                        r.worst_duplicates, r.worst_out_of_order);
        else
            t += "judged   no stream was open at the end: lost/duplicated/out of order n/a\n";
    }
    if (r.ended_clean || r.ended_unclean)
        t += format("ended    by the server: %" PRIu64 " clean, %" PRIu64 " unclean\n",
                    r.ended_clean, r.ended_unclean);
    t += format("bench    cpu %.2f s (window %.2f s = %s µs/event), rss %" PRIu64
                " KiB (max %" PRIu64 " KiB)\n",
                double(r.cpu_us) / 1e6, double(r.window_cpu_us) / 1e6,
                text(per(double(r.window_cpu_us), double(r.window_events))).c_str(), r.rss_kib,
                r.max_rss_kib);
    if (s.server.sampled) {
        const auto& v = s.server;
        t += format("server   rss %" PRIu64 " -> %" PRIu64 " KiB (%s KiB/stream added, %s "
                    "total), cpu %.2f s in window = %s µs/%s (%s cores)\n",
                    v.rss_before_kib, v.rss_end_kib, text(server_kib_per_stream(s)).c_str(),
                    text(server_total_kib_per_stream(s)).c_str(), double(v.cpu_window_us) / 1e6,
                    text(server_cpu_per_event(s)).c_str(), s.publishing ? "delivery" : "event",
                    text(per(double(v.cpu_window_us) / 1e6, s.window_s)).c_str());
    } else if (!s.server.pids.empty()) {
        t += "server   not sampled (a --server-pid was not readable)\n";
    }
    return t;
}

} // namespace herald::bench
