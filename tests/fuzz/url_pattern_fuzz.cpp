// libFuzzer target: the WHATWG URL parser and URL Pattern on arbitrary bytes.
// The input is a pattern, a newline, then a topic. Invariants:
// - a parsed URL's href parses again to the same href (serialisation is a
//   fixed point), and its components are substrings of it;
// - a compiled pattern tests a URL and its string alike, and compiling the
//   same pattern twice gives the same component patterns;
// - nothing crashes, leaks or runs past the fuzzer's timeout (RE2 is linear).
#include "herald/match/url.hpp"
#include "herald/match/url_pattern.hpp"

#include "invariant.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace {

using herald::fuzz::expect;

const std::string hub = "https://localhost:4321/.well-known/mercure";

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using herald::match::url;
    using herald::match::url_pattern;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto newline = input.find('\n');
    const std::string_view pattern = input.substr(0, newline);
    const std::string_view topic =
        newline == std::string_view::npos ? input : input.substr(newline + 1);

    static const auto base = url::parse(hub);
    expect(base.has_value(), "the hub URL parses");
    for (const url* b : {static_cast<const url*>(nullptr), &*base}) {
        if (auto u = url::parse(topic, b)) {
            auto again = url::parse(u->href());
            expect(again && again->href() == u->href(), "href parses to itself");
            expect(again->pathname() == u->pathname() && again->hostname() == u->hostname() &&
                       again->search() == u->search() && again->hash() == u->hash(),
                   "re-parsed components equal");
            expect(u->href().find(u->hostname()) != std::string::npos, "hostname inside href");
        }
    }

    std::string error;
    auto compiled = url_pattern::compile(pattern, hub, error);
    if (!compiled) {
        expect(!error.empty(), "a refused pattern says why");
        return 0;
    }
    std::string error2;
    auto twice = url_pattern::compile(pattern, hub, error2);
    expect(twice && twice->pathname() == compiled->pathname() &&
               twice->hostname() == compiled->hostname() &&
               twice->protocol() == compiled->protocol(),
           "compiling is deterministic");
    const bool by_string = compiled->test(topic, hub);
    auto u = url::parse(topic, &*base);
    expect(by_string == (u && compiled->test(*u)), "a URL and its string test alike");
    return 0;
}
