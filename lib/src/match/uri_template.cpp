#include "herald/match/uri_template.hpp"

#include <re2/re2.h>

namespace herald::match {

std::optional<uri_template> uri_template::compile(std::string_view, std::string& error,
                                                  const uri_template_limits&) {
    error = "URI templates are not supported yet";
    return std::nullopt;
}

bool uri_template::matches(std::string_view input) const {
    return re_ && RE2::FullMatch(input, *re_);
}

const std::string& uri_template::regex() const {
    static const std::string none;
    return re_ ? re_->pattern() : none;
}

} // namespace herald::match
