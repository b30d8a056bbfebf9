// herald/http/form.hpp — application/x-www-form-urlencoded, as the WHATWG URL
// Standard parses it (§5.1, the algorithm behind URLSearchParams).
//
// Both Mercure requests use it: a publish's body, and a subscription's query
// string (`match=...&match=...`). The algorithm never fails: a stray `%` or an
// empty pair is data, not an error. Checking the decoded values (UTF-8,
// control characters, limits) is the caller's job, because the rules differ
// by field.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace herald::http {

/// One name/value pair, percent-decoded. Order and repeats are kept: Mercure
/// gives meaning to both (the first `topic` is the canonical one).
struct form_field {
    std::string name;
    std::string value;

    friend bool operator==(const form_field&, const form_field&) = default;
};

/// Splits on `&`, drops empty pieces, splits each at its first `=` (a piece
/// without one is a name with an empty value), turns `+` into a space and
/// percent-decodes both halves. Invalid escapes (`%zz`, a trailing `%`) are
/// kept as they are, as the standard says. Decoded bytes are not checked for
/// UTF-8.
std::vector<form_field> parse_form(std::string_view text);

/// Percent-decodes `text` (`%41` → `A`; invalid escapes kept). With
/// `plus_is_space`, `+` decodes to a space, as in form data.
std::string percent_decode(std::string_view text, bool plus_is_space = false);

} // namespace herald::http
