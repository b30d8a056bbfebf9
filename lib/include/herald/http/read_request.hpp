// herald/http/read_request.hpp — read one request head from a socket, awaitably.
#pragma once

#include "herald/http/request_parser.hpp"
#include "herald/net.hpp"
#include "herald/socket_deadline.hpp"

#include <chrono>
#include <string>

namespace herald::http {

struct read_result {
    error_code ec;        ///< herald::errc for protocol errors, asio::error::eof if the
                          ///< client left before sending anything
    request req;          ///< valid when !ec
    std::string leftover; ///< bytes read past the head (a body or a pipelined request)
};

/// Reads until `parser` has a whole request head, or fails, or `deadline`
/// passes (then ec == errc::header_timeout). The deadline bounds the whole
/// head, not each read: a client trickling one byte a second cannot keep the
/// connection forever (slowloris).
///
/// `buffered` are bytes of the connection already read: on a keep-alive
/// connection, what the previous request left over (a pipelined request).
/// They are parsed first; if they hold a whole head, nothing is read.
///
/// Cancellation: terminal cancellation of the calling coroutine cancels the
/// read and completes with asio::error::operation_aborted.
awaitable<read_result> async_read_request(tcp::socket& socket, request_parser& parser,
                                          std::chrono::steady_clock::time_point deadline,
                                          std::string buffered = {});

/// The same, with a deadline the caller keeps for the whole connection (it
/// is armed for `deadline` and disarmed before this completes): no timer is
/// created, re-set or waited for per request. `watch` must be this socket's.
awaitable<read_result> async_read_request(tcp::socket& socket, request_parser& parser,
                                          socket_deadline& watch,
                                          std::chrono::steady_clock::time_point deadline,
                                          std::string buffered = {});

} // namespace herald::http
