// sse::encode: the bytes of one event, as the server builds them.
#include "herald/sse/encoder.hpp"

#include <benchmark/benchmark.h>

namespace {

void encode_small_event(benchmark::State& state) {
    const herald::sse::event e{"Hello World", {}, std::string("12345"), {}};
    std::string out;
    out.reserve(256);
    for (auto _ : state) {
        out.clear();
        benchmark::DoNotOptimize(herald::sse::encode(e, out));
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(std::int64_t(state.iterations() * out.size()));
}
BENCHMARK(encode_small_event);

// A 1 KiB payload with line breaks: the UTF-8 check and the line splitting
// dominate.
void encode_multiline_kib(benchmark::State& state) {
    std::string data;
    while (data.size() < 1024)
        data += "{\"price\": 101.25, \"symbol\": \"HRLD\", \"note\": \"naïve café\"}\n";
    const herald::sse::event e{data, "tick", std::string("987654321"), {}};
    std::string out;
    for (auto _ : state) {
        out.clear();
        benchmark::DoNotOptimize(herald::sse::encode(e, out));
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(std::int64_t(state.iterations() * data.size()));
}
BENCHMARK(encode_multiline_kib);

} // namespace
