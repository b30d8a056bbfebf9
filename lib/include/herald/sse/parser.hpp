// herald/sse/parser.hpp — the client side: turn `text/event-stream` bytes
// back into events, exactly as WHATWG HTML §9.2.6 ("Interpreting an event
// stream") says a browser does. I/O-free: feed it bytes in chunks of any size.
//
// The spec first decodes the stream as UTF-8, replacing invalid sequences
// with U+FFFD. This parser works on the bytes and passes them through
// unchanged: every byte the algorithm looks at (CR, LF, ':', ' ', NUL, the
// field names, digits) is ASCII, and in UTF-8 an ASCII byte is never part of
// a multi-byte sequence, so the lines, fields and events come out the same.
// Only invalid UTF-8 differs, and the caller decides what to do with it.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald::sse {

/// An event as a client receives it. The views are valid only during the
/// callback that receives them.
struct received_event {
    std::string_view type;          ///< "message" when the stream gave no `event:`
    std::string_view data;          ///< data lines joined with LF
    std::string_view last_event_id; ///< the stream's last event ID at dispatch
};

/// A parser handler must have on_event(const received_event&). It may also
/// have on_comment(std::string_view text) for comment lines (text is what
/// follows the colon, as sent: ": ok" gives " ok"), and
/// on_field(std::string_view name, std::string_view value) for fields the
/// spec tells clients to ignore (a load tester reads timestamps this way).
template <typename H>
concept parser_handler = requires(H& h, const received_event& e) {
    h.on_event(e);
};

class parser {
public:
    /// Parses `chunk`, calling the handler for each dispatched event (and
    /// comment and unknown field, if it wants them). A line may span chunks,
    /// and so may a CRLF.
    template <parser_handler Handler>
    void feed(std::string_view chunk, Handler& handler);

    /// The same, with a callable for events only.
    template <typename OnEvent>
    requires std::invocable<OnEvent&, const received_event&>
    void feed(std::string_view chunk, OnEvent&& on_event) {
        struct adapter {
            OnEvent& f;
            void on_event(const received_event& e) { f(e); }
        } a{on_event};
        feed(chunk, a);
    }

    /// The stream ended: an event without its blank line is discarded, as the
    /// spec requires. The last event ID and retry survive, for a reconnect,
    /// and the parser is ready for the next stream: it may start with a BOM
    /// again, and its last event ID buffer starts from the last event ID
    /// (an `id:` of the discarded event does not count).
    void end_of_stream();

    /// The last event ID string (what a client sends as Last-Event-ID).
    const std::string& last_event_id() const noexcept { return last_event_id_; }

    /// The reconnection time from the latest valid `retry:` field, in ms.
    std::optional<std::uint64_t> retry() const noexcept { return retry_; }

private:
    template <typename Handler>
    void process_line(std::string_view line, Handler& handler);

    std::string line_;          // a line split across chunks
    std::string data_;          // data buffer
    std::string type_;          // event type buffer
    std::string id_buffer_;     // last event ID buffer
    std::string last_event_id_; // last event ID string
    std::optional<std::uint64_t> retry_;
    std::uint8_t bom_seen_ = 0; // bytes of a leading BOM matched so far
    bool past_bom_ = false;
    bool skip_lf_ = false; // the previous chunk ended with CR
};

template <parser_handler Handler>
void parser::feed(std::string_view chunk, Handler& handler) {
    // A stream may start with one U+FEFF BOM (EF BB BF), which is skipped. It
    // can arrive split across chunks, so match it byte by byte.
    while (!past_bom_ && !chunk.empty()) {
        static constexpr unsigned char bom[] = {0xEF, 0xBB, 0xBF};
        if (static_cast<unsigned char>(chunk.front()) != bom[bom_seen_]) {
            past_bom_ = true;
            // Bytes that looked like the start of a BOM but were not are data.
            line_.append(reinterpret_cast<const char*>(bom), bom_seen_);
            break;
        }
        chunk.remove_prefix(1);
        if (++bom_seen_ == 3)
            past_bom_ = true;
    }

    while (!chunk.empty()) {
        if (skip_lf_) {
            skip_lf_ = false;
            if (chunk.front() == '\n') {
                chunk.remove_prefix(1);
                continue;
            }
        }
        const auto brk = chunk.find_first_of("\r\n");
        if (brk == std::string_view::npos) {
            line_.append(chunk);
            return;
        }
        std::string_view line = chunk.substr(0, brk);
        if (!line_.empty()) {
            line_.append(line);
            line = line_;
        }
        process_line(line, handler);
        line_.clear();
        if (chunk[brk] == '\r') {
            if (brk + 1 < chunk.size()) {
                chunk.remove_prefix(brk + (chunk[brk + 1] == '\n' ? 2 : 1));
            } else {
                chunk = {};
                skip_lf_ = true; // CR at the end of a chunk: a following LF is the same line end
            }
        } else {
            chunk.remove_prefix(brk + 1);
        }
    }
}

template <typename Handler>
void parser::process_line(std::string_view line, Handler& handler) {
    if (line.empty()) {
        // Dispatch. The last event ID is set even when there is no data.
        last_event_id_ = id_buffer_;
        if (data_.empty()) {
            type_.clear();
            return;
        }
        data_.pop_back(); // the trailing LF
        handler.on_event(received_event{type_.empty() ? std::string_view("message") : type_, data_,
                                        last_event_id_});
        data_.clear();
        type_.clear();
        return;
    }
    if (line.front() == ':') {
        if constexpr (requires { handler.on_comment(line); })
            handler.on_comment(line.substr(1));
        return;
    }
    std::string_view field = line, value;
    if (const auto colon = line.find(':'); colon != std::string_view::npos) {
        field = line.substr(0, colon);
        value = line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ')
            value.remove_prefix(1);
    }
    if (field == "data") {
        data_.append(value);
        data_ += '\n';
    } else if (field == "event") {
        type_.assign(value);
    } else if (field == "id") {
        if (value.find('\0') == std::string_view::npos)
            id_buffer_.assign(value);
    } else if (field == "retry") {
        if (value.empty())
            return;
        std::uint64_t ms = 0;
        for (char c : value) {
            if (c < '0' || c > '9')
                return; // not all ASCII digits: ignored
            ms = ms > (UINT64_MAX - 9) / 10 ? UINT64_MAX : ms * 10 + std::uint64_t(c - '0');
        }
        retry_ = ms;
    } else {
        // Any other field is ignored by the event stream; a handler may look.
        if constexpr (requires { handler.on_field(field, value); })
            handler.on_field(field, value);
    }
}

inline void parser::end_of_stream() {
    data_.clear();
    type_.clear();
    line_.clear();
    id_buffer_ = last_event_id_;
    skip_lf_ = false;
    bom_seen_ = 0;
    past_bom_ = false;
}

} // namespace herald::sse
