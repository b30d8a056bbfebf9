// Placeholder until the URL Pattern compiler lands: every pattern is refused,
// so nothing can match by mistake.
#include "herald/match/url_pattern.hpp"

namespace herald::match {

struct url_pattern::compiled {};

std::optional<url_pattern> url_pattern::compile(std::string_view, std::string_view,
                                                std::string& error, const url_pattern_limits&) {
    error = "URL patterns are not supported yet";
    return std::nullopt;
}

bool url_pattern::test(const url&) const {
    return false;
}

bool url_pattern::test(std::string_view, std::string_view) const {
    return false;
}

std::optional<url> url::parse(std::string_view, const url*) {
    return std::nullopt;
}

} // namespace herald::match
