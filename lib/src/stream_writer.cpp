#include "herald/sse/stream_writer.hpp"

namespace herald::sse {

http::response_head event_stream_head() {
    http::response_head head(200);
    head.set("Content-Type", "text/event-stream")
        .set("Cache-Control", "no-cache")
        .set("Connection", "keep-alive")
        .set("X-Accel-Buffering", "no");
    return head;
}

} // namespace herald::sse
