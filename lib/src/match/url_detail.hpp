// url_detail.hpp — the URL Standard's building blocks that URL Pattern reuses:
// percent-encode sets, the host parser, and the parser's record form.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::match::detail {

/// The standard's percent-encode sets, from smallest to largest.
enum class encode_set { c0_control, fragment, query, special_query, path, userinfo, component };

/// Appends `in` to `out`, UTF-8 percent-encoding the bytes in `set`.
void percent_encode(std::string& out, std::string_view in, encode_set set);

bool is_special_scheme(std::string_view scheme) noexcept;

/// The scheme's default port, or nothing (file and non-special schemes).
std::optional<std::uint16_t> default_port(std::string_view scheme) noexcept;

/// The host parser: serialised host, or nothing on failure. A non-special
/// URL has an opaque host (`opaque`), which is percent-encoded, not mapped.
std::optional<std::string> parse_host(std::string_view input, bool opaque);

/// True for code points a host may never contain (the standard's list).
bool is_forbidden_host_code_point(unsigned char c) noexcept;

/// A URL as the parser builds it, before serialisation.
struct url_record {
    std::string scheme, username, password;
    std::optional<std::string> host;
    std::optional<std::uint16_t> port;
    std::vector<std::string> path; // when !opaque
    std::string opaque_path;       // when opaque
    bool opaque = false;
    std::optional<std::string> query, fragment;
};

/// The parser's states that URL Pattern's canonicalisation enters directly
/// (the standard's "state override").
enum class parse_start { scheme_start, path_start, opaque_path };

/// The basic URL parser on `input`. With `start` other than scheme_start it
/// parses into `url` from that state, as the standard's state override does.
bool basic_parse(std::string_view input, const url_record* base, url_record& url,
                 parse_start start = parse_start::scheme_start);

/// The URL path serializer (no "/." prefix).
std::string serialize_path(const url_record& url);

} // namespace herald::match::detail
