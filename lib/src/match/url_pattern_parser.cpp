// URL Pattern's pattern syntax: the tokenizer, the parser into a part list,
// and what is generated from a part list (an RE2 regular expression and the
// normalised pattern string). Each follows the algorithm of the same name in
// the URL Pattern Living Standard.
#include "url_pattern_detail.hpp"

#include <cstdint>

namespace herald::match::detail {

namespace {

// One code point of UTF-8 and its length in bytes. A malformed sequence
// reads as U+FFFD of one byte, so the tokenizer always moves forward.
std::pair<char32_t, std::size_t> decode(std::string_view s, std::size_t i) {
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    if (c < 0x80)
        return {c, 1};
    std::size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
    if (len == 0 || i + len > s.size())
        return {0xfffd, 1};
    char32_t cp = c & (0x7f >> len);
    for (std::size_t k = 1; k < len; ++k) {
        if ((b(i + k) & 0xc0) != 0x80)
            return {0xfffd, 1};
        cp = (cp << 6) | (b(i + k) & 0x3f);
    }
    return {cp, len};
}

// ID_Start / ID_Continue, exact for ASCII. Beyond ASCII, without a Unicode
// database, letters are approximated by excluding the punctuation, symbol and
// emoji blocks: a name only labels a group, so a too-generous rule can make a
// pattern valid, never make it match more.
bool is_valid_name_code_point(char32_t cp, bool first) {
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '$' || cp == '_')
        return true;
    if (!first && cp >= '0' && cp <= '9')
        return true;
    if (cp < 0x80)
        return false;
    if (cp == 0x200c || cp == 0x200d)
        return !first;
    if (cp == 0x203f || cp == 0x2040 || cp == 0x2054)
        return !first; // connector punctuation
    if ((cp < 0xc0 && cp != 0xaa && cp != 0xb5 && cp != 0xba) || cp == 0xd7 || cp == 0xf7 ||
        (cp >= 0x2000 && cp <= 0x206f) || (cp >= 0x2190 && cp <= 0x2bff) ||
        (cp >= 0x3000 && cp <= 0x3004) || (cp >= 0x3008 && cp <= 0x3020) ||
        (cp >= 0xe000 && cp <= 0xf8ff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
        (cp >= 0xff01 && cp <= 0xff0f) || (cp >= 0xfff0 && cp <= 0xffff) ||
        (cp >= 0x1f000 && cp <= 0x1faff) || cp == 0xfeff || (cp >= 0xd800 && cp <= 0xdfff) ||
        cp > 0x10ffff)
        return false;
    return true;
}

std::string_view modifier_string(part_modifier m) {
    switch (m) {
    case part_modifier::optional:
        return "?";
    case part_modifier::zero_or_more:
        return "*";
    case part_modifier::one_or_more:
        return "+";
    default:
        return "";
    }
}

std::string escape_regexp_string(std::string_view in) {
    std::string out;
    for (char c : in) {
        if (std::string_view(".+*?^${}()[]|/\\").find(c) != std::string_view::npos)
            out += '\\';
        out += c;
    }
    return out;
}

std::string segment_wildcard_js(const pattern_options& options) {
    return "[^" + escape_regexp_string(options.delimiter) + "]+?";
}

class tokenizer {
public:
    tokenizer(std::string_view input, tokenize_policy policy)
        : input_(input)
        , policy_(policy) {}

    std::vector<token> run() {
        while (index_ < input_.size()) {
            next_ = index_;
            char32_t cp = next_code_point();
            if (cp == '*') {
                add_default(token_type::asterisk);
            } else if (cp == '+' || cp == '?') {
                add_default(token_type::other_modifier);
            } else if (cp == '\\') {
                if (index_ == input_.size() - 1) {
                    error(next_, index_);
                    continue;
                }
                std::size_t escaped_index = next_;
                next_code_point();
                add(token_type::escaped_char, next_, escaped_index, next_ - escaped_index);
            } else if (cp == '{') {
                add_default(token_type::open);
            } else if (cp == '}') {
                add_default(token_type::close);
            } else if (cp == ':') {
                name();
            } else if (cp == '(') {
                regexp();
            } else {
                add_default(token_type::character);
            }
        }
        add(token_type::end, index_, index_, 0);
        return std::move(tokens_);
    }

private:
    char32_t next_code_point() {
        auto [cp, len] = decode(input_, next_);
        next_ += len;
        return cp;
    }

    void add(token_type type, std::size_t next_position, std::size_t value_position,
             std::size_t length) {
        tokens_.push_back({type, index_, std::string(input_.substr(value_position, length))});
        index_ = next_position;
    }

    void add_default(token_type type) { add(type, next_, index_, next_ - index_); }

    void error(std::size_t next_position, std::size_t value_position) {
        if (policy_ == tokenize_policy::strict)
            throw pattern_error("invalid pattern syntax at offset " +
                                std::to_string(value_position));
        add(token_type::invalid_char, next_position, value_position,
            next_position - value_position);
    }

    void name() {
        std::size_t position = next_, start = position;
        while (position < input_.size()) {
            next_ = position;
            char32_t cp = next_code_point();
            if (!is_valid_name_code_point(cp, position == start))
                break;
            position = next_;
        }
        if (position <= start) {
            error(start, index_);
            return;
        }
        add(token_type::name, position, start, position - start);
    }

    void regexp() {
        int depth = 1;
        std::size_t position = next_, start = position;
        while (position < input_.size()) {
            next_ = position;
            char32_t cp = next_code_point();
            if (cp >= 0x80)
                return error(start, index_);
            if (position == start && cp == '?')
                return error(start, index_);
            if (cp == '\\') {
                if (position == input_.size() - 1)
                    return error(start, index_);
                if (next_code_point() >= 0x80)
                    return error(start, index_);
                position = next_;
                continue;
            }
            if (cp == ')') {
                if (--depth == 0) {
                    position = next_;
                    break;
                }
            } else if (cp == '(') {
                ++depth;
                if (position == input_.size() - 1)
                    return error(start, index_);
                std::size_t temporary = next_;
                // A nested group must be non-capturing: "(?".
                if (next_code_point() != '?')
                    return error(start, index_);
                next_ = temporary;
            }
            position = next_;
        }
        if (depth != 0)
            return error(start, index_);
        std::size_t length = position - start - 1;
        if (length == 0)
            return error(start, index_);
        add(token_type::regexp, position, start, length);
    }

    std::string_view input_;
    tokenize_policy policy_;
    std::vector<token> tokens_;
    std::size_t index_ = 0, next_ = 0;
};

class pattern_parser {
public:
    pattern_parser(std::string_view input, const pattern_options& options,
                   const encoding_callback& encode)
        : tokens_(tokenize(input, tokenize_policy::strict))
        , options_(options)
        , encode_(encode)
        , segment_wildcard_(segment_wildcard_js(options)) {}

    std::vector<part> run() {
        while (index_ < tokens_.size()) {
            const token* char_token = try_consume(token_type::character);
            const token* name_token = try_consume(token_type::name);
            const token* regexp_or_wildcard = try_consume_regexp_or_wildcard(name_token);
            if (name_token || regexp_or_wildcard) {
                std::string prefix = char_token ? char_token->value : "";
                if (!prefix.empty() && prefix != options_.prefix) {
                    pending_ += prefix;
                    prefix.clear();
                }
                flush_pending();
                const token* modifier = try_consume_modifier();
                add_part(prefix, name_token, regexp_or_wildcard, "", modifier);
                continue;
            }
            const token* fixed = char_token ? char_token : try_consume(token_type::escaped_char);
            if (fixed) {
                pending_ += fixed->value;
                continue;
            }
            if (try_consume(token_type::open)) {
                std::string prefix = consume_text();
                name_token = try_consume(token_type::name);
                regexp_or_wildcard = try_consume_regexp_or_wildcard(name_token);
                std::string suffix = consume_text();
                consume_required(token_type::close);
                const token* modifier = try_consume_modifier();
                add_part(prefix, name_token, regexp_or_wildcard, suffix, modifier);
                continue;
            }
            flush_pending();
            consume_required(token_type::end);
        }
        return std::move(parts_);
    }

private:
    const token* try_consume(token_type type) {
        if (index_ >= tokens_.size() || tokens_[index_].type != type)
            return nullptr;
        return &tokens_[index_++];
    }

    const token* try_consume_modifier() {
        const token* t = try_consume(token_type::other_modifier);
        return t ? t : try_consume(token_type::asterisk);
    }

    const token* try_consume_regexp_or_wildcard(const token* name_token) {
        const token* t = try_consume(token_type::regexp);
        if (!name_token && !t)
            t = try_consume(token_type::asterisk);
        return t;
    }

    void consume_required(token_type type) {
        if (!try_consume(type))
            throw pattern_error("unexpected token in pattern");
    }

    std::string consume_text() {
        std::string result;
        for (;;) {
            const token* t = try_consume(token_type::character);
            if (!t)
                t = try_consume(token_type::escaped_char);
            if (!t)
                return result;
            result += t->value;
        }
    }

    void flush_pending() {
        if (pending_.empty())
            return;
        part p;
        p.value = encode_(pending_);
        pending_.clear();
        parts_.push_back(std::move(p));
    }

    void add_part(const std::string& prefix, const token* name_token,
                  const token* regexp_or_wildcard, const std::string& suffix,
                  const token* modifier_token) {
        part_modifier modifier = part_modifier::none;
        if (modifier_token) {
            modifier = modifier_token->value == "?"   ? part_modifier::optional
                       : modifier_token->value == "*" ? part_modifier::zero_or_more
                                                      : part_modifier::one_or_more;
        }
        if (!name_token && !regexp_or_wildcard && modifier == part_modifier::none) {
            pending_ += prefix;
            return;
        }
        flush_pending();
        if (!name_token && !regexp_or_wildcard) {
            if (prefix.empty())
                return;
            part p;
            p.value = encode_(prefix);
            p.modifier = modifier;
            parts_.push_back(std::move(p));
            return;
        }
        std::string regexp_value;
        if (!regexp_or_wildcard)
            regexp_value = segment_wildcard_;
        else if (regexp_or_wildcard->type == token_type::asterisk)
            regexp_value = ".*";
        else
            regexp_value = regexp_or_wildcard->value;
        part p;
        p.type = part_type::regexp;
        if (regexp_value == segment_wildcard_) {
            p.type = part_type::segment_wildcard;
            regexp_value.clear();
        } else if (regexp_value == ".*") {
            p.type = part_type::full_wildcard;
            regexp_value.clear();
        }
        p.value = std::move(regexp_value);
        p.modifier = modifier;
        if (name_token)
            p.name = name_token->value;
        else
            p.name = std::to_string(next_numeric_name_++);
        for (const auto& other : parts_)
            if (other.type != part_type::fixed_text && other.name == p.name)
                throw pattern_error("duplicate group name '" + p.name + "'");
        p.prefix = encode_(prefix);
        p.suffix = encode_(suffix);
        parts_.push_back(std::move(p));
    }

    std::vector<token> tokens_;
    const pattern_options& options_;
    const encoding_callback& encode_;
    std::string segment_wildcard_;
    std::vector<part> parts_;
    std::string pending_;
    std::size_t index_ = 0;
    unsigned next_numeric_name_ = 0;
};

void append_code_point_escape(std::string& out, std::uint32_t cp) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string digits;
    do {
        digits.insert(digits.begin(), hex[cp & 0xf]);
        cp >>= 4;
    } while (cp);
    out += "\\x{" + digits + "}";
}

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

} // namespace

std::vector<token> tokenize(std::string_view input, tokenize_policy policy) {
    return tokenizer(input, policy).run();
}

std::vector<part> parse_pattern_string(std::string_view input, const pattern_options& options,
                                       const encoding_callback& encode) {
    return pattern_parser(input, options, encode).run();
}

std::string escape_pattern_string(std::string_view input) {
    std::string out;
    for (char c : input) {
        if (std::string_view("+*?:{}()\\").find(c) != std::string_view::npos)
            out += '\\';
        out += c;
    }
    return out;
}

std::string translate_regexp(std::string_view js) {
    std::string out;
    bool in_class = false;
    for (std::size_t i = 0; i < js.size(); ++i) {
        char c = js[i];
        if (c == '\\') {
            if (i + 1 >= js.size())
                throw pattern_error("regexp group ends with a backslash");
            char e = js[++i];
            if (e >= '1' && e <= '9')
                throw pattern_error("backreferences are not supported (RE2)");
            if (e == 'k')
                throw pattern_error("named backreferences are not supported (RE2)");
            if (e == '0') {
                out += "\\x{0}";
            } else if (e == 'u') {
                std::uint32_t cp = 0;
                if (i + 1 < js.size() && js[i + 1] == '{') {
                    std::size_t close = js.find('}', i + 2);
                    if (close == std::string_view::npos || close == i + 2 || close - i - 2 > 6)
                        throw pattern_error("malformed \\u{...} escape in regexp group");
                    for (std::size_t k = i + 2; k < close; ++k) {
                        if (!is_hex(js[k]))
                            throw pattern_error("malformed \\u{...} escape in regexp group");
                        cp = cp * 16 + static_cast<std::uint32_t>(
                                           std::stoul(std::string(1, js[k]), nullptr, 16));
                    }
                    if (cp > 0x10ffff)
                        throw pattern_error("code point out of range in regexp group");
                    i = close;
                } else {
                    auto four = [&](std::size_t at, std::uint32_t& v) {
                        if (at + 4 > js.size())
                            return false;
                        v = 0;
                        for (std::size_t k = at; k < at + 4; ++k) {
                            if (!is_hex(js[k]))
                                return false;
                            v = v * 16 + static_cast<std::uint32_t>(
                                             std::stoul(std::string(1, js[k]), nullptr, 16));
                        }
                        return true;
                    };
                    if (!four(i + 1, cp))
                        throw pattern_error("malformed \\u escape in regexp group");
                    i += 4;
                    std::uint32_t low = 0;
                    if (cp >= 0xd800 && cp <= 0xdbff && i + 2 < js.size() && js[i + 1] == '\\' &&
                        js[i + 2] == 'u' && four(i + 3, low) && low >= 0xdc00 && low <= 0xdfff) {
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                        i += 6;
                    }
                    if (cp >= 0xd800 && cp <= 0xdfff)
                        throw pattern_error("lone surrogate in regexp group");
                }
                append_code_point_escape(out, cp);
            } else if (e == 'c' && i + 1 < js.size() &&
                       ((js[i + 1] >= 'a' && js[i + 1] <= 'z') ||
                        (js[i + 1] >= 'A' && js[i + 1] <= 'Z'))) {
                append_code_point_escape(out, static_cast<std::uint32_t>(js[++i]) % 32);
            } else {
                out += '\\';
                out += e;
            }
            continue;
        }
        if (in_class) {
            if (c == ']')
                in_class = false;
            // The standard compiles with JavaScript's v flag, where a class may
            // nest classes and combine them with "--" and "&&". RE2 has no set
            // operations; refusing beats reading them as literal characters.
            if (c == '[' || ((c == '-' || c == '&') && i + 1 < js.size() && js[i + 1] == c))
                throw pattern_error(
                    "nested character classes and class set operations (v flag) are not "
                    "supported (RE2)");
            out += c;
            continue;
        }
        if (c == '[') {
            if (js.substr(i, 3) == "[^]") {
                out += "[\\x{0}-\\x{10FFFF}]";
                i += 2;
                continue;
            }
            if (js.substr(i, 2) == "[]") {
                out += "[^\\x{0}-\\x{10FFFF}]";
                i += 1;
                continue;
            }
            in_class = true;
            out += c;
            if (i + 1 < js.size() && js[i + 1] == '^')
                out += js[++i];
            // A ']' first in a class closes it in JavaScript (an empty class).
            continue;
        }
        if (c == '(' && i + 1 < js.size() && js[i + 1] == '?') {
            auto rest = js.substr(i + 2);
            if (rest.substr(0, 1) == "=" || rest.substr(0, 1) == "!" || rest.substr(0, 2) == "<=" ||
                rest.substr(0, 2) == "<!")
                throw pattern_error("lookahead and lookbehind are not supported (RE2)");
            if (rest.substr(0, 1) == "<") {
                out += "(?P<";
                i += 2;
                continue;
            }
        }
        out += c;
    }
    return out;
}

std::string generate_regexp(const std::vector<part>& parts, const pattern_options& options) {
    // The standard's segment wildcard is "[^<delimiter>]+?"; with no delimiter
    // JavaScript's "[^]" (any code point) has no RE2 spelling but this one.
    const std::string segment_wildcard =
        options.delimiter.empty() ? std::string("[\\x{0}-\\x{10FFFF}]+?")
                                  : "[^" + escape_regexp_string(options.delimiter) + "]+?";
    std::string result = "^";
    for (const auto& p : parts) {
        if (p.type == part_type::fixed_text) {
            if (p.modifier == part_modifier::none)
                result += escape_regexp_string(p.value);
            else
                result += "(?:" + escape_regexp_string(p.value) + ")" +
                          std::string(modifier_string(p.modifier));
            continue;
        }
        std::string value = p.type == part_type::segment_wildcard ? segment_wildcard
                            : p.type == part_type::full_wildcard
                                ? std::string("[\\x{0}-\\x{10FFFF}]*")
                                : translate_regexp(p.value);
        const std::string modifier(modifier_string(p.modifier));
        const bool single =
            p.modifier == part_modifier::none || p.modifier == part_modifier::optional;
        if (p.prefix.empty() && p.suffix.empty()) {
            if (single)
                result += "(" + value + ")" + modifier;
            else
                result += "((?:" + value + ")" + modifier + ")";
            continue;
        }
        const std::string prefix = escape_regexp_string(p.prefix),
                          suffix = escape_regexp_string(p.suffix);
        if (single) {
            result += "(?:" + prefix + "(" + value + ")" + suffix + ")" + modifier;
            continue;
        }
        result += "(?:" + prefix + "((?:" + value + ")(?:" + suffix + prefix + "(?:" + value +
                  "))*)" + suffix + ")";
        if (p.modifier == part_modifier::zero_or_more)
            result += "?";
    }
    return result + "$";
}

std::string generate_pattern_string(const std::vector<part>& parts,
                                    const pattern_options& options) {
    auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    auto first_is_name_char = [](const std::string& s) {
        return !s.empty() && is_valid_name_code_point(decode(s, 0).first, false);
    };
    std::string result;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const part& p = parts[i];
        const part* previous = i > 0 ? &parts[i - 1] : nullptr;
        const part* next = i + 1 < parts.size() ? &parts[i + 1] : nullptr;
        if (p.type == part_type::fixed_text) {
            if (p.modifier == part_modifier::none)
                result += escape_pattern_string(p.value);
            else
                result += "{" + escape_pattern_string(p.value) + "}" +
                          std::string(modifier_string(p.modifier));
            continue;
        }
        const bool custom_name = !is_digit(p.name[0]);
        bool needs_grouping =
            !p.suffix.empty() || (!p.prefix.empty() && p.prefix != options.prefix);
        if (!needs_grouping && custom_name && p.type == part_type::segment_wildcard &&
            p.modifier == part_modifier::none && next && next->prefix.empty() &&
            next->suffix.empty()) {
            if (next->type == part_type::fixed_text)
                needs_grouping = first_is_name_char(next->value);
            else
                needs_grouping = is_digit(next->name[0]);
        }
        if (!needs_grouping && p.prefix.empty() && previous &&
            previous->type == part_type::fixed_text && !previous->value.empty() &&
            !options.prefix.empty() && previous->value.back() == options.prefix[0])
            needs_grouping = true;
        if (needs_grouping)
            result += "{";
        result += escape_pattern_string(p.prefix);
        if (custom_name)
            result += ":" + p.name;
        if (p.type == part_type::regexp) {
            result += "(" + p.value + ")";
        } else if (p.type == part_type::segment_wildcard && !custom_name) {
            result += "(" + segment_wildcard_js(options) + ")";
        } else if (p.type == part_type::full_wildcard) {
            if (!custom_name &&
                (!previous || previous->type == part_type::fixed_text ||
                 previous->modifier != part_modifier::none || needs_grouping || !p.prefix.empty()))
                result += "*";
            else
                result += "(.*)";
        }
        if (p.type == part_type::segment_wildcard && custom_name && first_is_name_char(p.suffix))
            result += "\\";
        result += escape_pattern_string(p.suffix);
        if (needs_grouping)
            result += "}";
        result += modifier_string(p.modifier);
    }
    return result;
}

} // namespace herald::match::detail
