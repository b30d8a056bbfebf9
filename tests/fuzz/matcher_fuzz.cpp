// libFuzzer target: topic matchers on arbitrary patterns and topics.
//
// Input: four control bytes, then the pattern, the topic and the base URL.
//   [0] matcher type (% 3: exact, urlpattern, uritemplate)
//   [1] bit 0: small limits (so limit paths are reachable with short input);
//       bit 1: skip the character check (lets NULs and controls through)
//   [2] the pattern's length, [3] the topic's length (each capped by what is
//       left); the rest is the base URL.
// Compiling must not crash and must respect the limits; a compiled matcher
// must give the answer a cached one gives, agree with its type's definition
// where that is simple (exact, `*`, a template matching its own text), and
// agree with the index and with covers_any/covers_all.
#include "herald/match/cache.hpp"
#include "herald/match/index.hpp"
#include "herald/match/matcher.hpp"

#include "invariant.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace herald::match;

using herald::fuzz::expect;

struct subscriber {};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 4) {
        return 0;
    }
    const auto type = static_cast<matcher_type>(data[0] % 3);
    matcher_limits limits;
    if (data[1] & 1) {
        limits.max_pattern_bytes = 24;
        limits.max_program_size = 300;
        limits.max_template_expressions = 3;
        limits.max_template_variables = 4;
    }
    limits.check_characters = (data[1] & 2) == 0;
    std::string_view rest(reinterpret_cast<const char*>(data) + 4, size - 4);
    const std::size_t pattern_size = std::min<std::size_t>(data[2], rest.size());
    const std::string pattern(rest.substr(0, pattern_size));
    rest.remove_prefix(pattern_size);
    const std::size_t topic_size = std::min<std::size_t>(data[3], rest.size());
    const std::string topic_value(rest.substr(0, topic_size));
    rest.remove_prefix(topic_size);
    const std::string base(rest);

    const compile_result fresh = compile(type, pattern, base, limits);
    expect(fresh.matcher || !fresh.error.empty(), "a failed compile says why");
    expect(!fresh.matcher || fresh.error.empty(), "a successful compile has no error");
    if (pattern.size() > limits.max_pattern_bytes) {
        expect(!fresh.matcher, "a pattern over the byte limit compiled");
        return 0;
    }
    matcher_cache cache(base, limits, 4);
    const compile_result cached = cache.get(type, pattern);
    expect(static_cast<bool>(cached.matcher) == static_cast<bool>(fresh.matcher),
           "the cache and compile disagree on validity");
    expect(cached.error == fresh.error, "the cache and compile give different errors");
    if (type == matcher_type::exact && limits.check_characters == false) {
        expect(fresh.matcher != nullptr, "an exact pattern within limits must compile");
    }

    const compile_result selector = compile_topic_selector(pattern, limits);
    if (compile(matcher_type::exact, pattern, {}, limits).matcher) {
        expect(selector.matcher != nullptr, "a valid exact pattern is a valid selector");
    }
    if (selector.matcher) {
        expect(selector.matcher->matches(topic(pattern)), "a selector matches its own text");
    }

    if (!fresh.matcher) {
        return 0;
    }
    const matcher& m = *fresh.matcher;
    expect(m.type() == type, "the matcher has the requested type");
    expect(m.pattern() == pattern, "the matcher keeps its pattern");
    expect(m.is_wildcard() == (pattern == "*"), "only * is the wildcard");

    const topic t = cache.make_topic(topic_value);
    const bool answer = m.matches(t);
    expect(cached.matcher->matches(t) == answer, "a cached matcher answers differently");
    expect(m.matches(cache.make_topic(topic_value)) == answer, "matching is not repeatable");
    if (answer) {
        expect(topic_value.starts_with(m.literal_prefix()),
               "a matched topic does not start with the matcher's literal prefix");
    }
    if (m.is_wildcard()) {
        expect(answer, "* missed a topic");
    } else if (type == matcher_type::exact) {
        expect(answer == (topic_value == pattern), "exact matching is not byte equality");
    } else if (type == matcher_type::uritemplate) {
        expect(m.matches(topic(pattern)), "a template does not match its own text");
    }

    const std::vector<topic> topics{cache.make_topic(topic_value)};
    const std::vector<matcher_ptr> ms{fresh.matcher, cached.matcher};
    expect(covers_any(ms, topics) == answer, "covers_any disagrees with matches");
    expect(covers_all(ms, topics) == answer, "covers_all disagrees with matches");

    subscription_index<subscriber> index;
    subscriber s;
    index.add(&s, ms);
    int calls = 0;
    index.for_each_match(topics, [&](subscriber* p) {
        expect(p == &s, "the index reported a stranger");
        ++calls;
    });
    expect(calls == (answer ? 1 : 0), "the index disagrees with matches");
    index.remove(&s);
    expect(index.empty() && index.pattern_groups() == 0 && index.exact_topics() == 0,
           "the index kept something after remove");
    return 0;
}
