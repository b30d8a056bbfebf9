// herald/text.hpp — the one set of character rules: UTF-8 well-formedness,
// and the controls and format characters that protocol strings (topics,
// matchers, ids, event types) must not contain. The encoder, the matchers,
// the token claims and the hub all use these, so the rules cannot diverge.
#pragma once

#include <cstddef>
#include <string_view>

namespace herald {

/// True if `text` is well-formed UTF-8 (RFC 3629: no overlongs, surrogates or
/// values past U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

/// Decodes the UTF-8 sequence at text[at] (at < text.size()) into `c`: its
/// length in bytes, or 0 if the bytes there are not well-formed UTF-8.
std::size_t decode_utf8(std::string_view text, std::size_t at, char32_t& c) noexcept;

/// True for code points of Unicode general category Cf (format characters:
/// the soft hyphen, bidirectional and zero-width controls, tags...), as of
/// Unicode 15.0. They are invisible, so a string holding one can look like
/// another (identifier spoofing).
bool is_format_character(char32_t c) noexcept;

/// True for C0 controls (U+0000–U+001F), DEL (U+007F) and C1 controls
/// (U+0080–U+009F).
constexpr bool is_control_character(char32_t c) noexcept {
    return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

/// What check_text found first, and where.
struct text_fault {
    enum kind_t { none, invalid_utf8, control_character, format_character };
    kind_t kind = none;
    std::size_t offset = 0; ///< byte offset of the offending sequence
};

/// The first fault in `text`: bytes that are not well-formed UTF-8, a
/// control character or a format character.
text_fault check_text(std::string_view text) noexcept;

/// True if `text` is valid UTF-8 and holds no control or format character:
/// the rule for topics, matcher values, update ids and event types.
inline bool is_clean_text(std::string_view text) noexcept {
    return check_text(text).kind == text_fault::none;
}

/// True if `text` (taken as UTF-8) holds a control or format character.
/// Ill-formed bytes are not characters: is_valid_utf8 judges those.
bool has_control_or_format_character(std::string_view text) noexcept;

} // namespace herald
