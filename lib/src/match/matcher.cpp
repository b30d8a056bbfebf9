#include "herald/match/matcher.hpp"

#include <cstdint>
#include <utility>

namespace herald::match {

std::optional<matcher_type> matcher_type_from_name(std::string_view name) noexcept {
    if (name == "exact") {
        return matcher_type::exact;
    }
    if (name == "urlpattern") {
        return matcher_type::urlpattern;
    }
    if (name == "uritemplate") {
        return matcher_type::uritemplate;
    }
    return std::nullopt;
}

std::string_view matcher_type_name(matcher_type type) noexcept {
    switch (type) {
    case matcher_type::exact:
        return "exact";
    case matcher_type::urlpattern:
        return "urlpattern";
    case matcher_type::uritemplate:
        return "uritemplate";
    }
    return "exact";
}

topic::topic(std::string value, std::shared_ptr<const url> base)
    : value_(std::move(value))
    , base_(std::move(base)) {}

const url* topic::as_url() const {
    if (!parsed_) {
        url_ = url::parse(value_, base_.get());
        parsed_ = true;
    }
    return url_ ? &*url_ : nullptr;
}

bool matcher::matches(const topic& t) const {
    if (wildcard_) {
        return true;
    }
    switch (type_) {
    case matcher_type::exact:
        return t.value() == pattern_;
    case matcher_type::uritemplate:
        // As draft-07 hubs do: the selector's own text names that topic too,
        // so `https://example.com/{id}` also matches itself.
        return t.value() == pattern_ || template_->matches(t.value());
    case matcher_type::urlpattern: {
        // A topic that is not a URL never matches a URL pattern (spec).
        const url* u = t.as_url();
        return u != nullptr && url_pattern_->test(*u);
    }
    }
    return false;
}

namespace {

// Decodes one UTF-8 code point at s[i]; returns its length, or 0 when the
// bytes are not well-formed UTF-8 (overlong forms, surrogates, > U+10FFFF).
std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& cp) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    }
    std::size_t n = 0;
    char32_t min = 0;
    if ((b0 & 0xE0) == 0xC0) {
        n = 2, cp = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        n = 3, cp = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        n = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (i + n > s.size()) {
        return 0;
    }
    for (std::size_t k = 1; k < n; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return n;
}

// Unicode general category Cf (format characters), Unicode 15.
bool is_format_character(char32_t c) {
    static constexpr std::pair<char32_t, char32_t> ranges[] = {
        {0x00AD, 0x00AD},   {0x0600, 0x0605},   {0x061C, 0x061C},   {0x06DD, 0x06DD},
        {0x070F, 0x070F},   {0x0890, 0x0891},   {0x08E2, 0x08E2},   {0x180E, 0x180E},
        {0x200B, 0x200F},   {0x202A, 0x202E},   {0x2060, 0x2064},   {0x2066, 0x206F},
        {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},   {0x110BD, 0x110BD}, {0x110CD, 0x110CD},
        {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001},
        {0xE0020, 0xE007F},
    };
    for (const auto& [lo, hi] : ranges) {
        if (c >= lo && c <= hi) {
            return true;
        }
    }
    return false;
}

std::string check_characters(std::string_view pattern) {
    for (std::size_t i = 0; i < pattern.size();) {
        char32_t c = 0;
        const std::size_t n = decode_utf8(pattern, i, c);
        if (n == 0) {
            return "the pattern is not valid UTF-8 (byte " + std::to_string(i) + ")";
        }
        if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F)) {
            return "the pattern contains a control character (byte " + std::to_string(i) + ")";
        }
        if (is_format_character(c)) {
            return "the pattern contains a Unicode format character (byte " + std::to_string(i) +
                   ")";
        }
        i += n;
    }
    return {};
}

} // namespace

struct compile_access {
    static compile_result run(matcher_type type, std::string_view pattern,
                              std::string_view base_url, const matcher_limits& limits) {
        if (pattern.size() > limits.max_pattern_bytes) {
            return {nullptr, "the pattern is longer than " +
                                 std::to_string(limits.max_pattern_bytes) + " bytes"};
        }
        if (limits.check_characters) {
            if (std::string error = check_characters(pattern); !error.empty()) {
                return {nullptr, std::move(error)};
            }
        }
        // `*` is recognised before the type: it is the wildcard for all of them.
        std::shared_ptr<matcher> m(new matcher(type, std::string(pattern)));
        if (pattern == "*") {
            m->wildcard_ = true;
            return {std::move(m), {}};
        }
        std::string error;
        switch (type) {
        case matcher_type::exact:
            break;
        case matcher_type::uritemplate: {
            uri_template_limits l;
            l.max_template_bytes = limits.max_pattern_bytes;
            l.max_expressions = limits.max_template_expressions;
            l.max_variables = limits.max_template_variables;
            l.max_program_size = limits.max_program_size;
            m->template_ = uri_template::compile(pattern, error, l);
            if (!m->template_) {
                return {nullptr, "invalid URI template: " + error};
            }
            break;
        }
        case matcher_type::urlpattern: {
            url_pattern_limits l;
            l.max_pattern_bytes = limits.max_pattern_bytes;
            l.max_program_size = limits.max_program_size;
            m->url_pattern_ = url_pattern::compile(pattern, base_url, error, l);
            if (!m->url_pattern_) {
                return {nullptr, "invalid URL pattern: " + error};
            }
            break;
        }
        }
        return {std::move(m), {}};
    }
};

compile_result compile(matcher_type type, std::string_view pattern, std::string_view base_url,
                       const matcher_limits& limits) {
    return compile_access::run(type, pattern, base_url, limits);
}

bool covers_any(std::span<const matcher_ptr> matchers, std::span<const topic> topics) {
    for (const matcher_ptr& m : matchers) {
        if (!m) {
            continue;
        }
        for (const topic& t : topics) {
            if (m->matches(t)) {
                return true;
            }
        }
    }
    return false;
}

bool covers_all(std::span<const matcher_ptr> matchers, std::span<const topic> topics) {
    if (topics.empty()) {
        return false;
    }
    for (const topic& t : topics) {
        bool covered = false;
        for (const matcher_ptr& m : matchers) {
            if (m && m->matches(t)) {
                covered = true;
                break;
            }
        }
        if (!covered) {
            return false;
        }
    }
    return true;
}

compile_result compile_topic_selector(std::string_view selector, const matcher_limits& limits) {
    if (selector.find('{') != std::string_view::npos &&
        selector.size() <= limits.max_pattern_bytes) {
        if (compile_result r = compile(matcher_type::uritemplate, selector, {}, limits)) {
            return r;
        }
    }
    return compile(matcher_type::exact, selector, {}, limits);
}

} // namespace herald::match
