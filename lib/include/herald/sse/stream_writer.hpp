// herald/sse/stream_writer.hpp — send an event stream over a socket, awaitably.
#pragma once

#include "herald/http/response.hpp"
#include "herald/net.hpp"
#include "herald/sse/encoder.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <span>
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

/// What a write did: its error, if any, and how many bytes went out.
struct write_result {
    error_code ec;
    std::size_t bytes = 0;
};

/// Writes events to one stream. Each write is of complete bytes handed to
/// the socket: nothing is held back in a buffer, so the client sees every
/// event as soon as the write completes. Not thread-safe; one writer per
/// socket. The writer is three pointers and a string that stays empty unless
/// open(), send() or comment() is used: cheap to make for one write and drop.
///
/// The fast path. Most writes to a stream complete at once, because the
/// socket's send buffer has room. On a socket in non-blocking mode
/// (`socket.non_blocking(true)`), every write first tries a plain send(),
/// which skips Asio's asynchronous machinery (an operation object, a trip
/// through the event loop, a coroutine resumption); only what the socket did
/// not take goes to async_write. A caller that wants no coroutine at all on
/// the fast path calls send_now(), and finish() only when it returned short.
/// On a blocking socket every write is an async_write.
///
/// Gather writes. The byte-level calls take a span of buffers: several
/// encoded events (or the parts of one) go out in one system call. The
/// buffers are advanced in place past what was written, so after a short
/// send_now() they hold exactly what finish() must write.
///
/// Watched writes. Given a time_point to watch (constructor or watch()), the
/// writer sets it to when an asynchronous write started while that write is
/// pending, and back to `time_point{}` when it completes. A sweep can read it
/// to end streams whose client stopped reading: a full send buffer is the only
/// way a write to a stream can pend. send_now() never touches it.
///
/// Counted writes. Given a counter (constructor), the writer adds to it every
/// byte the socket took, on the fast path and the slow one alike, so an
/// access log can report what a stream sent.
template <typename Socket>
class stream_writer {
public:
    using clock = std::chrono::steady_clock;

    explicit stream_writer(Socket& socket, clock::time_point* pending_since = nullptr,
                           std::uint64_t* bytes_written = nullptr) noexcept
        : socket_(socket)
        , pending_since_(pending_since)
        , bytes_written_(bytes_written) {}

    /// Watches the writes from now on (null: stops watching).
    void watch(clock::time_point* pending_since) noexcept { pending_since_ = pending_since; }

    /// Sends as much of `buffers` as the socket takes now, without waiting,
    /// and advances them past it. Returns the bytes sent: 0 on a blocking
    /// socket, when the send buffer is full, or on an error (which the next
    /// finish() reports).
    std::size_t send_now(std::span<net::const_buffer> buffers) noexcept {
        if (!socket_.non_blocking())
            return 0;
        error_code ec;
        const auto sent = socket_.write_some(buffers, ec);
        if (ec)
            return 0;
        advance(buffers, sent);
        count(sent);
        return sent;
    }

    /// Writes what is left in `buffers` (the caller keeps them alive until
    /// this completes), watched from `since` (default: now; a stream that
    /// schedules its writes may pass the scheduled time). A coroutine that
    /// was cancelled while it was not waiting on anything has the
    /// cancellation only recorded, which no new operation would see: then
    /// this writes nothing and returns operation_aborted.
    awaitable<write_result> finish(std::span<net::const_buffer> buffers,
                                   clock::time_point since = {}) {
        if (net::buffer_size(buffers) == 0)
            co_return write_result{};
        if (cancelled(co_await net::this_coro::cancellation_state))
            co_return write_result{net::error::operation_aborted, 0};
        if (pending_since_)
            *pending_since_ = since == clock::time_point{} ? clock::now() : since;
        // One buffer is written as one: Asio's operation for a sequence
        // reserves room for 64 buffers, which a single one does not need.
        auto [ec, n] = buffers.size() == 1
                           ? co_await net::async_write(socket_, buffers.front(), use_tuple)
                           : co_await net::async_write(socket_, buffers, use_tuple);
        if (pending_since_)
            *pending_since_ = {};
        advance(buffers, n);
        count(n);
        co_return write_result{ec, n};
    }

    /// Writes all of `buffers`: send_now(), then finish() for the rest.
    /// The bytes counted are both parts.
    awaitable<write_result> write(std::span<net::const_buffer> buffers) {
        const auto sent = send_now(buffers);
        auto rest = co_await finish(buffers);
        rest.bytes += sent;
        co_return rest;
    }

    /// Sends `head` (normally event_stream_head() plus the caller's fields).
    awaitable<error_code> open(const http::response_head& head) {
        // A coroutine keeps its reference parameters, not copies: `head` must
        // outlive the co_await (it does when the call and the co_await are one
        // expression). The serialised head is named so it lives in the frame.
        buffer_ = head.str();
        co_return co_await write_buffer();
    }

    /// Encodes and sends one event. Encoding errors are returned without
    /// writing anything.
    awaitable<error_code> send(const event& e) {
        buffer_.clear();
        if (auto ec = encode(e, buffer_))
            co_return ec;
        co_return co_await write_buffer();
    }

    /// Sends a comment line (clients ignore it; proxies see traffic).
    awaitable<error_code> comment(std::string_view text) {
        buffer_.clear();
        if (auto ec = encode_comment(text, buffer_))
            co_return ec;
        co_return co_await write_buffer();
    }

private:
    static void advance(std::span<net::const_buffer> buffers, std::size_t n) noexcept {
        for (auto& b : buffers) {
            const auto used = std::min(n, b.size());
            b += used;
            n -= used;
        }
    }

    void count(std::size_t n) noexcept {
        if (bytes_written_)
            *bytes_written_ += n;
    }

    awaitable<error_code> write_buffer() {
        net::const_buffer whole = net::buffer(buffer_);
        const std::span<net::const_buffer> one(&whole, 1);
        auto [ec, n] = co_await write(one);
        co_return ec;
    }

    Socket& socket_;
    clock::time_point* pending_since_;
    std::uint64_t* bytes_written_;
    std::string buffer_;
};

} // namespace herald::sse
