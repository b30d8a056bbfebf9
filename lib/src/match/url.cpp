// The URL Standard's basic URL parser and serialiser.
//
// The parser works on UTF-8 bytes: every byte of a non-ASCII code point is
// in every percent-encode set, so encoding byte by byte equals the
// standard's "UTF-8 percent-encode" of whole code points.
#include "herald/match/url.hpp"

#include "url_detail.hpp"

namespace herald::match {

namespace detail {

namespace {

bool in_set(unsigned char c, encode_set set) noexcept {
    if (c < 0x20 || c > 0x7e)
        return true;
    if (set == encode_set::c0_control)
        return false;
    if (c == ' ' || c == '"' || c == '<' || c == '>')
        return true;
    if (set == encode_set::fragment)
        return c == '`';
    if (c == '#')
        return true;
    if (set == encode_set::query)
        return false;
    if (set == encode_set::special_query)
        return c == '\'';
    if (c == '?' || c == '^' || c == '`' || c == '{' || c == '}')
        return true;
    if (set == encode_set::path)
        return false;
    if (c == '/' || c == ':' || c == ';' || c == '=' || c == '@' || c == '[' || c == '\\' ||
        c == ']' || c == '|')
        return true;
    if (set == encode_set::userinfo)
        return false;
    return c == '$' || c == '%' || c == '&' || c == '+' || c == ',';
}

bool is_alpha(int c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_digit(int c) noexcept {
    return c >= '0' && c <= '9';
}

char lower(int c) noexcept {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(static_cast<unsigned char>(a[i])) != lower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

bool is_single_dot(std::string_view s) noexcept {
    return s == "." || iequals(s, "%2e");
}

bool is_double_dot(std::string_view s) noexcept {
    return s == ".." || iequals(s, ".%2e") || iequals(s, "%2e.") || iequals(s, "%2e%2e");
}

bool is_windows_drive_letter(std::string_view s) noexcept {
    return s.size() == 2 && is_alpha(static_cast<unsigned char>(s[0])) &&
           (s[1] == ':' || s[1] == '|');
}

bool is_normalized_windows_drive_letter(std::string_view s) noexcept {
    return is_windows_drive_letter(s) && s[1] == ':';
}

bool starts_with_windows_drive_letter(std::string_view s) noexcept {
    if (s.size() < 2 || !is_windows_drive_letter(s.substr(0, 2)))
        return false;
    if (s.size() == 2)
        return true;
    char c = s[2];
    return c == '/' || c == '\\' || c == '?' || c == '#';
}

void shorten_path(url_record& url) {
    if (url.scheme == "file" && url.path.size() == 1 &&
        is_normalized_windows_drive_letter(url.path[0]))
        return;
    if (!url.path.empty())
        url.path.pop_back();
}

// Tabs and newlines go anywhere; leading and trailing C0 controls and spaces
// too, unless parsing into an existing URL (a state override).
std::string preprocess(std::string_view in, bool trim) {
    while (trim && !in.empty() && static_cast<unsigned char>(in.front()) <= 0x20)
        in.remove_prefix(1);
    while (trim && !in.empty() && static_cast<unsigned char>(in.back()) <= 0x20)
        in.remove_suffix(1);
    std::string out;
    out.reserve(in.size());
    for (char c : in)
        if (c != '\t' && c != '\n' && c != '\r')
            out += c;
    return out;
}

enum class state {
    scheme_start,
    scheme,
    no_scheme,
    special_relative_or_authority,
    path_or_authority,
    relative,
    relative_slash,
    special_authority_slashes,
    special_authority_ignore_slashes,
    authority,
    host,
    port,
    file,
    file_slash,
    file_host,
    path_start,
    path,
    opaque_path,
    query,
    fragment,
};

} // namespace

void percent_encode(std::string& out, std::string_view in, encode_set set) {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (char ch : in) {
        auto c = static_cast<unsigned char>(ch);
        if (in_set(c, set)) {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xf];
        } else {
            out += ch;
        }
    }
}

bool is_special_scheme(std::string_view s) noexcept {
    return s == "http" || s == "https" || s == "ws" || s == "wss" || s == "ftp" || s == "file";
}

std::optional<std::uint16_t> default_port(std::string_view s) noexcept {
    if (s == "http" || s == "ws")
        return 80;
    if (s == "https" || s == "wss")
        return 443;
    if (s == "ftp")
        return 21;
    return std::nullopt;
}

std::string serialize_path(const url_record& url) {
    if (url.opaque)
        return url.opaque_path;
    std::string out;
    for (const auto& segment : url.path) {
        out += '/';
        out += segment;
    }
    return out;
}

bool basic_parse(std::string_view raw, const url_record* base, url_record& url, parse_start start) {
    const std::string input = preprocess(raw, start == parse_start::scheme_start);
    const std::size_t n = input.size();
    auto at = [&](std::size_t i) -> int {
        return i < n ? static_cast<unsigned char>(input[i]) : -1;
    };
    state st = start == parse_start::path_start    ? state::path_start
               : start == parse_start::opaque_path ? state::opaque_path
                                                   : state::scheme_start;
    std::string buffer;
    bool at_sign_seen = false, inside_brackets = false, password_token_seen = false;
    auto special = [&] { return is_special_scheme(url.scheme); };

    // Each state reads the code point at p; "decrease pointer by 1" is --p,
    // which unsigned wrap-around turns back into the same p after ++p.
    for (std::size_t p = 0;; ++p) {
        const int c = at(p);
        switch (st) {
        case state::scheme_start:
            if (is_alpha(c)) {
                buffer += lower(c);
                st = state::scheme;
            } else {
                st = state::no_scheme;
                --p;
            }
            break;
        case state::scheme:
            if (c != -1 && (is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.')) {
                buffer += lower(c);
            } else if (c == ':') {
                url.scheme = std::move(buffer);
                buffer.clear();
                if (url.scheme == "file") {
                    st = state::file;
                } else if (special() && base && base->scheme == url.scheme) {
                    st = state::special_relative_or_authority;
                } else if (special()) {
                    st = state::special_authority_slashes;
                } else if (at(p + 1) == '/') {
                    st = state::path_or_authority;
                    ++p;
                } else {
                    url.opaque = true;
                    st = state::opaque_path;
                }
            } else {
                buffer.clear();
                st = state::no_scheme;
                p = static_cast<std::size_t>(-1);
            }
            break;
        case state::no_scheme:
            if (!base || (base->opaque && c != '#'))
                return false;
            if (base->opaque) {
                url.scheme = base->scheme;
                url.opaque = true;
                url.opaque_path = base->opaque_path;
                url.query = base->query;
                url.fragment = "";
                st = state::fragment;
            } else {
                st = base->scheme == "file" ? state::file : state::relative;
                --p;
            }
            break;
        case state::special_relative_or_authority:
            if (c == '/' && at(p + 1) == '/') {
                st = state::special_authority_ignore_slashes;
                ++p;
            } else {
                st = state::relative;
                --p;
            }
            break;
        case state::path_or_authority:
            if (c == '/') {
                st = state::authority;
            } else {
                st = state::path;
                --p;
            }
            break;
        case state::relative:
            url.scheme = base->scheme;
            if (c == '/' || (special() && c == '\\')) {
                st = state::relative_slash;
            } else {
                url.username = base->username;
                url.password = base->password;
                url.host = base->host;
                url.port = base->port;
                url.path = base->path;
                url.query = base->query;
                if (c == '?') {
                    url.query = "";
                    st = state::query;
                } else if (c == '#') {
                    url.fragment = "";
                    st = state::fragment;
                } else if (c != -1) {
                    url.query.reset();
                    shorten_path(url);
                    st = state::path;
                    --p;
                }
            }
            break;
        case state::relative_slash:
            if (special() && (c == '/' || c == '\\')) {
                st = state::special_authority_ignore_slashes;
            } else if (c == '/') {
                st = state::authority;
            } else {
                url.username = base->username;
                url.password = base->password;
                url.host = base->host;
                url.port = base->port;
                st = state::path;
                --p;
            }
            break;
        case state::special_authority_slashes:
            st = state::special_authority_ignore_slashes;
            if (c == '/' && at(p + 1) == '/')
                ++p;
            else
                --p;
            break;
        case state::special_authority_ignore_slashes:
            if (c != '/' && c != '\\') {
                st = state::authority;
                --p;
            }
            break;
        case state::authority:
            if (c == '@') {
                if (at_sign_seen)
                    buffer.insert(0, "%40");
                at_sign_seen = true;
                for (char b : buffer) {
                    if (b == ':' && !password_token_seen) {
                        password_token_seen = true;
                        continue;
                    }
                    percent_encode(password_token_seen ? url.password : url.username,
                                   std::string_view(&b, 1), encode_set::userinfo);
                }
                buffer.clear();
            } else if (c == -1 || c == '/' || c == '?' || c == '#' || (special() && c == '\\')) {
                if (at_sign_seen && buffer.empty())
                    return false;
                p -= buffer.size() + 1;
                buffer.clear();
                st = state::host;
            } else {
                buffer += static_cast<char>(c);
            }
            break;
        case state::host:
            if (c == ':' && !inside_brackets) {
                if (buffer.empty())
                    return false;
                auto host = parse_host(buffer, !special());
                if (!host)
                    return false;
                url.host = std::move(*host);
                buffer.clear();
                st = state::port;
            } else if (c == -1 || c == '/' || c == '?' || c == '#' || (special() && c == '\\')) {
                --p;
                if (special() && buffer.empty())
                    return false;
                auto host = parse_host(buffer, !special());
                if (!host)
                    return false;
                url.host = std::move(*host);
                buffer.clear();
                st = state::path_start;
            } else {
                if (c == '[')
                    inside_brackets = true;
                if (c == ']')
                    inside_brackets = false;
                buffer += static_cast<char>(c);
            }
            break;
        case state::port:
            if (is_digit(c)) {
                buffer += static_cast<char>(c);
            } else if (c == -1 || c == '/' || c == '?' || c == '#' || (special() && c == '\\')) {
                if (!buffer.empty()) {
                    unsigned long value = 0;
                    for (char d : buffer) {
                        value = value * 10 + static_cast<unsigned>(d - '0');
                        if (value > 65535)
                            return false;
                    }
                    auto port = static_cast<std::uint16_t>(value);
                    if (default_port(url.scheme) == port)
                        url.port.reset();
                    else
                        url.port = port;
                    buffer.clear();
                }
                st = state::path_start;
                --p;
            } else {
                return false;
            }
            break;
        case state::file:
            url.scheme = "file";
            url.host = "";
            if (c == '/' || c == '\\') {
                st = state::file_slash;
            } else if (base && base->scheme == "file") {
                url.host = base->host;
                url.path = base->path;
                url.query = base->query;
                if (c == '?') {
                    url.query = "";
                    st = state::query;
                } else if (c == '#') {
                    url.fragment = "";
                    st = state::fragment;
                } else if (c != -1) {
                    url.query.reset();
                    if (!starts_with_windows_drive_letter(std::string_view(input).substr(p)))
                        shorten_path(url);
                    else
                        url.path.clear();
                    st = state::path;
                    --p;
                }
            } else {
                st = state::path;
                --p;
            }
            break;
        case state::file_slash:
            if (c == '/' || c == '\\') {
                st = state::file_host;
            } else {
                if (base && base->scheme == "file") {
                    url.host = base->host;
                    if (!starts_with_windows_drive_letter(std::string_view(input).substr(p)) &&
                        !base->path.empty() && is_normalized_windows_drive_letter(base->path[0]))
                        url.path.push_back(base->path[0]);
                }
                st = state::path;
                --p;
            }
            break;
        case state::file_host:
            if (c == -1 || c == '/' || c == '\\' || c == '?' || c == '#') {
                --p;
                if (is_windows_drive_letter(buffer)) {
                    // The buffer is kept: the path state takes it as the drive.
                    st = state::path;
                } else if (buffer.empty()) {
                    url.host = "";
                    st = state::path_start;
                } else {
                    auto host = parse_host(buffer, false);
                    if (!host)
                        return false;
                    if (*host == "localhost")
                        host->clear();
                    url.host = std::move(*host);
                    buffer.clear();
                    st = state::path_start;
                }
            } else {
                buffer += static_cast<char>(c);
            }
            break;
        case state::path_start:
            if (special()) {
                st = state::path;
                if (c != '/' && c != '\\')
                    --p;
            } else if (c == '?') {
                url.query = "";
                st = state::query;
            } else if (c == '#') {
                url.fragment = "";
                st = state::fragment;
            } else if (c != -1) {
                st = state::path;
                if (c != '/')
                    --p;
            }
            break;
        case state::path: {
            const bool slash = c == '/' || (special() && c == '\\');
            if (c == -1 || slash || (start != parse_start::path_start && (c == '?' || c == '#'))) {
                if (is_double_dot(buffer)) {
                    shorten_path(url);
                    if (!slash)
                        url.path.emplace_back();
                } else if (is_single_dot(buffer) && !slash) {
                    url.path.emplace_back();
                } else if (!is_single_dot(buffer)) {
                    if (url.scheme == "file" && url.path.empty() && is_windows_drive_letter(buffer))
                        buffer[1] = ':';
                    url.path.push_back(buffer);
                }
                buffer.clear();
                if (c == '?') {
                    url.query = "";
                    st = state::query;
                } else if (c == '#') {
                    url.fragment = "";
                    st = state::fragment;
                }
            } else {
                char ch = static_cast<char>(c);
                percent_encode(buffer, std::string_view(&ch, 1), encode_set::path);
            }
            break;
        }
        case state::opaque_path:
            if (start != parse_start::opaque_path && c == '?') {
                url.query = "";
                st = state::query;
            } else if (start != parse_start::opaque_path && c == '#') {
                url.fragment = "";
                st = state::fragment;
            } else if (c == ' ') {
                int next = at(p + 1);
                url.opaque_path += next == '?' || next == '#' ? "%20" : " ";
            } else if (c != -1) {
                char ch = static_cast<char>(c);
                percent_encode(url.opaque_path, std::string_view(&ch, 1), encode_set::c0_control);
            }
            break;
        case state::query:
            if (c == '#') {
                url.fragment = "";
                st = state::fragment;
            } else if (c != -1) {
                char ch = static_cast<char>(c);
                percent_encode(*url.query, std::string_view(&ch, 1),
                               special() ? encode_set::special_query : encode_set::query);
            }
            break;
        case state::fragment:
            if (c != -1) {
                char ch = static_cast<char>(c);
                percent_encode(*url.fragment, std::string_view(&ch, 1), encode_set::fragment);
            }
            break;
        }
        if (p == n)
            break;
    }
    return true;
}

} // namespace detail

class url_parser {
public:
    // Serialises `r` into u.href_ and records where each component lies.
    static url build(const detail::url_record& r) {
        url u;
        std::string& out = u.href_;
        auto mark = [&](url::span& s, auto&& append) {
            s.begin = out.size();
            append();
            s.size = out.size() - s.begin;
        };
        mark(u.protocol_, [&] { out += r.scheme; });
        out += ':';
        u.has_host_ = r.host.has_value();
        if (r.host) {
            out += "//";
            if (!r.username.empty() || !r.password.empty()) {
                mark(u.username_, [&] { out += r.username; });
                if (!r.password.empty()) {
                    out += ':';
                    mark(u.password_, [&] { out += r.password; });
                }
                out += '@';
            }
            mark(u.hostname_, [&] { out += *r.host; });
            if (r.port) {
                out += ':';
                mark(u.port_, [&] { out += std::to_string(*r.port); });
            }
        }
        // "/." keeps "//x" in a host-less path from reading as an authority.
        if (!r.host && !r.opaque && r.path.size() > 1 && r.path[0].empty())
            out += "/.";
        u.opaque_path_ = r.opaque;
        mark(u.pathname_, [&] { out += detail::serialize_path(r); });
        u.has_query_ = r.query.has_value();
        if (r.query) {
            out += '?';
            mark(u.search_, [&] { out += *r.query; });
        }
        u.has_fragment_ = r.fragment.has_value();
        if (r.fragment) {
            out += '#';
            mark(u.hash_, [&] { out += *r.fragment; });
        }
        return u;
    }

    // The record back from a parsed URL, to resolve relative input against.
    static detail::url_record record(const url& u) {
        detail::url_record r;
        r.scheme = std::string(u.protocol());
        r.username = std::string(u.username());
        r.password = std::string(u.password());
        if (u.has_host_)
            r.host = std::string(u.hostname());
        if (!u.port().empty())
            r.port = static_cast<std::uint16_t>(std::stoul(std::string(u.port())));
        r.opaque = u.opaque_path_;
        if (r.opaque) {
            r.opaque_path = std::string(u.pathname());
        } else {
            auto path = u.pathname();
            while (!path.empty()) {
                path.remove_prefix(1); // the '/'
                auto slash = path.find('/');
                r.path.emplace_back(path.substr(0, slash));
                path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
            }
        }
        if (u.has_query_)
            r.query = std::string(u.search());
        if (u.has_fragment_)
            r.fragment = std::string(u.hash());
        return r;
    }
};

std::optional<url> url::parse(std::string_view input, const url* base) {
    detail::url_record record;
    std::optional<detail::url_record> base_record;
    if (base)
        base_record = url_parser::record(*base);
    if (!detail::basic_parse(input, base_record ? &*base_record : nullptr, record))
        return std::nullopt;
    return url_parser::build(record);
}

bool url::is_special() const noexcept {
    return detail::is_special_scheme(protocol());
}

} // namespace herald::match
