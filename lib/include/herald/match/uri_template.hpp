// herald/match/uri_template.hpp — RFC 6570 URI templates used as matchers.
//
// Draft-07 Mercure hubs accept topic selectors that are URI templates: a
// template matches a topic when some values of its variables expand the
// template to that topic. The template is compiled to one RE2 regular
// expression that accepts those expansions, so matching is linear in the
// topic whatever the template. docs/matchers.md lists what each operator's
// variables may match.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace herald::match {

struct uri_template_limits {
    std::size_t max_template_bytes = 1024;
    std::size_t max_expressions = 32;
    std::size_t max_variables = 64;
    int max_program_size = 10'000; ///< RE2's program size
};

class uri_template {
public:
    /// Parses `text` (levels 1 to 4) and compiles it. On failure returns
    /// nothing and says why, with the byte offset, in `error`.
    static std::optional<uri_template> compile(std::string_view text, std::string& error,
                                               const uri_template_limits& limits = {});

    /// True if some values of the variables expand the template to `input`
    /// exactly (the whole input; no normalisation or resolution).
    bool matches(std::string_view input) const;

    /// The regular expression the template compiled to (RE2 syntax).
    const std::string& regex() const;

private:
    std::shared_ptr<const re2::RE2> re_;
    std::string literal_prefix_; // every match starts with it
    bool all_literal_ = false;   // no expression: the prefix is the whole template
};

} // namespace herald::match
