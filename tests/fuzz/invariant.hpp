// tests/fuzz/invariant.hpp — how a fuzzer reports a broken invariant: one
// line on stderr naming the fuzzer, then abort(), which libFuzzer reports as
// a finding together with the input that caused it.
#pragma once

#include <cstdio>
#include <cstdlib>

// The fuzzer's name (its target name), set by tests/fuzz/CMakeLists.txt.
#ifndef HERALD_FUZZER
#error "HERALD_FUZZER must name the fuzzer"
#endif

namespace herald::fuzz {

[[noreturn]] inline void fail(const char* what) {
    std::fprintf(stderr, "%s: %s\n", HERALD_FUZZER, what);
    std::abort();
}

inline void expect(bool condition, const char* what) {
    if (!condition)
        fail(what);
}

} // namespace herald::fuzz
