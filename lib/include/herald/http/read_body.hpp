// herald/http/read_body.hpp — read one request body from a socket, awaitably.
#pragma once

#include "herald/http/body_parser.hpp"
#include "herald/net.hpp"
#include "herald/socket_deadline.hpp"

#include <chrono>
#include <string>

namespace herald::http {

struct body_read_result {
    error_code ec;        ///< herald::errc for protocol errors and limits (body_too_large,
                          ///< bad_chunk_*, partial_body, body_timeout), or a socket error
    std::string body;     ///< the decoded content, when !ec
    std::string leftover; ///< bytes read past the body: the next pipelined request's start
};

/// Reads the body of `req` (none, Content-Length or chunked), starting with
/// `buffered`, the bytes already read past the head (read_result::leftover).
///
/// `Expect: 100-continue` (RFC 9110 §10.1.1): a client that sends it waits
/// for a 100 before it sends the body (curl does for bodies over 1 KiB), so
/// the 100 is written before reading, unless the body is already complete
/// in `buffered`. A declared Content-Length over `limits.max_body` fails with
/// body_too_large before anything is sent or read: the client never sends
/// the body it was not invited to send.
///
/// `deadline` bounds the whole body, like the head's deadline bounds the
/// head: a client trickling its body cannot hold the connection.
///
/// Cancellation: terminal cancellation of the calling coroutine cancels the
/// read and completes with asio::error::operation_aborted.
awaitable<body_read_result> async_read_body(tcp::socket& socket, const request& req,
                                            std::string buffered, body_limits limits,
                                            std::chrono::steady_clock::time_point deadline);

/// The same, with a deadline the caller keeps for the whole connection, as
/// for async_read_request.
awaitable<body_read_result> async_read_body(tcp::socket& socket, const request& req,
                                            std::string buffered, body_limits limits,
                                            socket_deadline& watch,
                                            std::chrono::steady_clock::time_point deadline);

} // namespace herald::http
