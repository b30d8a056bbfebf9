// herald/sse/event.hpp — one Server-Sent Event, as a server sends it.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace herald::sse {

/// The fields of an event (WHATWG HTML §9.2.5). Only `data` is required.
struct event {
    /// The payload. May hold several lines (LF, CR or CRLF line ends); each
    /// becomes its own `data:` line and the client joins them with LF.
    std::string data;

    /// The `event:` field: the type a browser dispatches ("message" if empty).
    std::string type;

    /// The `id:` field. When set, the client remembers it and sends it back as
    /// Last-Event-ID when it reconnects. An empty string resets the client's id.
    std::optional<std::string> id;

    /// The `retry:` field: how long the client should wait before reconnecting.
    std::optional<std::chrono::milliseconds> retry;
};

} // namespace herald::sse
