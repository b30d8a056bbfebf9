#include "herald/hub/text.hpp"

#include "catch.hpp"

#include <string>

using herald::hub::is_clean_text;
using herald::hub::is_format_character;

TEST_CASE("format characters are the Unicode 15 Cf set, edges included") {
    for (char32_t c :
         {0x00AD,  0x0600,  0x0605,  0x061C,  0x06DD,  0x070F,  0x0890,  0x0891,  0x08E2,
          0x180E,  0x200B,  0x200D,  0x200F,  0x202A,  0x202E,  0x2060,  0x2064,  0x2066,
          0x206F,  0xFEFF,  0xFFF9,  0xFFFB,  0x110BD, 0x110CD, 0x13430, 0x1343F, 0x1BCA0,
          0x1BCA3, 0x1D173, 0x1D17A, 0xE0001, 0xE0020, 0xE007F})
        CHECK(is_format_character(c));
    for (char32_t c : {0x0020, 0x00AC, 0x00AE, 0x05FF, 0x0606, 0x200A, 0x2010, 0x2065, 0x2070,
                       0xFEFE, 0xFFFC, 0x13440, 0x1D17B, 0xE0000, 0xE0002, 0xE0080, 0x10FFFF})
        CHECK_FALSE(is_format_character(c));
}

TEST_CASE("clean text is valid UTF-8 without controls or format characters") {
    CHECK(is_clean_text(""));
    CHECK(is_clean_text("https://example.com/books/1"));
    CHECK(is_clean_text("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80")); // é € 😀
    CHECK(is_clean_text("\xC2\xA0"));                                  // U+00A0, not C1
    CHECK_FALSE(is_clean_text(std::string("a\0b", 3)));
    CHECK_FALSE(is_clean_text("a\nb"));
    CHECK_FALSE(is_clean_text("a\rb"));
    CHECK_FALSE(is_clean_text("a\tb"));
    CHECK_FALSE(is_clean_text("\x1F"));
    CHECK_FALSE(is_clean_text("\x7F"));
    CHECK_FALSE(is_clean_text("\xC2\x80")); // U+0080 (C1)
    CHECK_FALSE(is_clean_text("\xC2\x9F")); // U+009F (C1)
    CHECK_FALSE(is_clean_text("\xC2\xAD")); // soft hyphen
    CHECK_FALSE(is_clean_text("a\xE2\x80\x8B"
                              "b"));                // zero width space
    CHECK_FALSE(is_clean_text("\xE2\x80\xAE"));     // right-to-left override
    CHECK_FALSE(is_clean_text("\xEF\xBB\xBF"));     // BOM
    CHECK_FALSE(is_clean_text("\xF3\xA0\x80\x81")); // U+E0001 LANGUAGE TAG
}

TEST_CASE("clean text refuses every kind of invalid UTF-8") {
    CHECK_FALSE(is_clean_text("\x80"));             // lone continuation
    CHECK_FALSE(is_clean_text("\xC3"));             // truncated
    CHECK_FALSE(is_clean_text("\xC0\xAF"));         // overlong '/'
    CHECK_FALSE(is_clean_text("\xE0\x80\xAF"));     // overlong '/'
    CHECK_FALSE(is_clean_text("\xED\xA0\x80"));     // surrogate
    CHECK_FALSE(is_clean_text("\xF4\x90\x80\x80")); // > U+10FFFF
    CHECK_FALSE(is_clean_text("\xF5\x80\x80\x80"));
    CHECK_FALSE(is_clean_text("\xFF"));
    CHECK_FALSE(is_clean_text("\xE2\x82"));     // truncated €
    CHECK_FALSE(is_clean_text("\xE2\x28\xA1")); // bad continuation
}
