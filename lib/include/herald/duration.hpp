// herald/duration.hpp — durations as people write them on a command line.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace herald {

/// Parses "250ms", "2s", "1.5s", "1m", "1h", or "0". A bare number other
/// than 0 is refused: "2" could mean seconds or milliseconds.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) noexcept;

} // namespace herald
