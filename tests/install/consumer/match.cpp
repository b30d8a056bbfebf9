// A project outside herald's tree, linking a component of the installed package.
#include <herald/match/matcher.hpp>

#include <cstdio>

int main() {
    namespace match = herald::match;
    // A URL pattern (its groups run in RE2) on an international host (libidn2).
    const auto compiled =
        match::compile(match::matcher_type::urlpattern, "https://bücher.example/books/:id");
    if (!compiled)
        return 1;
    const bool yes =
        compiled.matcher->matches(match::topic("https://xn--bcher-kva.example/books/7"));
    const bool no =
        compiled.matcher->matches(match::topic("https://xn--bcher-kva.example/films/7"));
    std::printf("match: %s %s\n", yes ? "yes" : "no", no ? "yes" : "no");
    return 0;
}
