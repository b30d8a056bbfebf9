// json.hpp (internal) — the strict JSON reading that tokens need.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string_view>

namespace herald::auth::detail {

/// Parses `text` as one JSON value. Returns a discarded value (is_discarded())
/// when the text is not JSON, nests deeper than `max_depth`, or repeats a
/// member name within an object. RFC 7515 §4 lets a JWS parser either reject
/// duplicate names or keep the last; rejecting means no two parsers can
/// disagree about which value a token carries.
nlohmann::json parse_strict(std::string_view text, std::size_t max_depth);

} // namespace herald::auth::detail
