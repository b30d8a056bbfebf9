// RFC 6570 templates compiled to one RE2 expression that accepts exactly the
// strings some variable values expand the template to (give or take the
// approximations listed in docs/matchers.md, which only ever concern prefix
// lengths of multibyte characters).
//
// For each expression the compiler builds, per variable, the language of its
// possible expansions, and joins them as the operator does: the operator's
// first string, then the defined variables in order, separated by the
// operator's separator. An undefined variable (or empty list or map) is
// skipped; if none is defined, the expression expands to nothing.
#include "herald/match/uri_template.hpp"

#include "herald/detail/hex.hpp"
#include "herald/text.hpp"

#include <re2/re2.h>

#include <string>
#include <vector>

namespace herald::match {

namespace {

struct operator_spec {
    char op;                // '\0' for simple expansion
    std::string_view first; // written before the first defined variable
    std::string_view sep;   // written between variables
    bool named;             // `name=value` pairs
    bool empty_with_equals; // a named empty value is `name=` (else `name`)
    bool reserved;          // reserved characters and escapes pass through
};

constexpr operator_spec operators[] = {
    {'\0', "", ",", false, false, false}, {'+', "", ",", false, false, true},
    {'#', "#", ",", false, false, true},  {'.', ".", ".", false, false, false},
    {'/', "/", "/", false, false, false}, {';', ";", ";", true, false, false},
    {'?', "?", "&", true, true, false},   {'&', "&", "&", true, true, false},
};

// Longest prefix (`{var:n}`) whose length is checked exactly.
constexpr int max_exact_prefix = 100;

struct varspec {
    std::string name;
    int prefix = 0; // 0: none
    bool explode = false;
};

bool is_alnum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

constexpr auto is_hex = herald::detail::is_hex_digit;

// The ASCII characters RFC 6570 allows in literals (outside pct-encoded),
// plus the apostrophe: a sub-delim in URIs that the grammar leaves out but
// the RFC's own examples (`'{var}'`) and the test suite use.
bool is_literal_ascii(unsigned char c) {
    return c == 0x21 || c == 0x23 || c == 0x24 || c == 0x26 || c == 0x27 ||
           (c >= 0x28 && c <= 0x3B) || c == 0x3D || (c >= 0x3F && c <= 0x5B) || c == 0x5D ||
           c == 0x5F || (c >= 0x61 && c <= 0x7A) || c == 0x7E;
}

// ucschar and iprivate (RFC 3987), the non-ASCII characters a literal may hold.
bool is_literal_unicode(char32_t c) {
    if (c >= 0xA0 && c <= 0xD7FF) {
        return true;
    }
    if (c >= 0xE000 && c <= 0xFDCF) { // iprivate E000-F8FF, then ucschar F900-FDCF
        return true;
    }
    if (c >= 0xFDF0 && c <= 0xFFEF) {
        return true;
    }
    if (c >= 0x10000 && c <= 0x10FFFD && (c & 0xFFFF) <= 0xFFFD) {
        return !(c >= 0xE0000 && c <= 0xE0FFF);
    }
    return false;
}

std::string quote(std::string_view s) {
    return RE2::QuoteMeta(re2::StringPiece(s.data(), s.size()));
}

constexpr std::string_view pct = "%[0-9A-Fa-f]{2}";
constexpr std::string_view unreserved = "A-Za-z0-9\\-._~";
constexpr std::string_view reserved = ":/?#\\[\\]@!$&'()*+,;=";

// One encoded character of a value: an allowed character or an escape. The
// extra characters are joiners the operator writes between list items.
std::string value_char(const operator_spec& op, std::string_view extra = {}) {
    std::string r = "(?:[";
    r += unreserved;
    if (op.reserved) {
        r += reserved;
    }
    r += extra;
    r += "]|";
    r += pct;
    r += ')';
    return r;
}

// A prefix of at most n characters of a string value. A character becomes
// one allowed byte or one to four escapes (its UTF-8 bytes).
std::string prefix_value(const operator_spec& op, int n) {
    std::string r = "(?:[";
    r += unreserved;
    if (op.reserved) {
        r += reserved;
    }
    r += "]|(?:";
    r += pct;
    r += "){1,4}){0,";
    r += std::to_string(n);
    r += '}';
    return r;
}

// What one variable may expand to, as a regular expression, without the
// operator's first string or separator.
std::string variable_language(const operator_spec& op, const varspec& v) {
    const std::string sep = quote(op.sep);
    if (!op.named) {
        if (v.prefix > 0) {
            return prefix_value(op, v.prefix);
        }
        if (v.explode) {
            // A list's items joined by the separator, or a map's key=value
            // pairs joined by it.
            const std::string item = value_char(op) + "*(?:=" + value_char(op) + "*)?";
            return "(?:" + item + "(?:" + sep + item + ")*)";
        }
        // A string, or a list or map joined with commas.
        return value_char(op, ",") + "*";
    }
    const std::string name = quote(v.name);
    if (v.explode) {
        // A list: name=item pairs; a map: key=value pairs; joined by the separator.
        const std::string pair = op.empty_with_equals
                                     ? value_char(op) + "*=" + value_char(op) + "*"
                                     : value_char(op) + "*(?:=" + value_char(op) + "*)?";
        return "(?:" + pair + "(?:" + sep + pair + ")*)";
    }
    const std::string value = v.prefix > 0 ? prefix_value(op, v.prefix) : value_char(op, ",") + "*";
    if (op.empty_with_equals) {
        return name + "=" + value;
    }
    return name + "(?:=" + value + ")?";
}

class parser {
public:
    parser(std::string_view text, const uri_template_limits& limits)
        : text_(text)
        , limits_(limits) {}

    bool run(std::string& out, std::string& error) {
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c == '{') {
                if (++expressions_ > limits_.max_expressions) {
                    return fail(error, "more than " + std::to_string(limits_.max_expressions) +
                                           " expressions");
                }
                if (!expression(out, error)) {
                    return false;
                }
            } else if (!literal(out, error)) {
                return false;
            }
        }
        return true;
    }

    /// The bytes every match starts with: the template's leading literal
    /// text, up to the first expression or non-ASCII literal.
    std::string_view literal_prefix() const { return text_.substr(0, prefix_bytes_); }
    /// The whole template is such literal text: matching is comparing.
    bool all_literal() const { return literal_run_; }

private:
    void keep_literal(std::size_t n) {
        if (literal_run_) {
            prefix_bytes_ += n;
        }
    }

    bool fail(std::string& error, std::string message) const {
        error = std::move(message) + " at byte " + std::to_string(pos_);
        return false;
    }

    bool literal(std::string& out, std::string& error) {
        const unsigned char c = static_cast<unsigned char>(text_[pos_]);
        if (c == '%') {
            if (pos_ + 2 >= text_.size() || !is_hex(text_[pos_ + 1]) || !is_hex(text_[pos_ + 2])) {
                return fail(error, "'%' not followed by two hexadecimal digits");
            }
            out += quote(text_.substr(pos_, 3));
            keep_literal(3);
            pos_ += 3;
            return true;
        }
        if (c < 0x80) {
            if (c == '}') {
                return fail(error, "'}' without an opening '{'");
            }
            if (!is_literal_ascii(c)) {
                return fail(error, c < 0x20 || c == 0x7F
                                       ? std::string("control character")
                                       : std::string("character '") + static_cast<char>(c) +
                                             "' is not allowed in a URI template");
            }
            out += quote(text_.substr(pos_, 1));
            keep_literal(1);
            ++pos_;
            return true;
        }
        char32_t cp = 0;
        const std::size_t n = decode_utf8(text_, pos_, cp);
        if (n == 0) {
            return fail(error, "invalid UTF-8");
        }
        if (!is_literal_unicode(cp)) {
            return fail(error, "character not allowed in a URI template");
        }
        // Expansion percent-encodes a non-ASCII literal; topics are often
        // IRIs that keep it raw. Both spellings match.
        literal_run_ = false;
        out += "(?:";
        out += quote(text_.substr(pos_, n));
        out += '|';
        static constexpr char hex[] = "0123456789ABCDEF";
        for (std::size_t k = 0; k < n; ++k) {
            const auto byte = static_cast<unsigned char>(text_[pos_ + k]);
            const char hi = hex[byte >> 4], lo = hex[byte & 0xF];
            out += '%';
            out += (hi >= 'A') ? std::string("[") + hi + static_cast<char>(hi + 32) + "]"
                               : std::string(1, hi);
            out += (lo >= 'A') ? std::string("[") + lo + static_cast<char>(lo + 32) + "]"
                               : std::string(1, lo);
        }
        out += ')';
        pos_ += n;
        return true;
    }

    bool expression(std::string& out, std::string& error) {
        ++pos_; // '{'
        if (pos_ >= text_.size()) {
            return fail(error, "unclosed '{'");
        }
        const operator_spec* op = &operators[0];
        const char c = text_[pos_];
        for (const operator_spec& candidate : operators) {
            if (candidate.op != '\0' && candidate.op == c) {
                op = &candidate;
                ++pos_;
                break;
            }
        }
        if (c == '=' || c == ',' || c == '!' || c == '@' || c == '|') {
            return fail(error, std::string("operator '") + c + "' is reserved");
        }
        std::vector<varspec> vars;
        for (;;) {
            varspec v;
            if (!variable(v, error)) {
                return false;
            }
            vars.push_back(std::move(v));
            if (++variables_ > limits_.max_variables) {
                return fail(error,
                            "more than " + std::to_string(limits_.max_variables) + " variables");
            }
            if (pos_ >= text_.size()) {
                return fail(error, "unclosed '{'");
            }
            if (text_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (text_[pos_] == '}') {
                ++pos_;
                break;
            }
            return fail(error, std::string("unexpected '") + text_[pos_] + "' in an expression");
        }
        literal_run_ = false;
        out += join(*op, vars);
        return true;
    }

    // varname = varchar *( ["."] varchar ); varchar = ALPHA / DIGIT / "_" / pct-encoded
    bool variable(varspec& v, std::string& error) {
        const std::size_t start = pos_;
        bool after_dot = true; // a name cannot start with '.'
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (is_alnum(c) || c == '_') {
                ++pos_;
                after_dot = false;
            } else if (c == '%') {
                if (pos_ + 2 >= text_.size() || !is_hex(text_[pos_ + 1]) ||
                    !is_hex(text_[pos_ + 2])) {
                    return fail(error, "'%' not followed by two hexadecimal digits");
                }
                pos_ += 3;
                after_dot = false;
            } else if (c == '.') {
                if (after_dot) {
                    return fail(error, "invalid variable name");
                }
                ++pos_;
                after_dot = true;
            } else {
                break;
            }
        }
        if (pos_ == start) {
            if (pos_ >= text_.size()) {
                return fail(error, "unclosed '{'");
            }
            return fail(error, pos_ < text_.size() && text_[pos_] == '}'
                                   ? std::string("empty variable name")
                                   : std::string("invalid variable name"));
        }
        if (after_dot) {
            return fail(error, "a variable name cannot end with '.'");
        }
        v.name = std::string(text_.substr(start, pos_ - start));
        if (pos_ < text_.size() && text_[pos_] == '*') {
            v.explode = true;
            ++pos_;
        } else if (pos_ < text_.size() && text_[pos_] == ':') {
            ++pos_;
            // max-length = %x31-39 0*3DIGIT: 1 to 9999
            const std::size_t digits = pos_;
            int n = 0;
            while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9' &&
                   pos_ - digits < 5) {
                n = n * 10 + (text_[pos_] - '0');
                ++pos_;
            }
            if (pos_ == digits || text_[digits] == '0' || pos_ - digits > 4) {
                return fail(error, "a prefix length must be 1 to 9999");
            }
            // Past max_exact_prefix the bound is dropped: a regular
            // expression counting thousands of characters costs more than
            // the precision is worth (docs/matchers.md).
            v.prefix = n <= max_exact_prefix ? n : 0;
        }
        return true;
    }

    static std::string join(const operator_spec& op, const std::vector<varspec>& vars) {
        std::vector<std::string> langs;
        langs.reserve(vars.size());
        for (const varspec& v : vars) {
            langs.push_back("(?:" + variable_language(op, v) + ")");
        }
        const std::string first = quote(op.first), sep = quote(op.sep);
        std::string r;
        if (op.first == op.sep) {
            // Every defined variable is written after the same string.
            for (const std::string& l : langs) {
                r += "(?:" + sep + l + ")?";
            }
            return r;
        }
        // The first defined variable follows `first`, later ones `sep`.
        r = "(?:" + first + "(?:";
        for (std::size_t i = 0; i < langs.size(); ++i) {
            if (i > 0) {
                r += '|';
            }
            r += langs[i];
            for (std::size_t j = i + 1; j < langs.size(); ++j) {
                r += "(?:" + sep + langs[j] + ")?";
            }
        }
        r += "))?";
        return r;
    }

    std::string_view text_;
    const uri_template_limits& limits_;
    std::size_t pos_ = 0;
    std::size_t expressions_ = 0;
    std::size_t variables_ = 0;
    std::size_t prefix_bytes_ = 0;
    bool literal_run_ = true;
};

} // namespace

std::optional<uri_template> uri_template::compile(std::string_view text, std::string& error,
                                                  const uri_template_limits& limits) {
    if (text.size() > limits.max_template_bytes) {
        error =
            "the template is longer than " + std::to_string(limits.max_template_bytes) + " bytes";
        return std::nullopt;
    }
    std::string regex;
    parser p(text, limits);
    if (!p.run(regex, error)) {
        return std::nullopt;
    }
    RE2::Options options;
    // Topics are bytes: Latin-1 mode matches them byte by byte, and the
    // template's non-ASCII literals were quoted byte by byte.
    options.set_encoding(RE2::Options::EncodingLatin1);
    options.set_never_capture(true);
    options.set_log_errors(false);
    options.set_max_mem(2 << 20);
    auto re = std::make_shared<const RE2>(regex, options);
    if (!re->ok()) {
        error = "the template is too complex to compile (" + re->error() + ")";
        return std::nullopt;
    }
    if (re->ProgramSize() > limits.max_program_size) {
        error = "the template is too complex: its program size " +
                std::to_string(re->ProgramSize()) + " is over the limit of " +
                std::to_string(limits.max_program_size);
        return std::nullopt;
    }
    uri_template t;
    t.re_ = std::move(re);
    t.literal_prefix_ = std::string(p.literal_prefix());
    t.all_literal_ = p.all_literal();
    return t;
}

bool uri_template::matches(std::string_view input) const {
    // Most templates start with a long literal (a scheme and host); checking
    // it first turns most misses into a memcmp.
    if (!re_ || !input.starts_with(literal_prefix_)) {
        return false;
    }
    if (all_literal_) {
        return input.size() == literal_prefix_.size();
    }
    return RE2::FullMatch(re2::StringPiece(input.data(), input.size()), *re_);
}

const std::string& uri_template::regex() const {
    static const std::string none;
    return re_ ? re_->pattern() : none;
}

} // namespace herald::match
