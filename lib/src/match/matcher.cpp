#include "herald/match/matcher.hpp"

#include "herald/text.hpp"

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

std::string_view matcher::literal_prefix() const noexcept {
    if (wildcard_) {
        return {};
    }
    switch (type_) {
    case matcher_type::exact:
        return pattern_;
    case matcher_type::uritemplate:
        // Also a prefix of the pattern itself, which the template matches too.
        return template_->literal_prefix();
    case matcher_type::urlpattern:
        // Topics are resolved and canonicalised before matching: no bytes of
        // the raw topic are known in advance.
        return {};
    }
    return {};
}

namespace {

std::string check_characters(std::string_view pattern) {
    const text_fault fault = check_text(pattern);
    const std::string at = " (byte " + std::to_string(fault.offset) + ")";
    switch (fault.kind) {
    case text_fault::none:
        return {};
    case text_fault::invalid_utf8:
        return "the pattern is not valid UTF-8" + at;
    case text_fault::control_character:
        return "the pattern contains a control character" + at;
    case text_fault::format_character:
        return "the pattern contains a Unicode format character" + at;
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
