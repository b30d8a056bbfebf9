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

/// The standard's URLPatternInit: a pattern (or, for test(), an input) given
/// component by component. A missing component of a pattern is '*' unless
/// inherited from base_url.
struct url_pattern_init {
    std::optional<std::string> protocol, username, password, hostname, port, pathname, search, hash;
    std::optional<std::string> base_url;
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

    /// Compiles a pattern given component by component (the standard's
    /// dictionary form). The limits apply to the components together.
    static std::optional<url_pattern> compile(const url_pattern_init& init, std::string& error,
                                              const url_pattern_limits& limits = {});

    /// True if the URL matches every component. Cheap to call from many
    /// threads at once: a compiled pattern is immutable.
    bool test(const url& input) const;

    /// Parses `input` (relative: against `base_url`) and tests it. Input
    /// that is not a URL does not match.
    bool test(std::string_view input, std::string_view base_url) const;

    /// Tests an input given component by component, canonicalised as the
    /// standard's match() does for a URLPatternInit. Invalid input does not match.
    bool test(const url_pattern_init& input) const;

    /// The normalised pattern string of each component (the standard's
    /// getters of the same names).
    const std::string& protocol() const noexcept;
    const std::string& username() const noexcept;
    const std::string& password() const noexcept;
    const std::string& hostname() const noexcept;
    const std::string& port() const noexcept;
    const std::string& pathname() const noexcept;
    const std::string& search() const noexcept;
    const std::string& hash() const noexcept;

    /// True if some component uses a regexp group such as `(\\d+)`.
    bool has_regexp_groups() const noexcept;

private:
    struct compiled;
    std::shared_ptr<const compiled> impl_;
};

} // namespace herald::match
