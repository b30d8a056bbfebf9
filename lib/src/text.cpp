#include "herald/text.hpp"

#include <algorithm>
#include <array>

namespace herald {
namespace {

// Decodes the sequence at p (p < end): its length, or 0 if the bytes are not
// well-formed UTF-8. The second byte's range excludes overlongs, surrogates
// and values past U+10FFFF (RFC 3629 §4, the table of well-formed sequences).
int decode(const unsigned char* p, const unsigned char* end, char32_t& c) noexcept {
    const unsigned char b = *p;
    if (b < 0x80) {
        c = b;
        return 1;
    }
    int length;
    unsigned char low = 0x80, high = 0xBF; // allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
        length = 2;
        c = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
        length = 3;
        c = b & 0x0F;
        if (b == 0xE0)
            low = 0xA0;
        if (b == 0xED)
            high = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        length = 4;
        c = b & 0x07;
        if (b == 0xF0)
            low = 0x90;
        if (b == 0xF4)
            high = 0x8F;
    } else {
        return 0; // a continuation byte first, C0/C1 (overlong) or past F4
    }
    if (end - p < length)
        return 0;
    for (int i = 1; i < length; ++i) {
        const unsigned char cont = p[i];
        if (i == 1 ? (cont < low || cont > high) : (cont < 0x80 || cont > 0xBF))
            return 0;
        c = (c << 6) | (cont & 0x3F);
    }
    return length;
}

struct range {
    char32_t first, last;
};

// General category Cf in Unicode 15.0: DerivedGeneralCategory.txt of the
// Unicode Character Database 15.0.0, "Total code points: 170", sorted. Later
// versions may add to it; the Mercure draft allows refusing those too, and an
// update here is one line.
constexpr std::array<range, 21> format_ranges{{
    {0x00AD, 0x00AD},   // SOFT HYPHEN
    {0x0600, 0x0605},   // ARABIC NUMBER SIGN .. ARABIC NUMBER MARK ABOVE
    {0x061C, 0x061C},   // ARABIC LETTER MARK
    {0x06DD, 0x06DD},   // ARABIC END OF AYAH
    {0x070F, 0x070F},   // SYRIAC ABBREVIATION MARK
    {0x0890, 0x0891},   // ARABIC POUND/PIASTRE MARK ABOVE
    {0x08E2, 0x08E2},   // ARABIC DISPUTED END OF AYAH
    {0x180E, 0x180E},   // MONGOLIAN VOWEL SEPARATOR
    {0x200B, 0x200F},   // ZERO WIDTH SPACE .. RIGHT-TO-LEFT MARK
    {0x202A, 0x202E},   // LEFT-TO-RIGHT EMBEDDING .. RIGHT-TO-LEFT OVERRIDE
    {0x2060, 0x2064},   // WORD JOINER .. INVISIBLE PLUS
    {0x2066, 0x206F},   // LEFT-TO-RIGHT ISOLATE .. NOMINAL DIGIT SHAPES
    {0xFEFF, 0xFEFF},   // ZERO WIDTH NO-BREAK SPACE (BOM)
    {0xFFF9, 0xFFFB},   // INTERLINEAR ANNOTATION ANCHOR .. TERMINATOR
    {0x110BD, 0x110BD}, // KAITHI NUMBER SIGN
    {0x110CD, 0x110CD}, // KAITHI NUMBER SIGN ABOVE
    {0x13430, 0x1343F}, // EGYPTIAN HIEROGLYPH VERTICAL JOINER .. END WALLED ENCLOSURE
    {0x1BCA0, 0x1BCA3}, // SHORTHAND FORMAT LETTER OVERLAP .. UP STEP
    {0x1D173, 0x1D17A}, // MUSICAL SYMBOL BEGIN BEAM .. END PHRASE
    {0xE0001, 0xE0001}, // LANGUAGE TAG
    {0xE0020, 0xE007F}, // TAG SPACE .. CANCEL TAG
}};

} // namespace

std::size_t decode_utf8(std::string_view text, std::size_t at, char32_t& c) noexcept {
    const auto* begin = reinterpret_cast<const unsigned char*>(text.data());
    return static_cast<std::size_t>(decode(begin + at, begin + text.size(), c));
}

bool is_valid_utf8(std::string_view text) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    while (p < end) {
        char32_t c;
        const int n = decode(p, end, c);
        if (n == 0)
            return false;
        p += n;
    }
    return true;
}

bool is_format_character(char32_t c) noexcept {
    const auto it = std::upper_bound(format_ranges.begin(), format_ranges.end(), c,
                                     [](char32_t v, const range& r) { return v < r.first; });
    return it != format_ranges.begin() && c <= std::prev(it)->last;
}

text_fault check_text(std::string_view text) noexcept {
    const auto* begin = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = begin + text.size();
    for (const auto* p = begin; p < end;) {
        char32_t c;
        const int n = decode(p, end, c);
        const auto offset = static_cast<std::size_t>(p - begin);
        if (n == 0)
            return {text_fault::invalid_utf8, offset};
        if (is_control_character(c))
            return {text_fault::control_character, offset};
        if (is_format_character(c))
            return {text_fault::format_character, offset};
        p += n;
    }
    return {};
}

bool has_control_or_format_character(std::string_view text) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    while (p < end) {
        char32_t c;
        const int n = decode(p, end, c);
        if (n == 0) {
            ++p; // not a character; skip the byte
            continue;
        }
        if (is_control_character(c) || is_format_character(c))
            return true;
        p += n;
    }
    return false;
}

} // namespace herald
