// URL Pattern: a pattern's components canonicalised and compiled to RE2, and
// the standard's match algorithm (test only; groups are not extracted).
#include "herald/match/url_pattern.hpp"

#include "url_detail.hpp"
#include "url_pattern_detail.hpp"

#include <re2/re2.h>

#include <array>

namespace herald::match {

using detail::pattern_error;

namespace {

constexpr std::array<std::string_view, 6> special_schemes{"ftp",   "file", "http",
                                                          "https", "ws",   "wss"};

std::string default_port_string(std::string_view scheme) {
    auto port = detail::default_port(scheme);
    return port ? std::to_string(*port) : std::string();
}

// The standard's canonicalisation callbacks. Each runs the URL parser on a
// dummy URL, as the standard does, and throws pattern_error on failure.

std::string canonicalize_protocol(std::string_view value) {
    if (value.empty())
        return {};
    detail::url_record dummy;
    if (!detail::basic_parse(std::string(value) + "://dummy.test", nullptr, dummy))
        throw pattern_error("invalid protocol '" + std::string(value) + "'");
    return dummy.scheme;
}

std::string canonicalize_userinfo(std::string_view value) {
    std::string out;
    detail::percent_encode(out, value, detail::encode_set::userinfo);
    return out;
}

// The parser's hostname state, entered directly: tabs and newlines drop out,
// the host ends at '/', '?', '#' (and '\\' if special) and what follows is
// ignored, as the standard's URL setters do; a ':' outside brackets fails.
std::string canonicalize_hostname(std::string_view value, bool special) {
    std::string buffer;
    bool inside_brackets = false;
    for (char c : value) {
        if (c == '\t' || c == '\n' || c == '\r')
            continue;
        if (c == '/' || c == '?' || c == '#' || (special && c == '\\'))
            break;
        if (c == ':' && !inside_brackets)
            throw pattern_error("invalid hostname '" + std::string(value) + "'");
        if (c == '[')
            inside_brackets = true;
        if (c == ']')
            inside_brackets = false;
        buffer += c;
    }
    if (buffer.empty()) {
        if (special && !value.empty())
            throw pattern_error("invalid hostname '" + std::string(value) + "'");
        return {};
    }
    auto host = detail::parse_host(buffer, !special);
    if (!host)
        throw pattern_error("invalid hostname '" + std::string(value) + "'");
    return *host;
}

std::string canonicalize_ipv6_hostname(std::string_view value) {
    std::string out;
    for (char c : value) {
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!hex && c != '[' && c != ']' && c != ':')
            throw pattern_error("invalid IPv6 hostname '" + std::string(value) + "'");
        out += static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
    }
    return out;
}

// The parser's port state, entered directly: the leading digits are the
// port and the rest is ignored (as the URL setter does); no digits fails.
std::string canonicalize_port(std::string_view value, std::optional<std::string_view> protocol) {
    if (value.empty())
        return {};
    unsigned long port = 0;
    bool digits = false;
    for (char c : value) {
        if (c == '\t' || c == '\n' || c == '\r')
            continue;
        if (c < '0' || c > '9')
            break;
        digits = true;
        port = port * 10 + static_cast<unsigned>(c - '0');
        if (port > 65535)
            throw pattern_error("invalid port '" + std::string(value) + "'");
    }
    if (!digits)
        throw pattern_error("invalid port '" + std::string(value) + "'");
    if (protocol && detail::default_port(*protocol) == port)
        return {};
    return std::to_string(port);
}

std::string canonicalize_pathname(std::string_view value) {
    if (value.empty())
        return {};
    const bool leading_slash = value[0] == '/';
    std::string modified = leading_slash ? std::string(value) : "/-" + std::string(value);
    detail::url_record dummy;
    detail::basic_parse(modified, nullptr, dummy, detail::parse_start::path_start);
    std::string result = detail::serialize_path(dummy);
    return leading_slash ? result : result.substr(std::min<std::size_t>(2, result.size()));
}

std::string canonicalize_opaque_pathname(std::string_view value) {
    if (value.empty())
        return {};
    detail::url_record dummy;
    dummy.opaque = true;
    detail::basic_parse(value, nullptr, dummy, detail::parse_start::opaque_path);
    return dummy.opaque_path;
}

std::string canonicalize_search(std::string_view value, bool special) {
    std::string out;
    detail::percent_encode(out, value,
                           special ? detail::encode_set::special_query : detail::encode_set::query);
    return out;
}

std::string canonicalize_hash(std::string_view value) {
    std::string out;
    detail::percent_encode(out, value, detail::encode_set::fragment);
    return out;
}

bool is_absolute_pathname(std::string_view input, bool pattern) {
    if (input.empty())
        return false;
    if (input[0] == '/')
        return true;
    if (!pattern || input.size() < 2)
        return false;
    return (input[0] == '\\' || input[0] == '{') && input[1] == '/';
}

// "Process a URLPatternInit": base URL inheritance, then each component
// stripped of its delimiter and, for a URL (not a pattern), canonicalised.
url_pattern_init process_init(const url_pattern_init& init, bool pattern) {
    url_pattern_init result;
    if (!pattern) {
        result.protocol = result.username = result.password = result.hostname = "";
        result.port = result.pathname = result.search = result.hash = "";
    }
    auto base_string = [&](std::string_view s) {
        return pattern ? detail::escape_pattern_string(s) : std::string(s);
    };
    std::optional<url> base;
    if (init.base_url) {
        base = url::parse(*init.base_url);
        if (!base)
            throw pattern_error("invalid base URL '" + *init.base_url + "'");
        if (!init.protocol)
            result.protocol = base_string(base->protocol());
        if (!pattern && !init.protocol && !init.hostname && !init.port && !init.username)
            result.username = base_string(base->username());
        if (!pattern && !init.protocol && !init.hostname && !init.port && !init.username &&
            !init.password)
            result.password = base_string(base->password());
        if (!init.protocol && !init.hostname)
            result.hostname = base_string(base->hostname());
        if (!init.protocol && !init.hostname && !init.port)
            result.port = std::string(base->port());
        if (!init.protocol && !init.hostname && !init.port && !init.pathname)
            result.pathname = base_string(base->pathname());
        if (!init.protocol && !init.hostname && !init.port && !init.pathname && !init.search)
            result.search = base_string(base->search());
        if (!init.protocol && !init.hostname && !init.port && !init.pathname && !init.search &&
            !init.hash)
            result.hash = base_string(base->hash());
    }
    auto strip = [](std::string_view v, char c, bool suffix) {
        if (!v.empty() && (suffix ? v.back() : v.front()) == c)
            suffix ? v.remove_suffix(1) : v.remove_prefix(1);
        return std::string(v);
    };
    if (init.protocol) {
        auto v = strip(*init.protocol, ':', true);
        result.protocol = pattern ? v : canonicalize_protocol(v);
    }
    const std::string protocol = result.protocol.value_or("");
    const bool special = protocol.empty() || detail::is_special_scheme(protocol);
    if (init.username)
        result.username = pattern ? *init.username : canonicalize_userinfo(*init.username);
    if (init.password)
        result.password = pattern ? *init.password : canonicalize_userinfo(*init.password);
    if (init.hostname)
        result.hostname = pattern ? *init.hostname : canonicalize_hostname(*init.hostname, special);
    if (init.port)
        result.port = pattern ? *init.port : canonicalize_port(*init.port, protocol);
    if (init.pathname) {
        std::string path = *init.pathname;
        if (base && !base->has_opaque_path() && !is_absolute_pathname(path, pattern)) {
            std::string base_path = base_string(base->pathname());
            auto slash = base_path.rfind('/');
            if (slash != std::string::npos)
                path = base_path.substr(0, slash + 1) + path;
        }
        if (pattern)
            result.pathname = path;
        else
            result.pathname =
                special ? canonicalize_pathname(path) : canonicalize_opaque_pathname(path);
    }
    if (init.search) {
        auto v = strip(*init.search, '?', false);
        result.search = pattern ? v : canonicalize_search(v, special);
    }
    if (init.hash) {
        auto v = strip(*init.hash, '#', false);
        result.hash = pattern ? v : canonicalize_hash(v);
    }
    return result;
}

struct component {
    std::string pattern_string;
    std::shared_ptr<const RE2> regexp;
    bool has_regexp_groups = false;

    bool matches(std::string_view input) const { return RE2::FullMatch(input, *regexp); }
};

// "Compile a component", under the limits.
component compile_component(std::string_view input, const detail::encoding_callback& encode,
                            const detail::pattern_options& options,
                            const url_pattern_limits& limits) {
    auto parts = detail::parse_pattern_string(input, options, encode);
    component c;
    c.pattern_string = detail::generate_pattern_string(parts, options);
    for (const auto& p : parts)
        if (p.type == detail::part_type::regexp)
            c.has_regexp_groups = true;
    RE2::Options re_options;
    re_options.set_encoding(RE2::Options::EncodingUTF8);
    re_options.set_log_errors(false);
    re_options.set_case_sensitive(true);
    // Enough for a program of the permitted size (RE2 counts some 16 bytes an
    // instruction) plus a modest DFA cache; past the cache RE2 falls back to
    // its NFA, slower but still linear. Thousands of subscriptions each hold
    // eight of these, so the budget stays small.
    re_options.set_max_mem(
        std::max<std::int64_t>(256 << 10, std::int64_t{limits.max_program_size} * 64));
    auto re = std::make_shared<RE2>(detail::generate_regexp(parts, options), re_options);
    if (!re->ok())
        throw pattern_error("invalid regular expression: " + re->error());
    if (re->ProgramSize() > limits.max_program_size)
        throw pattern_error("pattern too complex: program size " +
                            std::to_string(re->ProgramSize()) + " over " +
                            std::to_string(limits.max_program_size));
    c.regexp = std::move(re);
    return c;
}

bool matches_special_scheme(const component& protocol) {
    for (auto scheme : special_schemes)
        if (protocol.matches(scheme))
            return true;
    return false;
}

const detail::pattern_options default_options{"", ""};
const detail::pattern_options hostname_options{".", ""};
const detail::pattern_options pathname_options{"/", "/"};

bool is_ipv6_pattern(std::string_view s) {
    if (s.size() < 2)
        return false;
    return s[0] == '[' || ((s[0] == '{' || s[0] == '\\') && s[1] == '[');
}

} // namespace

struct url_pattern::compiled {
    // protocol, username, password, hostname, port, pathname, search, hash
    std::array<component, 8> components;
};

std::optional<url_pattern> url_pattern::compile(const url_pattern_init& init, std::string& error,
                                                const url_pattern_limits& limits) {
    try {
        std::size_t bytes = 0;
        for (const auto* v : {&init.protocol, &init.username, &init.password, &init.hostname,
                              &init.port, &init.pathname, &init.search, &init.hash, &init.base_url})
            bytes += v->value_or("").size();
        if (bytes > limits.max_pattern_bytes)
            throw pattern_error("pattern too long: " + std::to_string(bytes) + " bytes, at most " +
                                std::to_string(limits.max_pattern_bytes));
        url_pattern_init p = process_init(init, true);
        for (auto* v : {&p.protocol, &p.username, &p.password, &p.hostname, &p.port, &p.pathname,
                        &p.search, &p.hash})
            if (!*v)
                *v = "*";
        if (detail::is_special_scheme(*p.protocol) && *p.port == default_port_string(*p.protocol))
            p.port = "";

        auto out = std::make_shared<compiled>();
        auto& c = out->components;
        c[0] = compile_component(*p.protocol, canonicalize_protocol, default_options, limits);
        const bool special = matches_special_scheme(c[0]);
        c[1] = compile_component(*p.username, canonicalize_userinfo, default_options, limits);
        c[2] = compile_component(*p.password, canonicalize_userinfo, default_options, limits);
        if (is_ipv6_pattern(*p.hostname))
            c[3] = compile_component(*p.hostname, canonicalize_ipv6_hostname, hostname_options,
                                     limits);
        else
            c[3] = compile_component(
                *p.hostname,
                [special](std::string_view v) { return canonicalize_hostname(v, special); },
                hostname_options, limits);
        c[4] = compile_component(
            *p.port, [](std::string_view v) { return canonicalize_port(v, std::nullopt); },
            default_options, limits);
        if (special)
            c[5] = compile_component(*p.pathname, canonicalize_pathname, pathname_options, limits);
        else
            c[5] = compile_component(*p.pathname, canonicalize_opaque_pathname, default_options,
                                     limits);
        c[6] = compile_component(
            *p.search, [special](std::string_view v) { return canonicalize_search(v, special); },
            default_options, limits);
        c[7] = compile_component(*p.hash, canonicalize_hash, default_options, limits);
        url_pattern result;
        result.impl_ = std::move(out);
        return result;
    } catch (const pattern_error& e) {
        error = e.what();
        return std::nullopt;
    }
}

std::optional<url_pattern> url_pattern::compile(std::string_view pattern, std::string_view base_url,
                                                std::string& error,
                                                const url_pattern_limits& limits) {
    if (pattern.size() > limits.max_pattern_bytes) {
        error = "pattern too long: " + std::to_string(pattern.size()) + " bytes, at most " +
                std::to_string(limits.max_pattern_bytes);
        return std::nullopt;
    }
    try {
        std::function<bool(std::string_view)> protocol_is_special = [&](std::string_view protocol) {
            return matches_special_scheme(
                compile_component(protocol, canonicalize_protocol, default_options, limits));
        };
        url_pattern_init init = detail::parse_constructor_string(pattern, protocol_is_special);
        if (base_url.empty() && !init.protocol)
            throw pattern_error("a relative pattern needs a base URL");
        if (!base_url.empty())
            init.base_url = std::string(base_url);
        url_pattern_limits component_limits = limits;
        component_limits.max_pattern_bytes += base_url.size();
        return compile(init, error, component_limits);
    } catch (const pattern_error& e) {
        error = e.what();
        return std::nullopt;
    }
}

bool url_pattern::test(const url& input) const {
    if (!impl_)
        return false;
    const auto& c = impl_->components;
    return c[0].matches(input.protocol()) && c[1].matches(input.username()) &&
           c[2].matches(input.password()) && c[3].matches(input.hostname()) &&
           c[4].matches(input.port()) && c[5].matches(input.pathname()) &&
           c[6].matches(input.search()) && c[7].matches(input.hash());
}

bool url_pattern::test(std::string_view input, std::string_view base_url) const {
    std::optional<url> base;
    if (!base_url.empty()) {
        base = url::parse(base_url);
        if (!base)
            return false;
    }
    auto parsed = url::parse(input, base ? &*base : nullptr);
    return parsed && test(*parsed);
}

bool url_pattern::test(const url_pattern_init& input) const {
    if (!impl_)
        return false;
    url_pattern_init p;
    try {
        p = process_init(input, false);
    } catch (const pattern_error&) {
        return false;
    }
    const auto& c = impl_->components;
    return c[0].matches(*p.protocol) && c[1].matches(*p.username) && c[2].matches(*p.password) &&
           c[3].matches(*p.hostname) && c[4].matches(*p.port) && c[5].matches(*p.pathname) &&
           c[6].matches(*p.search) && c[7].matches(*p.hash);
}

namespace {
const std::string empty_string;
}

#define HERALD_COMPONENT_GETTER(name, i)                                                           \
    const std::string& url_pattern::name() const noexcept {                                        \
        return impl_ ? impl_->components[i].pattern_string : empty_string;                         \
    }
HERALD_COMPONENT_GETTER(protocol, 0)
HERALD_COMPONENT_GETTER(username, 1)
HERALD_COMPONENT_GETTER(password, 2)
HERALD_COMPONENT_GETTER(hostname, 3)
HERALD_COMPONENT_GETTER(port, 4)
HERALD_COMPONENT_GETTER(pathname, 5)
HERALD_COMPONENT_GETTER(search, 6)
HERALD_COMPONENT_GETTER(hash, 7)
#undef HERALD_COMPONENT_GETTER

bool url_pattern::has_regexp_groups() const noexcept {
    if (!impl_)
        return false;
    for (const auto& c : impl_->components)
        if (c.has_regexp_groups)
            return true;
    return false;
}

} // namespace herald::match
