// herald/match/url_pattern.hpp — the URL Pattern Living Standard, compiled to RE2.
//
// A pattern such as `https://example.com/books/:id` is split into the URL's
// components (protocol, username, password, hostname, port, pathname, search,
// hash); each is compiled on its own into a regular expression. RE2 runs
// them in time linear in the input, whatever the pattern, so a subscriber
// cannot send a pattern that backtracks catastrophically.
#pragma once

#include "herald/match/url.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace herald::match {

/// Limits on what compiling a pattern may cost. Over either, compile() fails
/// with a clear message; a compiled pattern always matches in linear time.
struct url_pattern_limits {
    std::size_t max_pattern_bytes = 1024; ///< the pattern's length in bytes
    int max_program_size = 10'000;        ///< RE2's program size, per component
};

class url_pattern {
public:
    /// Compiles `pattern`, given in the standard's constructor-string form
    /// (`https://example.com/books/:id`, or relative: `/books/:id`). A
    /// relative pattern is resolved against `base_url`; with an empty base
    /// it is an error. `ignoreCase` is never enabled. On failure returns
    /// nothing and says why in `error`.
    static std::optional<url_pattern> compile(std::string_view pattern, std::string_view base_url,
                                              std::string& error,
                                              const url_pattern_limits& limits = {});

    /// True if the URL matches every component. Cheap to call from many
    /// threads at once: a compiled pattern is immutable.
    bool test(const url& input) const;

    /// Parses `input` (relative: against `base_url`) and tests it. Input
    /// that is not a URL does not match.
    bool test(std::string_view input, std::string_view base_url) const;

private:
    struct compiled;
    std::shared_ptr<const compiled> impl_;
};

} // namespace herald::match
