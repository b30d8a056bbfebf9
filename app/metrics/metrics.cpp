#include "metrics.hpp"

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <limits>

namespace herald::app {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

constexpr const char* endpoint_names[endpoint_count] = {"ticker", "hub"};
constexpr const char* disconnect_names[disconnect_count] = {
    "client_left", "slow_consumer", "write_timeout", "token_expired", "shutdown", "max_events"};
constexpr const char* route_names[route_count] = {"sse",     "hub",  "healthz", "readyz",
                                                  "metrics", "demo", "other",   "unrouted"};
constexpr const char* outcome_names[publish_outcome_count] = {"accepted", "rejected"};

// Sums one counter over the workers.
template <typename Pick>
std::uint64_t sum(const metrics_sources& s, Pick pick) {
    std::uint64_t total = 0;
    for (const auto* w : s.workers)
        total += pick(*w).get();
    return total;
}

MetricFamily family(std::string name, std::string help, MetricType type) {
    return MetricFamily{std::move(name), std::move(help), type, {}};
}

ClientMetric value(double v, MetricType type, std::vector<ClientMetric::Label> labels = {}) {
    ClientMetric m;
    m.label = std::move(labels);
    if (type == MetricType::Counter)
        m.counter.value = v;
    else
        m.gauge.value = v;
    return m;
}

// Adds the workers' per-worker counters up when scraped: the hot path only
// bumps its own worker's numbers.
class herald_collector : public prometheus::Collectable {
public:
    explicit herald_collector(const metrics_sources& s)
        : s_(s) {}

    std::vector<MetricFamily> Collect() const override {
        std::vector<MetricFamily> out;
        const auto C = MetricType::Counter;
        const auto G = MetricType::Gauge;

        auto build = family("herald_build_info", "herald's version; always 1", G);
        build.metric.push_back(value(1, G, {{"version", s_.version}}));
        out.push_back(std::move(build));

        auto conns = family("herald_connections_open", "Open client connections", G);
        conns.metric.push_back(value(double(s_.open_connections()), G));
        out.push_back(std::move(conns));

        auto accepted = family("herald_connections_accepted_total",
                               "Connections accepted (including those answered 503 busy)", C);
        accepted.metric.push_back(value(double(sum(
                                            s_, [](auto& w) -> auto& { return w.accepted; })),
                                        C));
        out.push_back(std::move(accepted));

        auto busy = family("herald_connections_rejected_busy_total",
                           "Connections answered 503 because --max-connections were open", C);
        busy.metric.push_back(value(double(s_.rejected_busy()), C));
        out.push_back(std::move(busy));

        auto streams = family("herald_streams_open", "Open event streams, by endpoint", G);
        auto events =
            family("herald_events_delivered_total", "Events written to streams, by endpoint", C);
        for (std::size_t e = 0; e < endpoint_count; ++e) {
            // A gauge summed from per-worker up/down counters: unsigned
            // wrap-around between workers cancels out in the sum.
            streams.metric.push_back(
                value(double(sum(
                          s_, [e](auto& w) -> auto& { return w.streams_open[e]; })),
                      G, {{"endpoint", endpoint_names[e]}}));
            events.metric.push_back(
                value(double(sum(
                          s_, [e](auto& w) -> auto& { return w.events_delivered[e]; })),
                      C, {{"endpoint", endpoint_names[e]}}));
        }
        out.push_back(std::move(streams));
        out.push_back(std::move(events));

        auto gone = family("herald_stream_disconnects_total",
                           "Streams ended, by reason (client_left, slow_consumer, write_timeout, "
                           "token_expired, shutdown, max_events)",
                           C);
        for (std::size_t r = 0; r < disconnect_count; ++r)
            gone.metric.push_back(
                value(double(sum(
                          s_, [r](auto& w) -> auto& { return w.disconnects[r]; })),
                      C, {{"reason", disconnect_names[r]}}));
        out.push_back(std::move(gone));

        auto requests = family("herald_http_requests_total",
                               "Requests answered, by route and status (streams count as 200)", C);
        for (std::size_t r = 0; r < route_count; ++r)
            for (std::size_t st = 0; st < status_count; ++st) {
                const auto n = sum(
                    s_, [ r, st ](auto& w) -> auto& { return w.requests[r][st]; });
                if (n != 0)
                    requests.metric.push_back(
                        value(double(n), C,
                              {{"route", route_names[r]}, {"status", std::to_string(st + 100)}}));
            }
        out.push_back(std::move(requests));

        auto published = family("herald_hub_updates_published_total",
                                "Publish requests to the hub, by outcome", C);
        for (std::size_t o = 0; o < publish_outcome_count; ++o)
            published.metric.push_back(
                value(double(sum(
                          s_, [o](auto& w) -> auto& { return w.publishes[o]; })),
                      C, {{"outcome", outcome_names[o]}}));
        out.push_back(std::move(published));

        auto latency =
            family("herald_hub_publish_to_write_seconds",
                   "From a publish's acceptance to the write of its event to a subscriber",
                   MetricType::Histogram);
        ClientMetric h;
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b <= latency_buckets.size(); ++b) {
            cumulative += sum(
                s_, [b](auto& w) -> auto& { return w.latency_counts[b]; });
            h.histogram.bucket.push_back(
                {cumulative, b < latency_buckets.size() ? latency_buckets[b]
                                                        : std::numeric_limits<double>::infinity()});
        }
        h.histogram.sample_count = cumulative;
        h.histogram.sample_sum = double(sum(
                                     s_, [](auto& w) -> auto& { return w.latency_sum_ns; })) /
                                 1e9;
        latency.metric.push_back(std::move(h));
        out.push_back(std::move(latency));

        if (s_.history) {
            const auto [entries, bytes] = s_.history();
            auto e = family("herald_hub_history_entries", "Updates kept in the hub's history", G);
            e.metric.push_back(value(double(entries), G));
            out.push_back(std::move(e));
            auto b = family("herald_hub_history_bytes", "Bytes of the hub's history", G);
            b.metric.push_back(value(double(bytes), G));
            out.push_back(std::move(b));
        }
        if (s_.redis_connected) {
            auto up = family("herald_redis_connected", "1 while this node reaches Redis", G);
            up.metric.push_back(value(s_.redis_connected() ? 1 : 0, G));
            out.push_back(std::move(up));
        }
        if (s_.redis_errors) {
            auto errors = family("herald_redis_errors_total", "Redis errors on this node", C);
            errors.metric.push_back(value(double(s_.redis_errors()), C));
            out.push_back(std::move(errors));
        }
        return out;
    }

private:
    const metrics_sources& s_;
};

} // namespace

std::string metrics_text(const metrics_sources& sources) {
    const herald_collector collector(sources);
    return prometheus::TextSerializer().Serialize(collector.Collect());
}

} // namespace herald::app
