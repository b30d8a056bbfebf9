#include "herald/auth/bearer.hpp"

namespace herald::auth {
namespace {

bool is_space(char c) noexcept {
    return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return s;
}

char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool is_b64token(std::string_view s) noexcept {
    std::size_t i = 0;
    for (; i < s.size(); ++i) {
        const char c = s[i];
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~' ||
                        c == '+' || c == '/';
        if (!ok)
            break;
    }
    if (i == 0)
        return false;
    for (; i < s.size(); ++i)
        if (s[i] != '=')
            return false;
    return true;
}

// RFC 6750 §3: error_description and the other values are quoted strings
// limited to %x20-21 / %x23-5B / %x5D-7E.
void append_quoted(std::string& out, std::string_view value) {
    out += '"';
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u <= 0x7e && c != '"' && c != '\\')
            out += c;
    }
    out += '"';
}

} // namespace

std::optional<std::string_view> bearer_token(std::string_view authorization) {
    constexpr std::string_view scheme = "Bearer";
    const auto value = trim(authorization);
    if (value.size() <= scheme.size() || !iequals(value.substr(0, scheme.size()), scheme) ||
        value[scheme.size()] != ' ')
        return std::nullopt;
    auto token = value.substr(scheme.size());
    while (!token.empty() && token.front() == ' ')
        token.remove_prefix(1);
    if (!is_b64token(token))
        return std::nullopt;
    return token;
}

std::optional<std::string_view> cookie_value(std::string_view cookie_header,
                                             std::string_view name) {
    while (!cookie_header.empty()) {
        const auto semi = cookie_header.find(';');
        const auto pair = trim(cookie_header.substr(0, semi));
        cookie_header.remove_prefix(semi == std::string_view::npos ? cookie_header.size()
                                                                   : semi + 1);
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos)
            continue;
        if (trim(pair.substr(0, eq)) != name)
            continue;
        auto value = trim(pair.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
            value = value.substr(1, value.size() - 2);
        return value;
    }
    return std::nullopt;
}

presented_token find_token(std::optional<std::string_view> authorization,
                           std::optional<std::string_view> cookie_header,
                           std::string_view cookie_name) {
    presented_token result;
    if (authorization) {
        result.from = presented_token::source::header;
        if (const auto token = bearer_token(*authorization))
            result.token = *token;
        else
            result.malformed = true;
        return result;
    }
    if (cookie_header) {
        if (const auto token = cookie_value(*cookie_header, cookie_name)) {
            result.from = presented_token::source::cookie;
            result.token = *token;
        }
    }
    return result;
}

int http_status(bearer_error e) noexcept {
    switch (e) {
    case bearer_error::invalid_request:
        return 400;
    case bearer_error::insufficient_scope:
        return 403;
    case bearer_error::none:
    case bearer_error::invalid_token:
        break;
    }
    return 401;
}

std::string bearer_challenge(bearer_error e, std::string_view description,
                             std::string_view resource_metadata) {
    std::string out = "Bearer";
    const char* separator = " ";
    const auto param = [&](std::string_view key, std::string_view value) {
        out += separator;
        out += key;
        out += '=';
        append_quoted(out, value);
        separator = ", ";
    };
    switch (e) {
    case bearer_error::none:
        break;
    case bearer_error::invalid_request:
        param("error", "invalid_request");
        break;
    case bearer_error::invalid_token:
        param("error", "invalid_token");
        break;
    case bearer_error::insufficient_scope:
        param("error", "insufficient_scope");
        break;
    }
    if (!description.empty())
        param("error_description", description);
    if (!resource_metadata.empty())
        param("resource_metadata", resource_metadata);
    return out;
}

std::string bearer_challenge(token_error e, std::string_view resource_metadata, bool describe) {
    return bearer_challenge(bearer_error::invalid_token, describe ? message(e) : std::string_view{},
                            resource_metadata);
}

} // namespace herald::auth
