// url_pattern_detail.hpp — the URL Pattern standard's internal algorithms:
// the tokenizer, the part-list parser, the generated regular expression and
// pattern string, and the constructor string parser.
#pragma once

#include "herald/match/url_pattern.hpp"

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace herald::match::detail {

/// What the standard throws as a TypeError: the pattern is invalid.
struct pattern_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

enum class token_type {
    open,
    close,
    regexp,
    name,
    character,
    escaped_char,
    other_modifier,
    asterisk,
    end,
    invalid_char
};

struct token {
    token_type type;
    std::size_t index; ///< byte offset of the token in the input
    std::string value;
};

enum class tokenize_policy { strict, lenient };

std::vector<token> tokenize(std::string_view input, tokenize_policy policy);

enum class part_type { fixed_text, regexp, segment_wildcard, full_wildcard };
enum class part_modifier { none, optional, zero_or_more, one_or_more };

struct part {
    part_type type = part_type::fixed_text;
    std::string value;
    part_modifier modifier = part_modifier::none;
    std::string name, prefix, suffix;
};

/// A component's options: the delimiter a named group stops at, and the
/// prefix code point that binds to a group ('/' in paths).
struct pattern_options {
    std::string delimiter;
    std::string prefix;
};

/// Canonicalises fixed text of one component; throws pattern_error.
using encoding_callback = std::function<std::string(std::string_view)>;

std::vector<part> parse_pattern_string(std::string_view input, const pattern_options& options,
                                       const encoding_callback& encode);

/// "Generate a regular expression", in RE2 syntax. User regexp groups are
/// translated from JavaScript syntax; features RE2 lacks throw pattern_error.
std::string generate_regexp(const std::vector<part>& parts, const pattern_options& options);

std::string generate_pattern_string(const std::vector<part>& parts, const pattern_options& options);

/// Backslash before each code point with a meaning in pattern syntax.
std::string escape_pattern_string(std::string_view input);

/// Translates one regexp group from JavaScript (u flag) to RE2 syntax.
std::string translate_regexp(std::string_view js);

/// "Parse a constructor string". `protocol_is_special` compiles a protocol
/// pattern and says whether it matches a special scheme.
url_pattern_init
parse_constructor_string(std::string_view input,
                         const std::function<bool(std::string_view)>& protocol_is_special);

} // namespace herald::match::detail
