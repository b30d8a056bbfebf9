#include "herald/text.hpp"

#include "catch.hpp"

#include <string>

using herald::check_text;
using herald::decode_utf8;
using herald::has_control_or_format_character;
using herald::is_clean_text;
using herald::is_format_character;
using herald::is_valid_utf8;
using herald::text_fault;

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

TEST_CASE("the format characters number 170, as Unicode 15.0 counts category Cf") {
    int count = 0;
    for (char32_t c = 0; c <= 0x10FFFF; ++c)
        count += is_format_character(c) ? 1 : 0;
    CHECK(count == 170);
}

TEST_CASE("check_text names the first fault and its byte offset") {
    CHECK(check_text("abc").kind == text_fault::none);
    const auto bad = check_text("ab\xE2\x28\xA1\x01");
    CHECK(bad.kind == text_fault::invalid_utf8);
    CHECK(bad.offset == 2);
    const auto control = check_text("caf\xC3\xA9\x7F");
    CHECK(control.kind == text_fault::control_character);
    CHECK(control.offset == 5);
    const auto c1 = check_text("\xC2\x85");
    CHECK(c1.kind == text_fault::control_character);
    CHECK(c1.offset == 0);
    const auto format = check_text("a\xE2\x80\xAE"
                                   "b");
    CHECK(format.kind == text_fault::format_character);
    CHECK(format.offset == 1);
}

TEST_CASE("decode_utf8 gives each sequence's length and code point, 0 for ill-formed bytes") {
    char32_t c = 0;
    CHECK(decode_utf8("a", 0, c) == 1);
    CHECK(c == U'a');
    CHECK(decode_utf8("x\xC3\xA9", 1, c) == 2);
    CHECK(c == 0xE9);
    CHECK(decode_utf8("\xE2\x82\xAC", 0, c) == 3);
    CHECK(c == 0x20AC);
    CHECK(decode_utf8("\xF4\x8F\xBF\xBF", 0, c) == 4);
    CHECK(c == 0x10FFFF);
    CHECK(decode_utf8("\xC1\xBF", 0, c) == 0);         // overlong
    CHECK(decode_utf8("\xF0\x8F\xBF\xBF", 0, c) == 0); // overlong
    CHECK(decode_utf8("\xED\xBF\xBF", 0, c) == 0);     // surrogate
    CHECK(decode_utf8("\xE2\x82", 0, c) == 0);         // truncated
}

TEST_CASE("valid UTF-8 may carry controls and format characters, clean text may not") {
    CHECK(is_valid_utf8("a\nb\xE2\x80\x8B"));
    CHECK_FALSE(is_clean_text("a\nb\xE2\x80\x8B"));
    CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));
}

TEST_CASE("has_control_or_format_character finds them past ill-formed bytes") {
    CHECK_FALSE(has_control_or_format_character("plain \xC3\xA9"));
    CHECK_FALSE(has_control_or_format_character("\xFF\xFE"));
    CHECK(has_control_or_format_character(std::string("\xFF\0", 2)));
    CHECK(has_control_or_format_character("\xFF\xEF\xBB\xBF"));
    CHECK(has_control_or_format_character("\xC2\x9F"));
    CHECK(has_control_or_format_character("\xF3\xA0\x80\xA0")); // U+E0020 TAG SPACE
}
