// A publish must not allocate: for_each_match deduplicates with counters
// stored in the index, and looks topics up by string_view. This file counts
// every allocation of the test executable (operator new is replaced here).
#include "herald/match/index.hpp"

#include "herald/match/cache.hpp"

#include "catch.hpp"

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

namespace {
std::atomic<long> allocations{0};
}

void* operator new(std::size_t size) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) {
        return p;
    }
    throw std::bad_alloc();
}

void* operator new[](std::size_t size) {
    return operator new(size);
}

void operator delete(void* p) noexcept {
    std::free(p);
}

void operator delete[](void* p) noexcept {
    std::free(p);
}

void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}

void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}

// Every form that can pair with the deletes above is replaced too: a
// sanitizer's own nothrow new (Catch2 uses it) freed by this delete would be
// reported as a mismatch.
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size == 0 ? 1 : size);
}

void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
    return operator new(size, tag);
}

void operator delete(void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}

void operator delete[](void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}

using namespace herald::match;

TEST_CASE("a publish through the index allocates nothing") {
    struct sub {};
    matcher_cache cache;
    subscription_index<sub> index;
    std::vector<sub> subs(1000);
    for (std::size_t i = 0; i < subs.size(); ++i) {
        std::vector<matcher_ptr> ms{
            cache.get(matcher_type::exact, "https://example.com/books/" + std::to_string(i % 50))
                .matcher,
            cache
                .get(matcher_type::uritemplate,
                     "https://example.com/c" + std::to_string(i % 10) + "/{id}")
                .matcher,
            cache.get(matcher_type::uritemplate, "{+any}").matcher};
        if (i % 100 == 0) {
            ms.push_back(cache.get(matcher_type::exact, "*").matcher);
        }
        index.add(&subs[i], ms);
    }
    const std::vector<topic> update{topic("https://example.com/books/7"),
                                    topic("https://example.com/c3/42"),
                                    topic("https://example.com/c3/43")};
    std::size_t delivered = 0;
    // The first publish warms up RE2's lazily built DFA states.
    index.for_each_match(update, [&](sub*) {});
    const long before = allocations.load();
    for (int round = 0; round < 10; ++round) {
        index.for_each_match(update, [&](sub*) { ++delivered; });
    }
    const long after = allocations.load();
    CHECK(after == before);
    CHECK(delivered == 10 * subs.size()); // `{+any}` matches them all, each once
}
