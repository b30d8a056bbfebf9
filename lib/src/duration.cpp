#include "herald/duration.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

namespace herald {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) noexcept {
    if (text == "0")
        return std::chrono::milliseconds{0};
    std::size_t i = 0;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.'))
        ++i;
    const auto number = text.substr(0, i);
    const auto unit = text.substr(i);
    double scale = 0;
    if (unit == "ms")
        scale = 1;
    else if (unit == "s")
        scale = 1000;
    else if (unit == "m")
        scale = 60'000;
    else if (unit == "h")
        scale = 3'600'000;
    if (number.empty() || number == "." || number.find('.') != number.rfind('.') || scale == 0 ||
        number.size() > 18)
        return std::nullopt;
    const double ms = std::strtod(std::string(number).c_str(), nullptr) * scale;
    if (!(ms < 1e15)) // ~30,000 years: beyond any use, and llround would overflow
        return std::nullopt;
    return std::chrono::milliseconds{static_cast<long long>(std::llround(ms))};
}

} // namespace herald
