// app/event_stream.hpp — the SSE stream: the C++ form of the seed's `for { select {...} }`,
// and the bytes its events share.
#pragma once

#include "options.hpp"
#include "session.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace herald::app {

/// The bytes every event of this server shares, encoded once at start-up so
/// the per-event path only formats the id. The server builds it (one per
/// server, shared by every stream through session_context::events).
struct stream_template {
    std::string prefix;  ///< "event: <name>\n", or empty
    std::string suffix;  ///< "data: <line>\n"... "\n"
    std::string opening; ///< sent right after the head: a comment, and retry if set
};

/// Whether the options' event can be encoded: empty if so, else why not,
/// naming the flag (a CR or LF in --event-name, invalid UTF-8). main() asks
/// before it starts the server.
std::string check_stream_options(const options& opts);

/// The template for these options, which check_stream_options accepted.
stream_template make_stream_template(const options& opts);

/// What the request asked of the stream.
struct stream_request {
    std::uint64_t first_id = 1;    ///< Last-Event-ID + 1 on a resume
    bool head_only = false;        ///< HEAD: the response head, then close
    std::string_view allow_origin; ///< CORS: the Access-Control-Allow-Origin value, or empty
};

/// Sends the stream's head and then one event per interval until the client
/// disconnects, a write fails, or `control.stop` is emitted (shutdown, write
/// timeout). Closes the socket before it returns.
awaitable<void> serve_event_stream(tcp::socket& socket, connection_control& control,
                                   const session_context& ctx, stream_request request);

} // namespace herald::app
