// herald/http/request.hpp — a parsed HTTP/1.1 request head.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::http {

/// How the request's body is delimited (RFC 9112 §6).
enum class body_framing { none, content_length, chunked };

/// One header field as received; `name` keeps the client's spelling.
struct field {
    std::string_view name;
    std::string_view value; ///< leading and trailing whitespace removed
};

/// A request head. It owns a single copy of the head's bytes; every
/// string_view member points into that copy, so a request is cheap to move
/// and costs one allocation however many fields it has.
class request {
public:
    request() = default;
    request(request&&) noexcept = default;
    request& operator=(request&&) noexcept = default;
    request(const request&) = delete;
    request& operator=(const request&) = delete;

    std::string_view method; ///< e.g. "GET"; case-sensitive (RFC 9110 §9.1)
    std::string_view target; ///< the request-target as sent
    std::string_view path;   ///< the target's path: "/" if absolute-form has none, "*" for
                             ///< asterisk-form, empty for CONNECT's authority-form
    std::string_view query;  ///< after '?', without it; empty if none
    int version_major = 1;
    int version_minor = 1; ///< 0 or 1 (other HTTP/1.x minors are served as 1.1)
    std::vector<field> fields;

    body_framing framing = body_framing::none;
    std::uint64_t content_length = 0;

    /// First value of the field called `name`, compared case-insensitively.
    std::optional<std::string_view> header(std::string_view name) const noexcept;

    /// Number of fields called `name` (case-insensitive).
    std::size_t count(std::string_view name) const noexcept;

    /// The value of query parameter `key` (first occurrence, not percent-decoded).
    std::optional<std::string_view> query_param(std::string_view key) const noexcept;

    /// HTTP/1.1 keeps the connection by default; HTTP/1.0 closes it.
    bool is_http11() const noexcept { return version_minor >= 1; }

private:
    friend class request_parser;
    std::string head_; // storage for every string_view above
};

/// True for the methods RFC 9110 §9 and RFC 5789 define. A server answers
/// 501 to other methods and 405 to known ones a resource does not allow.
bool is_known_method(std::string_view method) noexcept;

/// ASCII case-insensitive comparison, as field names require (RFC 9110 §5.1).
bool iequals(std::string_view a, std::string_view b) noexcept;

/// Whether the comma-separated field value `list` (RFC 9110 §5.6.1: elements
/// separated by commas, with optional spaces and tabs around them) has an
/// element equal to `token`, compared case-insensitively: the rule for
/// Connection options ("keep-alive, close" holds "close").
bool list_has_token(std::string_view list, std::string_view token) noexcept;

} // namespace herald::http
