// tests/support/split.hpp — feed input whole and split at every byte offset.
//
// An I/O-free parser must give the same answer however the network chops
// its input. For each offset k, the input is fed as [0,k) then [k,n).
#pragma once

#include <cstddef>
#include <string_view>

namespace herald::test {

/// Calls check(first, second) for the whole input (second empty) and for
/// every split point.
template <typename Check>
void for_each_split(std::string_view input, Check&& check) {
    check(input, std::string_view{});
    for (std::size_t k = 1; k < input.size(); ++k)
        check(input.substr(0, k), input.substr(k));
}

} // namespace herald::test
