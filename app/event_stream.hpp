// app/event_stream.hpp — the SSE stream: the C++ form of the seed's `for { select {...} }`.
#pragma once

#include "session.hpp"

#include <cstdint>
#include <string_view>

namespace herald::app {

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
