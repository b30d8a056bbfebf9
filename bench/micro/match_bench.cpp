// Topic matching: what subscribing costs (compile), what one match costs, and
// what a publish costs as subscribers grow (the fan-out index).
#include "herald/match/cache.hpp"
#include "herald/match/index.hpp"
#include "herald/match/matcher.hpp"

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

namespace {

using namespace herald::match;

constexpr const char* base = "https://example.com/.well-known/mercure";

void compile_pattern(benchmark::State& state, matcher_type type, const char* pattern) {
    for (auto _ : state) {
        compile_result r = compile(type, pattern, base);
        if (!r.matcher) {
            state.SkipWithError(r.error.c_str());
            break;
        }
        benchmark::DoNotOptimize(r.matcher.get());
    }
}
BENCHMARK_CAPTURE(compile_pattern, exact, matcher_type::exact, "https://example.com/books/1");
BENCHMARK_CAPTURE(compile_pattern, uritemplate_simple, matcher_type::uritemplate,
                  "https://example.com/books/{id}");
BENCHMARK_CAPTURE(compile_pattern, uritemplate_query, matcher_type::uritemplate,
                  "https://example.com/users/{uid}/books{/id}{?lang,page}");
BENCHMARK_CAPTURE(compile_pattern, urlpattern, matcher_type::urlpattern,
                  "https://example.com/books/:id");

// A cache hit: what most subscribers pay, since patterns repeat.
void compile_cached(benchmark::State& state) {
    matcher_cache cache(base);
    (void)cache.get(matcher_type::uritemplate, "https://example.com/books/{id}");
    for (auto _ : state) {
        compile_result r = cache.get(matcher_type::uritemplate, "https://example.com/books/{id}");
        benchmark::DoNotOptimize(r.matcher.get());
    }
}
BENCHMARK(compile_cached);

void match_one(benchmark::State& state, matcher_type type, const char* pattern, const char* value,
               bool expected) {
    compile_result r = compile(type, pattern, base);
    if (!r.matcher) {
        state.SkipWithError(r.error.c_str());
        return;
    }
    matcher_cache cache(base);
    const topic t = cache.make_topic(value);
    (void)t.as_url(); // parsed once per publish, not per matcher
    for (auto _ : state) {
        const bool m = r.matcher->matches(t);
        if (m != expected) {
            state.SkipWithError("unexpected answer");
            break;
        }
        benchmark::DoNotOptimize(m);
    }
}
BENCHMARK_CAPTURE(match_one, exact_hit, matcher_type::exact, "https://example.com/books/1",
                  "https://example.com/books/1", true);
BENCHMARK_CAPTURE(match_one, uritemplate_hit, matcher_type::uritemplate,
                  "https://example.com/books/{id}", "https://example.com/books/12345", true);
BENCHMARK_CAPTURE(match_one, uritemplate_miss, matcher_type::uritemplate,
                  "https://example.com/books/{id}", "https://example.com/authors/12345", false);
BENCHMARK_CAPTURE(match_one, uritemplate_query_hit, matcher_type::uritemplate,
                  "https://example.com/users/{uid}/books{/id}{?lang,page}",
                  "https://example.com/users/42/books/7?lang=en&page=2", true);
BENCHMARK_CAPTURE(match_one, urlpattern_hit, matcher_type::urlpattern,
                  "https://example.com/books/:id", "https://example.com/books/12345", true);

struct subscriber {
    int id;
};

// The measured part of each fanout benchmark: one publish through the index,
// counting the subscribers it reaches ("delivered" per publish).
void publish_to(benchmark::State& state, subscription_index<subscriber>& index,
                const std::vector<topic>& update) {
    std::size_t found = 0;
    for (auto _ : state) {
        index.for_each_match(update, [&](subscriber*) { ++found; });
    }
    benchmark::DoNotOptimize(found);
    state.counters["delivered"] =
        static_cast<double>(found) / static_cast<double>(state.iterations());
}

// N subscribers, each on its own exact topic; a publish to one of them.
void fanout_exact(benchmark::State& state) {
    const auto n = static_cast<int>(state.range(0));
    matcher_cache cache(base, {}, static_cast<std::size_t>(n) + 16);
    std::vector<subscriber> subs(static_cast<std::size_t>(n));
    subscription_index<subscriber> index;
    for (int i = 0; i < n; ++i) {
        subs[i].id = i;
        std::vector<matcher_ptr> ms{
            cache.get(matcher_type::exact, "https://example.com/books/" + std::to_string(i))
                .matcher};
        index.add(&subs[i], ms);
    }
    const std::vector<topic> update{
        cache.make_topic("https://example.com/books/" + std::to_string(n / 2))};
    publish_to(state, index, update);
}
BENCHMARK(fanout_exact)->RangeMultiplier(10)->Range(10, 100'000);

// N subscribers sharing 10 URI templates; a publish matches one of them, so
// it reaches N/10 subscribers at the cost of 10 template matches.
void fanout_shared_patterns(benchmark::State& state, matcher_type type, const char* form) {
    const auto n = static_cast<int>(state.range(0));
    matcher_cache cache(base);
    std::vector<subscriber> subs(static_cast<std::size_t>(n));
    subscription_index<subscriber> index;
    for (int i = 0; i < n; ++i) {
        subs[i].id = i;
        const std::string_view f(form);
        const std::size_t hole = f.find('#');
        const std::string pattern = std::string(f.substr(0, hole)) + std::to_string(i % 10) +
                                    std::string(f.substr(hole + 1));
        compile_result r = cache.get(type, pattern);
        if (!r.matcher) {
            state.SkipWithError(r.error.c_str());
            return;
        }
        std::vector<matcher_ptr> ms{r.matcher};
        index.add(&subs[i], ms);
    }
    const std::vector<topic> update{cache.make_topic("https://example.com/c3/books/42")};
    publish_to(state, index, update);
}
BENCHMARK_CAPTURE(fanout_shared_patterns, uritemplate, matcher_type::uritemplate,
                  "https://example.com/c#/books/{id}")
    ->RangeMultiplier(10)
    ->Range(10, 100'000);
BENCHMARK_CAPTURE(fanout_shared_patterns, urlpattern, matcher_type::urlpattern,
                  "https://example.com/c#/books/:id")
    ->RangeMultiplier(10)
    ->Range(10, 100'000);

// N subscribers, each with a template of its own (say, per user): the index
// evaluates every distinct template, most of them failing on their literal.
void fanout_distinct_patterns(benchmark::State& state) {
    const auto n = static_cast<int>(state.range(0));
    matcher_cache cache(base, {}, static_cast<std::size_t>(n) + 16);
    std::vector<subscriber> subs(static_cast<std::size_t>(n));
    subscription_index<subscriber> index;
    for (int i = 0; i < n; ++i) {
        std::vector<matcher_ptr> ms{
            cache
                .get(matcher_type::uritemplate,
                     "https://example.com/users/" + std::to_string(i) + "/books/{id}")
                .matcher};
        index.add(&subs[i], ms);
    }
    const std::vector<topic> update{
        cache.make_topic("https://example.com/users/" + std::to_string(n / 2) + "/books/42")};
    publish_to(state, index, update);
}
BENCHMARK(fanout_distinct_patterns)->RangeMultiplier(10)->Range(10, 100'000);

// The same publish without the index: ask every subscriber's matcher.
void fanout_scan_baseline(benchmark::State& state) {
    const auto n = static_cast<int>(state.range(0));
    matcher_cache cache(base);
    std::vector<matcher_ptr> ms;
    for (int i = 0; i < n; ++i) {
        ms.push_back(cache
                         .get(matcher_type::uritemplate,
                              "https://example.com/c" + std::to_string(i % 10) + "/books/{id}")
                         .matcher);
    }
    const topic t = cache.make_topic("https://example.com/c3/books/42");
    std::size_t found = 0;
    for (auto _ : state) {
        for (const auto& m : ms) {
            found += m->matches(t) ? 1 : 0;
        }
    }
    benchmark::DoNotOptimize(found);
}
BENCHMARK(fanout_scan_baseline)->RangeMultiplier(10)->Range(10, 100'000);

// Subscribe and unsubscribe in an index of N subscribers.
void index_add_remove(benchmark::State& state) {
    const auto n = static_cast<int>(state.range(0));
    matcher_cache cache(base);
    std::vector<subscriber> subs(static_cast<std::size_t>(n) + 1);
    subscription_index<subscriber> index;
    std::vector<matcher_ptr> ms{
        cache.get(matcher_type::uritemplate, "https://example.com/books/{id}").matcher,
        cache.get(matcher_type::exact, "https://example.com/books/1").matcher};
    for (int i = 0; i < n; ++i) {
        index.add(&subs[i], ms);
    }
    for (auto _ : state) {
        index.add(&subs[n], ms);
        index.remove(&subs[n]);
    }
}
BENCHMARK(index_add_remove)->RangeMultiplier(100)->Range(10, 100'000);

} // namespace
