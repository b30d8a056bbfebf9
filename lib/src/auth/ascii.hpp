// ascii.hpp (internal) — ASCII case-insensitive comparison, for HTTP scheme
// names and media types (never locale-dependent).
#pragma once

#include <algorithm>
#include <string_view>

namespace herald::auth::detail {

constexpr char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return ascii_lower(x) == ascii_lower(y);
           });
}

} // namespace herald::auth::detail
