// herald-bench's histogram: recording must cost next to nothing per event.
#include "histogram.hpp"

#include <benchmark/benchmark.h>

namespace {

void histogram_record(benchmark::State& state) {
    static herald::bench::histogram h;
    std::uint64_t v = 12345;
    for (auto _ : state) {
        v = v * 6364136223846793005ULL + 1442695040888963407ULL;
        h.record(v >> 44); // values up to ~1 s in µs
    }
    benchmark::DoNotOptimize(h.count());
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(histogram_record);

} // namespace
