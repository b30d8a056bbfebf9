// herald/match/url.hpp — URLs parsed as the WHATWG URL Standard parses them.
//
// Topic matching needs the standard's canonical form, not RFC 3986's: scheme
// and host lower-cased, default ports dropped, dot segments removed, the
// standard's percent-encode sets, IPv4 and IPv6 hosts canonicalised, and
// international host names mapped to ASCII (IDNA, UTS #46). Otherwise two
// spellings of one topic would match differently, and a pattern could be
// fooled by one of them.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace herald::match {

class url {
public:
    /// Parses `input`, resolving it against `base` when it is relative (the
    /// standard's "basic URL parser"). Empty when `input` is not a URL.
    static std::optional<url> parse(std::string_view input, const url* base = nullptr);

    /// The serialised URL (the standard's `href`).
    const std::string& href() const noexcept { return href_; }

    // The components, as the standard's URL API exposes them but without
    // their delimiters: protocol without ':', search without '?', hash
    // without '#'. port() is empty when it is the scheme's default.
    std::string_view protocol() const noexcept { return view(protocol_); }
    std::string_view username() const noexcept { return view(username_); }
    std::string_view password() const noexcept { return view(password_); }
    std::string_view hostname() const noexcept { return view(hostname_); }
    std::string_view port() const noexcept { return view(port_); }
    std::string_view pathname() const noexcept { return view(pathname_); }
    std::string_view search() const noexcept { return view(search_); }
    std::string_view hash() const noexcept { return view(hash_); }

    /// True for http, https, ws, wss, ftp and file.
    bool is_special() const noexcept;

    /// True for a URL such as `mailto:a@example.com` or `urn:isbn:123`,
    /// whose path is one opaque string rather than '/'-separated segments.
    bool has_opaque_path() const noexcept { return opaque_path_; }

private:
    std::string href_;
    // Offsets of each component inside href_; filled by the parser.
    struct span {
        std::size_t begin = 0, size = 0;
    };
    span protocol_, username_, password_, hostname_, port_, pathname_, search_, hash_;
    std::string_view view(span s) const noexcept {
        return std::string_view(href_).substr(s.begin, s.size);
    }
    // What the spans cannot tell: a null host, query or fragment versus an
    // empty one, and an opaque path.
    bool has_host_ = false, has_query_ = false, has_fragment_ = false, opaque_path_ = false;
    friend class url_parser;
};

} // namespace herald::match
