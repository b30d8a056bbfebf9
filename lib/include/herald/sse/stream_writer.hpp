// herald/sse/stream_writer.hpp — send an event stream over a socket, awaitably.
#pragma once

#include "herald/http/response.hpp"
#include "herald/net.hpp"
#include "herald/sse/encoder.hpp"

#include <string>
#include <string_view>

namespace herald::sse {

/// The response head of an event stream: 200, `text/event-stream`,
/// `Cache-Control: no-cache`, `Connection: keep-alive` (the seed's three) and
/// `X-Accel-Buffering: no`, which tells nginx-style proxies not to buffer.
/// The body is delimited by the connection closing (RFC 9112 §6.3), so every
/// HTTP/1.x client can read it without chunked decoding. `keep-alive` is kept
/// because the Go seed (herald's reference behaviour) sends it; RFC 9112 §9.6
/// would have a server that closes say `close`, but no client can reuse the
/// connection of an endless stream either way.
http::response_head event_stream_head();

/// Writes events to one stream. Each send() is one write of complete event
/// bytes: nothing is held back in a buffer, so the client sees every event
/// as soon as the call completes. Not thread-safe; one writer per socket.
template <typename AsyncWriteStream>
class stream_writer {
public:
    explicit stream_writer(AsyncWriteStream& stream)
        : stream_(stream) {}

    /// Sends `head` (normally event_stream_head() plus the caller's fields).
    awaitable<error_code> open(const http::response_head& head) {
        // A coroutine keeps its reference parameters, not copies: `head` must
        // outlive the co_await (it does when the call and the co_await are one
        // expression). The serialised head is named so it lives in the frame.
        buffer_ = head.str();
        co_return co_await write(buffer_);
    }

    /// Encodes and sends one event. Encoding errors are returned without
    /// writing anything.
    awaitable<error_code> send(const event& e) {
        buffer_.clear();
        if (auto ec = encode(e, buffer_))
            co_return ec;
        co_return co_await write(buffer_);
    }

    /// Sends a comment line (clients ignore it; proxies see traffic).
    awaitable<error_code> comment(std::string_view text) {
        buffer_.clear();
        if (auto ec = encode_comment(text, buffer_))
            co_return ec;
        co_return co_await write(buffer_);
    }

private:
    awaitable<error_code> write(std::string_view bytes) {
        auto [ec, n] = co_await net::async_write(stream_, net::buffer(bytes), use_tuple);
        co_return ec;
    }

    AsyncWriteStream& stream_;
    std::string buffer_;
};

} // namespace herald::sse
