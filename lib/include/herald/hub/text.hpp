// herald/hub/text.hpp — the character rules Mercure puts on topics, matchers,
// ids and event types.
#pragma once

#include <string_view>

namespace herald::hub {

/// True for code points of Unicode general category Cf (format characters:
/// the soft hyphen, bidirectional and zero-width controls, tags...), as of
/// Unicode 15.0. They are invisible, so a topic holding one can look like
/// another (identifier spoofing).
bool is_format_character(char32_t c) noexcept;

/// True if `text` is valid UTF-8 and holds no C0 control (U+0000–U+001F),
/// U+007F, C1 control (U+0080–U+009F) or format character (Cf): the rule for
/// topics, matcher values, update ids and types.
bool is_clean_text(std::string_view text) noexcept;

} // namespace herald::hub
