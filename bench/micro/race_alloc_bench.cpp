// bench/micro/race_alloc_bench.cpp — counts the heap allocations of one `||` race.
//
// The walkthrough says a race costs allocations and that herald therefore
// races once per stream, not once per event. This program measures the
// claim. Each scenario runs many times on one thread after a warm-up (so
// Asio's per-thread recycling cache is as full as it gets), and reports the
// calls to the global operator new per iteration, and their bytes.
//
// Asio allocates its operations and coroutine frames through a per-thread
// recycling cache, and when the cache misses, with std::aligned_alloc, which
// no operator new sees. This file is built with ASIO_DISABLE_STD_ALIGNED_ALLOC
// so that those misses reach operator new too: the count is then every heap
// allocation, and a cache hit is, rightly, none. Asio is header-only and this
// program uses no herald library code, so the define changes nothing else.
//
// Run: build/dev/bench/race-alloc-bench [iterations]
#include <herald/net.hpp>
#include <herald/socket_deadline.hpp>

#include <cstdio>
#include <cstdlib>
#include <new>

#ifndef ASIO_DISABLE_STD_ALIGNED_ALLOC
#error "build with ASIO_DISABLE_STD_ALIGNED_ALLOC, or Asio's allocations are not counted"
#endif

namespace {
std::size_t allocations = 0; // one thread: no atomics needed
std::size_t allocated_bytes = 0;
} // namespace

void* operator new(std::size_t size) {
    ++allocations;
    allocated_bytes += size;
    if (void* p = std::malloc(size ? size : 1))
        return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}

namespace {

using namespace herald;
using namespace net::experimental::awaitable_operators;
using steady = std::chrono::steady_clock;

// A timer that has expired completes its wait at once; one that never
// expires completes only when cancelled: the race's loser.
struct timers {
    net::steady_timer ready;
    net::steady_timer never;
    net::steady_timer never_too;
    socket_deadline* watch; // on a socket that is never read: only its timer works
};

awaitable<void> wait_once(net::steady_timer& t) {
    co_await t.async_wait(use_tuple);
}

awaitable<void> single_wait(timers& t) {
    co_await t.ready.async_wait(use_tuple);
}
awaitable<void> nested_coroutine(timers& t) {
    co_await wait_once(t.ready);
}
awaitable<void> race_of_two_waits(timers& t) {
    co_await (t.ready.async_wait(use_tuple) || t.never.async_wait(use_tuple));
}
awaitable<void> race_of_three_waits(timers& t) {
    co_await (t.ready.async_wait(use_tuple) || t.never.async_wait(use_tuple) ||
              t.never_too.async_wait(use_tuple));
}
awaitable<void> race_of_two_coroutines(timers& t) {
    co_await (wait_once(t.ready) || wait_once(t.never));
}
// What a keep-alive request does instead of a race per read: arm the
// connection's deadline, await the operation alone, disarm.
awaitable<void> wait_under_deadline(timers& t) {
    t.watch->arm(steady::now() + std::chrono::seconds(10));
    co_await t.ready.async_wait(use_tuple);
    t.watch->disarm();
}

struct scenario {
    const char* name;
    awaitable<void> (*step)(timers&);
};

awaitable<void> measure(const scenario& s, timers& t, int iterations, double& per_op,
                        double& bytes_per_op) {
    for (int i = 0; i < 100; ++i) // warm-up: fills the recycling cache
        co_await s.step(t);
    const auto before = allocations, before_bytes = allocated_bytes;
    for (int i = 0; i < iterations; ++i)
        co_await s.step(t);
    per_op = double(allocations - before) / iterations;
    bytes_per_op = double(allocated_bytes - before_bytes) / iterations;
}

} // namespace

int main(int argc, char** argv) {
    const int iterations = argc > 1 ? std::atoi(argv[1]) : 10000;
    if (iterations <= 0) {
        std::fprintf(stderr, "usage: %s [iterations > 0]\n", argv[0]);
        return 2;
    }
    const scenario scenarios[] = {
        {"one timer wait, no race (baseline)", single_wait},
        {"co_await a coroutine that waits once", nested_coroutine},
        {"a || b, two waits (the naive race, per event)", race_of_two_waits},
        {"a || b || c, three waits (rung 1, per event)", race_of_three_waits},
        {"a || b, two coroutines (rung 2, per stream)", race_of_two_coroutines},
        {"one wait under a socket_deadline (keep-alive)", wait_under_deadline},
    };
    net::io_context ctx(1);
    tcp::socket socket(ctx);
    socket_deadline watch(socket);
    timers t{net::steady_timer(ctx, steady::time_point::min()),
             net::steady_timer(ctx, steady::time_point::max()),
             net::steady_timer(ctx, steady::time_point::max()), &watch};
    std::printf("heap allocations per iteration (%d iterations, after 100 warm-up)\n", iterations);
    std::printf("%-48s %8s %8s\n", "", "allocs", "bytes");
    for (const auto& s : scenarios) {
        double per_op = -1, bytes = -1;
        net::co_spawn(ctx, measure(s, t, iterations, per_op, bytes), net::detached);
        ctx.run();
        ctx.restart();
        std::printf("%-48s %8.2f %8.0f\n", s.name, per_op, bytes);
        if (per_op < 0)
            return 1; // the scenario did not finish
    }
    net::co_spawn(ctx, watch.stop(), net::detached);
    ctx.run();
}
