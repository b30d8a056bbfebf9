// herald/http/request_parser.hpp — an I/O-free push parser for request heads.
//
// The parser never touches a socket: feed it bytes as they arrive, in chunks
// of any size, and it answers "need more", "done" or an error that says
// exactly what was wrong. That makes it testable byte by byte and usable
// with any transport; async_read_request() is the awaitable wrapper.
#pragma once

#include "herald/http/request.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

namespace herald::http {

/// Limits on a request head, and the peer each default follows:
/// - request line 8 KiB → 414: nginx (one 8k buffer of
///   large_client_header_buffers) and Apache (LimitRequestLine 8190);
/// - header section 16 KiB → 431: Node.js (--max-http-header-size 16 KiB).
///   Go allows 1 MiB and Envoy 60 KiB; herald is stricter because an SSE
///   subscription has no reason to send a large head;
/// - 100 header fields → 431: Apache (LimitRequestFields) and Envoy
///   (max_headers_count).
struct request_limits {
    std::size_t max_request_line = 8 * 1024;    ///< bytes, excluding CRLF → 414
    std::size_t max_header_section = 16 * 1024; ///< bytes of field lines incl. CRLFs → 431
    std::size_t max_header_fields = 100;        ///< → 431
};

class request_parser {
public:
    enum class status { need_more, done, error };

    struct result {
        status state;
        /// Bytes of this input that belong to the head: all of them on
        /// `need_more`, up to the blank line on `done`. Unspecified on
        /// `error`: the head is answered and the connection closed.
        std::size_t consumed;
    };

    explicit request_parser(request_limits limits = {})
        : limits_(limits) {}

    /// Feed the next bytes of the connection. On `done`, `consumed` stops right
    /// after the blank line that ends the head: the rest (a body, a pipelined
    /// request) is the caller's. Once the answer is `done` or `error`, further
    /// calls give the same answer and consume nothing; reset() starts afresh.
    ///
    /// The answer never depends on how the bytes were split into calls: every
    /// line is judged when it is complete, and a partial line only against
    /// the size limits, which a longer line would break too.
    result feed(std::string_view bytes);

    /// Why feed() answered `error`.
    std::error_code error() const noexcept { return error_; }

    /// The parsed head, after feed() answered `done`.
    request& get() noexcept { return request_; }

    /// Forget everything; ready for a new head.
    void reset();

private:
    result fail(std::error_code ec, std::size_t consumed);
    std::error_code check_line(std::string_view line, bool crlf);
    std::error_code finish(std::size_t head_end);

    request_limits limits_;
    request request_;
    std::string buffer_;           // the head so far (moved into request_ when done)
    std::size_t line_begin_ = 0;   // start of the line being scanned in buffer_
    std::size_t scan_from_ = 0;    // no '\n' before this offset in the current line
    std::size_t head_begin_ = 0;   // where the request line starts (after empty lines)
    std::size_t header_bytes_ = 0; // bytes of complete field lines so far
    std::size_t field_count_ = 0;
    bool in_fields_ = false;      // past the request line
    bool method_checked_ = false; // the partial request line's method is known to be valid
    bool done_ = false;           // the head is complete
    std::error_code error_;
};

} // namespace herald::http
