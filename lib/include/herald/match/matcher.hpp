// herald/match/matcher.hpp — topic matchers: the facade the hub uses.
//
// A subscriber (through `match*` query parameters) and an access token
// (through its topic matcher list) both name topics with matchers. Each has a
// type: `exact` (byte-for-byte), `urlpattern` (the URL Pattern Standard) or
// `uritemplate` (RFC 6570, as draft-07 hubs use topic selectors). The value
// `*` matches every topic whatever the type.
//
// Matching decides who receives an update and who may receive a private one:
// a matcher that is too generous leaks data, one too strict loses updates.
// Patterns come from untrusted clients, so compiling is bounded by limits and
// every regular expression runs in RE2, in time linear in the topic.
#pragma once

#include "herald/match/uri_template.hpp"
#include "herald/match/url.hpp"
#include "herald/match/url_pattern.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace herald::match {

enum class matcher_type { exact, urlpattern, uritemplate };

/// The type named `name` ("exact", "urlpattern", "uritemplate"; case
/// sensitive, as the spec's `match_type` is), or nothing.
std::optional<matcher_type> matcher_type_from_name(std::string_view name) noexcept;

/// The canonical name of `type`.
std::string_view matcher_type_name(matcher_type type) noexcept;

/// What compiling a pattern may cost. Over a limit, compiling fails with a
/// message that says which limit.
struct matcher_limits {
    std::size_t max_pattern_bytes = 1024;      ///< the pattern's length, every type
    int max_program_size = 10'000;             ///< RE2's program size, per regular expression
    std::size_t max_template_expressions = 32; ///< `{...}` expressions in a URI template
    std::size_t max_template_variables = 64;   ///< variables in a URI template, all told
    /// Refuse patterns that are not UTF-8 or contain C0/C1 controls, DEL or
    /// Unicode format characters (Cf), as the spec requires of every matcher
    /// value. On by default; off only for callers that validated already.
    bool check_characters = true;
};

/// A topic as one publish sees it: the raw string, and its URL form resolved
/// against the hub's base URL, which URL pattern matchers need.
///
/// The URL is parsed lazily, on the first as_url() call, so a hub whose
/// subscribers use only exact matchers never parses topics. That first call
/// writes to the topic: a topic is not safe to share between threads until
/// as_url() has been called once (afterwards it is read-only and may be read
/// from any number of threads).
class topic {
public:
    /// `base` is the hub's URL (may be null: then only absolute topics have a
    /// URL form).
    explicit topic(std::string value, std::shared_ptr<const url> base = nullptr);

    const std::string& value() const noexcept { return value_; }

    /// The topic parsed as a URL (relative: against the base), or null when
    /// it is not one. Parsed on the first call; see the class comment.
    const url* as_url() const;

private:
    std::string value_;
    std::shared_ptr<const url> base_;
    mutable bool parsed_ = false;
    mutable std::optional<url> url_;
};

/// A compiled matcher. Immutable, so one compiled matcher is shared by every
/// subscription that uses the same (type, pattern) and read from any thread.
class matcher {
public:
    bool matches(const topic& t) const;

    matcher_type type() const noexcept { return type_; }
    const std::string& pattern() const noexcept { return pattern_; }
    /// The pattern is exactly `*`: matches every topic, whatever the type.
    bool is_wildcard() const noexcept { return wildcard_; }

private:
    friend struct compile_access;
    matcher(matcher_type type, std::string pattern)
        : type_(type)
        , pattern_(std::move(pattern)) {}

    matcher_type type_;
    std::string pattern_;
    bool wildcard_ = false;
    std::optional<uri_template> template_;
    std::optional<url_pattern> url_pattern_;
};

using matcher_ptr = std::shared_ptr<const matcher>;

/// Either a matcher or, when the pattern is invalid or over a limit, an
/// error message fit for a 400 response body.
struct compile_result {
    matcher_ptr matcher;
    std::string error;

    explicit operator bool() const noexcept { return matcher != nullptr; }
};

/// Compiles `pattern` as a matcher of `type`. `base_url` is the hub's URL,
/// against which relative URL patterns are resolved. Prefer matcher_cache,
/// which compiles each (type, pattern) once.
compile_result compile(matcher_type type, std::string_view pattern, std::string_view base_url = {},
                       const matcher_limits& limits = {});

/// True if some matcher matches some topic: the authorization check for a
/// private update ("does the token grant subscribe on any of its topics").
bool covers_any(std::span<const matcher_ptr> matchers, std::span<const topic> topics);

/// True if every topic is matched by some matcher: the authorization check
/// for publishing ("does the token grant publish on every topic"). False
/// when there are no topics, so an empty list never authorizes anything.
bool covers_all(std::span<const matcher_ptr> matchers, std::span<const topic> topics);

/// Compiles a draft-07 topic selector as the reference hub (v0.24) reads
/// one: a selector with a `{` that is a valid URI template is a uritemplate
/// matcher (which also matches its own text); any other selector, including
/// an invalid template, is exact. Limits still apply and still fail.
compile_result compile_topic_selector(std::string_view selector, const matcher_limits& limits = {});

} // namespace herald::match
