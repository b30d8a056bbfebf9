// herald/detail/hex.hpp — hex digits, for the percent-decoders (forms, URLs,
// redis:// URLs) and chunk sizes. Header-only, so components that do not link
// herald_protocol can use it too.
#pragma once

namespace herald::detail {

/// The value of hex digit `c` (either case), or -1 if `c` is not one. An int
/// so a negative char or an end-of-input marker is simply not a digit.
constexpr int hex_value(int c) noexcept {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

constexpr bool is_hex_digit(int c) noexcept {
    return hex_value(c) >= 0;
}

} // namespace herald::detail
