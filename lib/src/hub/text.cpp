#include "herald/hub/text.hpp"

#include <algorithm>
#include <array>

namespace herald::hub {
namespace {

struct range {
    char32_t first, last;
};

// General category Cf in Unicode 15.0 (DerivedGeneralCategory.txt, 170 code
// points), sorted. Later versions may add to it; the draft allows rejecting
// those too, and an update here is one line.
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

bool is_format_character(char32_t c) noexcept {
    const auto it = std::upper_bound(format_ranges.begin(), format_ranges.end(), c,
                                     [](char32_t v, const range& r) { return v < r.first; });
    return it != format_ranges.begin() && c <= std::prev(it)->last;
}

bool is_clean_text(std::string_view text) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    while (p < end) {
        const unsigned char b = *p;
        if (b < 0x80) {
            if (b < 0x20 || b == 0x7F)
                return false;
            ++p;
            continue;
        }
        // A multi-byte sequence: length from the lead byte, then the
        // continuation bytes, with the ranges that exclude overlongs,
        // surrogates and values past U+10FFFF (RFC 3629 §4).
        int length;
        char32_t c;
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
            return false;
        }
        if (end - p < length)
            return false;
        for (int i = 1; i < length; ++i) {
            const unsigned char cont = p[i];
            if (i == 1 ? (cont < low || cont > high) : (cont < 0x80 || cont > 0xBF))
                return false;
            c = (c << 6) | (cont & 0x3F);
        }
        if ((c >= 0x80 && c <= 0x9F) || is_format_character(c))
            return false;
        p += length;
    }
    return true;
}

} // namespace herald::hub
