// http::request_parser on the request an SSE client sends.
#include "herald/http/request_parser.hpp"

#include <benchmark/benchmark.h>

namespace {

constexpr std::string_view typical =
    "GET /sse HTTP/1.1\r\n"
    "Host: 127.0.0.1:4321\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Safari/537.36\r\n"
    "Accept: text/event-stream\r\n"
    "Cache-Control: no-cache\r\n"
    "Last-Event-ID: 41\r\n"
    "Origin: http://localhost:8080\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Accept-Language: en-US,en;q=0.9\r\n"
    "Connection: keep-alive\r\n"
    "\r\n";

void parse_sse_request(benchmark::State& state) {
    herald::http::request_parser p;
    for (auto _ : state) {
        p.reset();
        auto r = p.feed(typical);
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(std::int64_t(state.iterations() * typical.size()));
}
BENCHMARK(parse_sse_request);

// The same head in 64-byte reads, as a slow or chatty client sends it.
void parse_sse_request_in_pieces(benchmark::State& state) {
    herald::http::request_parser p;
    for (auto _ : state) {
        p.reset();
        for (std::size_t at = 0; at < typical.size(); at += 64)
            benchmark::DoNotOptimize(p.feed(typical.substr(at, 64)));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(parse_sse_request_in_pieces);

} // namespace
