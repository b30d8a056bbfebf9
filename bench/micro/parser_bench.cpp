// sse::parser throughput: how many events a client can parse per second on
// one core. herald-bench parses every byte it receives this way, so this is
// its ceiling per I/O thread.
#include "herald/sse/parser.hpp"

#include <benchmark/benchmark.h>

#include <string>

namespace {

struct counting_handler {
    std::uint64_t events = 0;
    std::uint64_t times = 0;
    void on_event(const herald::sse::received_event& e) {
        events += 1;
        benchmark::DoNotOptimize(e.data.data());
    }
    void on_field(std::string_view name, std::string_view) { times += name == "time"; }
};

// A buffer of `n` events in herald's format (id, optional time, data).
std::string make_stream(int n, bool timestamps) {
    std::string s;
    for (int i = 0; i < n; ++i) {
        s += "id: " + std::to_string(1000000 + i) + "\n";
        if (timestamps)
            s += "time: 1764322800123456\n";
        s += "data: Hello World\n\n";
    }
    return s;
}

// Events arriving many to a read (a saturated stream), fed in 16 KiB reads.
void parse_events_batched(benchmark::State& state) {
    const bool timestamps = state.range(0) != 0;
    const auto bytes = make_stream(1000, timestamps);
    herald::sse::parser p;
    counting_handler h;
    for (auto _ : state) {
        for (std::size_t at = 0; at < bytes.size(); at += 16384)
            p.feed(std::string_view(bytes).substr(at, 16384), h);
    }
    state.SetItemsProcessed(std::int64_t(h.events));
    state.SetBytesProcessed(std::int64_t(state.iterations() * bytes.size()));
}
BENCHMARK(parse_events_batched)->Arg(0)->Arg(1)->ArgName("timestamps");

// One event per read, as at 1 event/s per stream: the per-call cost counts.
void parse_event_per_read(benchmark::State& state) {
    const auto one = make_stream(1, true);
    herald::sse::parser p;
    counting_handler h;
    for (auto _ : state)
        p.feed(one, h);
    state.SetItemsProcessed(std::int64_t(h.events));
}
BENCHMARK(parse_event_per_read);

// Go and Node frame the same events in chunks; the chunk boundaries fall
// inside lines, so the parser joins lines across feeds.
void parse_events_split_lines(benchmark::State& state) {
    const auto bytes = make_stream(1000, false);
    herald::sse::parser p;
    counting_handler h;
    for (auto _ : state)
        for (std::size_t at = 0; at < bytes.size(); at += 7)
            p.feed(std::string_view(bytes).substr(at, 7), h);
    state.SetItemsProcessed(std::int64_t(h.events));
}
BENCHMARK(parse_events_split_lines);

} // namespace
