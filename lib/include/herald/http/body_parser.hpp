// herald/http/body_parser.hpp — an I/O-free push parser for request bodies.
//
// The companion of request_parser: once a head is parsed, its framing says
// how the body ends (RFC 9112 §6.3), and this parser finds that end in the
// bytes that follow, decoding the chunked transfer coding (§7.1) on the way.
// Feed it bytes as they arrive; it answers "need more", "done" or an error,
// and on "done" says where the body ended, so the rest (the next pipelined
// request) stays the caller's. async_read_body() is the awaitable wrapper.
#pragma once

#include "herald/http/request.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace herald::http {

/// Limits on a request body, and the peer each default follows:
/// - 1 MiB of content → 413: nginx's client_max_body_size. A Mercure
///   publish is a few form fields, but its data is the event itself, and
///   every byte of it is kept in history and sent to every subscriber;
/// - 4 KiB of chunk extensions over the whole body → 400. No client herald
///   serves sends any; Node.js bounds them (16 KiB) since a body of tiny
///   chunks with long extensions made it read forever without progress;
/// - 16 KiB of trailer section → 431, as for the header section.
struct body_limits {
    std::size_t max_body = 1024 * 1024;          ///< decoded content bytes → 413
    std::size_t max_chunk_extensions = 4096;     ///< bytes of all chunk extensions → 400
    std::size_t max_trailer_section = 16 * 1024; ///< bytes of trailer lines incl. CRLFs → 431
};

class body_parser {
public:
    enum class status { need_more, done, error };

    struct result {
        status state;
        /// Bytes of this input that belong to the body: all of them on
        /// `need_more`, up to the body's end on `done`. Unspecified on
        /// `error`: the connection is answered and closed.
        std::size_t consumed;
    };

    /// A parser for the body that `framing` (and, for content_length,
    /// `content_length`) announces. A declared length over the limit is an
    /// error before any byte arrives, so the server can answer 413 without
    /// reading (or asking for, see Expect: 100-continue) the body.
    body_parser(body_framing framing, std::uint64_t content_length, body_limits limits = {});

    /// The parser for `req`'s body.
    explicit body_parser(const request& req, body_limits limits = {})
        : body_parser(req.framing, req.content_length, limits) {}

    /// Feed the next bytes of the connection. Once the answer is `done` or
    /// `error`, further calls give the same answer and consume nothing.
    ///
    /// The parser is a byte-at-a-time state machine (with a fast path for
    /// chunk data), so the answer never depends on how the bytes were split.
    result feed(std::string_view bytes);

    /// Whether the body is complete without any more bytes (no body at all,
    /// or feed() answered `done`).
    bool is_done() const noexcept { return state_ == state::done; }

    /// Why feed() answered `error`.
    std::error_code error() const noexcept { return error_; }

    /// The decoded content: all of it after `done`, what has arrived so far
    /// before. Chunk framing, extensions and trailers are not in it.
    std::string& body() noexcept { return body_; }

private:
    enum class state {
        data,          // content bytes: a chunk's, or a Content-Length body's
        size,          // chunk-size digits
        extension,     // after chunk-size, up to CR
        size_lf,       // after the CR that ends a chunk-size line
        data_cr,       // after a chunk's data: CR expected
        data_lf,       // then LF
        trailer_start, // at the start of a trailer line, or the final CRLF
        trailer_name,  // in a trailer field name
        trailer_value, // after its colon, up to CR
        trailer_lf,    // after the CR that ends a trailer line
        final_lf,      // after the CR of the empty line that ends the body
        done,
        error,
    };

    result fail(std::error_code ec, std::size_t consumed);
    std::error_code step(char c); // every state but `data`
    std::error_code extension_byte(char c);
    std::error_code count_trailer_byte();

    body_limits limits_;
    bool chunked_;
    state state_;
    std::uint64_t remaining_ = 0;          // content bytes left in this chunk (or the body)
    std::size_t size_digits_ = 0;          // digits of the chunk-size being read
    std::size_t extension_bytes_ = 0;      // over the whole body
    bool extension_has_semicolon_ = false; // in this chunk's size line
    std::size_t trailer_bytes_ = 0;
    std::string body_;
    std::error_code error_;
};

} // namespace herald::http
