// herald/hub/publish.hpp — a publish request's form fields, checked and
// turned into an update.
#pragma once

#include "herald/http/form.hpp"
#include "herald/hub/update.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace herald::hub {

/// Why the hub refused a request: the HTTP status and a short message.
struct refusal {
    int status = 400;
    std::string message;
};

/// The hub's own URL, split into the parts the reserved-namespace rule needs.
class hub_location {
public:
    /// Parses an absolute http(s) URL such as
    /// "https://example.com/.well-known/mercure". Empty if it is not one.
    static std::optional<hub_location> parse(std::string_view url);

    const std::string& url() const noexcept { return url_; }
    /// The URL parsed (WHATWG): the base topics resolve against.
    const std::shared_ptr<const match::url>& base() const noexcept { return base_; }
    const std::string& scheme() const noexcept { return scheme_; } ///< lower case
    const std::string& path() const noexcept { return path_; }     ///< normalised

private:
    std::string url_, scheme_, path_;
    std::shared_ptr<const match::url> base_;
};

/// True if `topic`, resolved against the hub's URL, names the hub's reserved
/// namespace: its path equals the hub's path or starts with it and '/', after
/// dot-segment removal and decoding of percent-encoded unreserved characters
/// (RFC 3986 §5.2.4, §2.3), whatever its scheme or authority. A topic that is
/// no URL reference at all (an opaque `urn:` for instance) names no path and
/// so is not reserved.
///
/// Resolution is the WHATWG URL parser's (herald_match's url), as the draft
/// requires: the same canonical form URL pattern matching sees.
bool addresses_reserved_namespace(std::string_view topic, const hub_location& hub);

/// The same test on a topic already prepared against the hub's URL.
bool addresses_reserved_namespace(const match::topic& topic, const hub_location& hub);

/// Bounds on one publish request. Over them: 413.
struct publish_limits {
    std::size_t max_topics = 100;       ///< `topic` fields per request
    std::size_t max_field_bytes = 8192; ///< topic, id, type, retry (data is bounded by the body)
};

/// A checked publish: the update, or why not.
struct publish_result {
    std::shared_ptr<update> accepted; ///< encoded, sequence not yet assigned
    refusal refused;                  ///< meaningful when !accepted
};

/// Checks a publish request's decoded fields against the draft's rules and
/// builds the update, generating an id if the publisher gave none. The rules,
/// in the order they are checked, with their status:
///   - more `topic` fields than limits.max_topics, or any of topic, id, type,
///     retry longer than limits.max_field_bytes: 413
///   - no `topic`; a topic equal to `*` or naming the reserved namespace: 400
///   - topic, id or type not valid UTF-8 or holding control or format
///     characters: 400; data not valid UTF-8: 400
///   - id starting with `#` or equal to `earliest`: 400
///   - type `mercure` (reserved for the hub's own events): 400
///   - retry not made only of ASCII digits (or empty): 400
/// The first `topic`, `id`, `type`, `retry` and `data` win; later repeats of
/// the single-valued ones are ignored, as are unknown fields. `private` makes
/// the update private whatever its value.
publish_result validate_publish(const std::vector<http::form_field>& fields,
                                const hub_location& hub, const publish_limits& limits,
                                id_generator& ids);

} // namespace herald::hub
