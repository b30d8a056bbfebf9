// herald/error.hpp — herald's error codes and their std::error_category.
#pragma once

#include <string>
#include <system_error>

namespace herald {

/// Everything herald itself can report. Socket and timer errors stay in their
/// own categories (asio::error, std::errc); these are the protocol's.
enum class errc {
    // HTTP request head (RFC 9112 / RFC 9110)
    bad_request_line = 1,     ///< request line is not `method SP target SP version`
    bad_method,               ///< method is not a token
    bad_target,               ///< request-target is malformed or in the wrong form
    bad_version,              ///< HTTP-version is malformed
    unsupported_version,      ///< major version other than 1 (505)
    bad_header_name,          ///< field name empty or not a token, or space before ':'
    bad_header_value,         ///< field value has a control character or NUL
    obsolete_line_folding,    ///< a field line starts with SP or HTAB (obs-fold)
    bare_cr,                  ///< CR not followed by LF
    bare_lf,                  ///< LF not preceded by CR (herald rejects bare LF)
    missing_host,             ///< HTTP/1.1 request without Host
    duplicate_host,           ///< more than one Host field
    bad_content_length,       ///< Content-Length not digits, too large, or disagreeing
    conflicting_framing,      ///< Transfer-Encoding together with Content-Length
    bad_transfer_encoding,    ///< Transfer-Encoding malformed, on HTTP/1.0, or not chunked last
    unknown_transfer_coding,  ///< a transfer coding herald does not implement (501)
    request_line_too_long,    ///< request line over the limit (414)
    header_section_too_large, ///< header section over its byte limit (431)
    too_many_header_fields,   ///< more header fields than allowed (431)
    header_timeout,           ///< the whole head did not arrive before the deadline (408)
    partial_request,          ///< the connection closed in the middle of the head
    bad_host,                 ///< Host is not `uri-host [":" port]`
    // HTTP request body (RFC 9112 §6, §7.1)
    body_too_large,             ///< the body is over the server's limit (413)
    bad_chunk_size,             ///< chunk-size missing, not hex, or too many digits
    bad_chunk_extension,        ///< a chunk extension holds a control character
    chunk_extensions_too_large, ///< chunk extensions over their byte limit
    bad_chunk_framing,          ///< chunk data not followed by CRLF, or a bare CR or LF
    bad_trailer,                ///< a trailer field line is malformed
    trailer_section_too_large,  ///< the trailer section is over its byte limit (431)
    partial_body,               ///< the connection closed in the middle of the body
    body_timeout,               ///< the body did not arrive before the deadline (408)
    // SSE encoding
    field_has_line_break, ///< `event` or `id` contains CR or LF
    id_has_nul,           ///< `id` contains NUL (clients would ignore it)
    invalid_utf8,         ///< text is not valid UTF-8
};

/// The category whose name() is "herald".
const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

/// The HTTP status a server should answer for a request-parsing error:
/// 400 by default; 408, 413, 414, 431, 501, 505 where RFC 9110 names a better one.
int http_status_for(std::error_code ec) noexcept;

} // namespace herald

template <>
struct std::is_error_code_enum<herald::errc> : std::true_type {};
