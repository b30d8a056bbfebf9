// bench/herald_bench/http_response.hpp — the client side of an HTTP/1.1
// response, I/O-free: the head, then a body that is close-delimited (herald),
// chunked (Go's net/http and Node's http both stream that way), or
// content-length delimited.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>

namespace herald::bench {

enum class body_framing : std::uint8_t { close_delimited, chunked, content_length };

struct response_head {
    int status = 0;
    bool event_stream = false; ///< Content-Type is text/event-stream (any parameters)
    body_framing framing = body_framing::close_delimited;
    std::uint64_t content_length = 0;
};

enum class head_status { need_more, done, error };

struct head_result {
    head_status state;
    std::size_t consumed; ///< bytes of the head, including the blank line, when done
};

/// Looks for a complete head at the start of `bytes` and parses it. Call it
/// again with more bytes after need_more; a head longer than `max_bytes` is
/// an error, and so is anything that is not an HTTP/1.x status line.
head_result parse_response_head(std::string_view bytes, response_head& out,
                                std::size_t max_bytes = 16 * 1024);

/// Removes the body framing. Small enough to keep one per stream: eight bytes
/// of count and two of state.
class body_decoder {
public:
    void start(const response_head& head) noexcept {
        framing_ = head.framing;
        remaining_ = head.framing == body_framing::content_length ? head.content_length : 0;
        state_ = head.framing == body_framing::content_length && remaining_ == 0 ? state::done
                                                                                 : state::size;
        saw_digit_ = false;
    }

    /// Calls `sink(std::string_view)` with each run of body bytes in `in`.
    /// Returns false on a framing error. After the end of the body (the last
    /// chunk, or Content-Length reached) the rest of the input is ignored.
    template <typename Sink>
    bool feed(std::string_view in, Sink&& sink);

    /// The body ends when the connection closes (no length, not chunked).
    bool close_delimited() const noexcept { return framing_ == body_framing::close_delimited; }

    /// The body ended by its own framing (not by the connection closing).
    bool finished() const noexcept { return state_ == state::done; }
    /// Bytes of the last feed()'s input that belonged to the body: once
    /// finished(), the rest is the next response (HTTP/1.1 pipelining).
    std::size_t used() const noexcept { return used_; }

private:
    enum class state : std::uint8_t {
        size,
        extension,
        data,
        data_end,
        trailer,
        trailer_line,
        done
    };

    std::uint64_t remaining_ = 0;
    std::size_t used_ = 0;
    body_framing framing_ = body_framing::close_delimited;
    state state_ = state::size;
    bool saw_digit_ = false;
};

template <typename Sink>
bool body_decoder::feed(std::string_view in, Sink&& sink) {
    used_ = 0;
    if (framing_ == body_framing::close_delimited) {
        if (!in.empty())
            sink(in);
        used_ = in.size();
        return true;
    }
    if (framing_ == body_framing::content_length) {
        if (state_ == state::done)
            return true;
        const auto n = std::size_t(std::min<std::uint64_t>(remaining_, in.size()));
        used_ = n;
        if (n)
            sink(in.substr(0, n));
        remaining_ -= n;
        if (remaining_ == 0)
            state_ = state::done;
        return true;
    }
    std::size_t i = 0;
    while (i < in.size()) {
        const char c = in[i];
        switch (state_) {
        case state::size: {
            int digit = -1;
            if (c >= '0' && c <= '9')
                digit = c - '0';
            else if (c >= 'a' && c <= 'f')
                digit = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                digit = c - 'A' + 10;
            if (digit >= 0) {
                if (remaining_ >> 40)
                    return false; // a terabyte chunk is not a stream we can test
                remaining_ = remaining_ * 16 + std::uint64_t(digit);
                saw_digit_ = true;
            } else if (c == ';' || c == ' ' || c == '\t') {
                state_ = state::extension;
            } else if (c == '\n') {
                if (!saw_digit_)
                    return false;
                state_ = remaining_ ? state::data : state::trailer;
            } else if (c != '\r') {
                return false;
            }
            ++i;
            break;
        }
        case state::extension:
            if (c == '\n') {
                if (!saw_digit_)
                    return false;
                state_ = remaining_ ? state::data : state::trailer;
            }
            ++i;
            break;
        case state::data: {
            const auto n = std::size_t(std::min<std::uint64_t>(remaining_, in.size() - i));
            sink(in.substr(i, n));
            remaining_ -= n;
            i += n;
            if (remaining_ == 0)
                state_ = state::data_end;
            break;
        }
        case state::data_end:
            if (c == '\n') {
                state_ = state::size;
                saw_digit_ = false;
            } else if (c != '\r') {
                return false;
            }
            ++i;
            break;
        case state::trailer:
            if (c == '\n')
                state_ = state::done;
            else if (c != '\r')
                state_ = state::trailer_line;
            ++i;
            break;
        case state::trailer_line:
            if (c == '\n')
                state_ = state::trailer;
            ++i;
            break;
        case state::done:
            used_ = i;
            return true;
        }
    }
    used_ = i;
    return true;
}

} // namespace herald::bench
