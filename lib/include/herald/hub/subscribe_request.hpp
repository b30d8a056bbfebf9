// herald/hub/subscribe_request.hpp — what a subscriber asks for: its topic
// matchers and where to resume.
#pragma once

#include "herald/http/form.hpp"
#include "herald/hub/publish.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::hub {

/// How a matcher's pattern is read. `uritemplate` is draft-07's `topic`
/// parameter (an RFC 6570 template, or a plain string matched exactly).
enum class matcher_kind { exact, urlpattern, uritemplate };

/// One topic matcher as the request spelled it, not yet compiled.
struct matcher_spec {
    matcher_kind kind = matcher_kind::exact;
    std::string pattern;

    /// `*` matches every topic whatever the kind (the draft's reserved wildcard).
    bool is_wildcard() const noexcept { return pattern == "*"; }
    friend bool operator==(const matcher_spec&, const matcher_spec&) = default;
};

/// Bounds on one subscribe request. Over them: 400, as the draft says.
struct subscribe_limits {
    std::size_t max_matchers = 100;
    std::size_t max_matcher_length = 2048; ///< bytes of one pattern
};

/// Where a subscriber resumes. `requested` is true when the request carried a
/// last event id in any of its spellings, even an empty one: the response then
/// carries Mercure-Last-Event-ID.
struct resume_point {
    bool requested = false;
    std::string last_event_id; ///< an update id, or "earliest"
};

struct subscribe_request {
    std::vector<matcher_spec> matchers; ///< in request order, repeats kept
    resume_point resume;
};

struct subscribe_parse_result {
    std::optional<subscribe_request> accepted;
    refusal refused; ///< meaningful when !accepted
};

/// Reads a subscribe request from its decoded query pairs and its
/// Last-Event-ID header (if any).
///
/// Matchers: `match` and `match_exact` (exact), `match_urlpattern`, and
/// draft-07's `topic` (uritemplate). Any other name that starts with "match"
/// under an ASCII case-insensitive comparison (`Match`, `match_regex`,
/// `matches`) is refused: the draft reserves the whole prefix so that a typo
/// fails loudly. Also refused (400): no matcher at all, more than
/// max_matchers, a pattern longer than max_matcher_length, a pattern that is
/// not UTF-8 or holds control or format characters. Other names are ignored.
///
/// Resume: the Last-Event-ID header, if present, wins over the query; then
/// draft-08's `last_event_id`, then draft-07's `lastEventID` (the first
/// occurrence of each).
subscribe_parse_result parse_subscribe(const std::vector<http::form_field>& query,
                                       std::optional<std::string_view> last_event_id_header,
                                       const subscribe_limits& limits);

} // namespace herald::hub
