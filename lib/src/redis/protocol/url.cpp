#include "herald/redis/url.hpp"

#include "herald/detail/hex.hpp"

#include <charconv>

namespace herald::redis {
namespace {

using herald::detail::hex_value;

bool percent_decode(std::string_view in, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        if (i + 2 >= in.size())
            return false;
        const int hi = hex_value(in[i + 1]);
        const int lo = hex_value(in[i + 2]);
        if (hi < 0 || lo < 0)
            return false;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return true;
}

template <typename T>
bool parse_number(std::string_view s, T& value) {
    if (s.empty())
        return false;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc() && end == s.data() + s.size();
}

bool valid_host_name(std::string_view host) {
    for (char c : host) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
        if (!ok)
            return false;
    }
    return !host.empty();
}

} // namespace

url_result parse_url(std::string_view url, connect_options defaults) {
    url_result result{std::move(defaults), {}};
    auto fail = [&](std::string why) {
        result.error = "invalid Redis URL: " + why;
        return std::move(result);
    };

    constexpr std::string_view scheme = "redis://";
    if (url.starts_with("rediss://"))
        return fail("rediss:// (TLS) is not supported");
    if (url.size() < scheme.size() || url.substr(0, scheme.size()) != scheme)
        return fail("it must start with redis://");
    std::string_view rest = url.substr(scheme.size());
    if (rest.find_first_of("?#") != std::string_view::npos)
        return fail("query strings and fragments are not supported");

    // Split off the path (the db) first: '/' cannot appear unencoded in the
    // userinfo, and '@' is searched from the right so a password may contain
    // an unencoded '@'.
    const auto at = rest.rfind('@');
    const auto slash = rest.find('/', at == std::string_view::npos ? 0 : at);
    std::string_view path =
        slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    std::string_view authority = rest.substr(0, slash);

    if (at != std::string_view::npos) {
        const std::string_view userinfo = authority.substr(0, at);
        authority.remove_prefix(at + 1);
        const auto colon = userinfo.find(':');
        if (colon == std::string_view::npos)
            return fail("credentials must be [user]:password (a ':' is missing)");
        if (!percent_decode(userinfo.substr(0, colon), result.options.user))
            return fail("bad percent-encoding in the user name");
        if (!percent_decode(userinfo.substr(colon + 1), result.options.password))
            return fail("bad percent-encoding in the password");
        if (result.options.password.empty())
            return fail("empty password");
    } else {
        result.options.user.clear();
        result.options.password.clear();
    }

    std::string_view host;
    std::string_view port;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos)
            return fail("IPv6 address without a closing ']'");
        host = authority.substr(1, close - 1);
        const auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':')
                return fail("junk after the IPv6 address");
            port = after.substr(1);
            if (port.empty())
                return fail("empty port");
        }
        if (host.empty() ||
            host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos)
            return fail("malformed IPv6 address");
    } else {
        const auto colon = authority.find(':');
        host = authority.substr(0, colon);
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
            if (port.empty())
                return fail("empty port");
        }
        if (host.empty())
            return fail("missing host");
        if (!valid_host_name(host))
            return fail("invalid character in host '" + std::string(host) + "'");
    }
    result.options.host = std::string(host);

    if (!port.empty()) {
        unsigned value = 0;
        if (!parse_number(port, value) || value == 0 || value > 65535)
            return fail("port '" + std::string(port) + "' is not a number from 1 to 65535");
        result.options.port = static_cast<std::uint16_t>(value);
    } else {
        result.options.port = 6379;
    }

    result.options.db = 0;
    if (!path.empty()) {
        int db = 0;
        if (!parse_number(path, db) || db < 0)
            return fail("database '" + std::string(path) + "' is not a non-negative number");
        result.options.db = db;
    }
    return result;
}

} // namespace herald::redis
