#include "event_stream.hpp"

#include "herald/error.hpp"
#include "herald/sse/encoder.hpp"
#include "herald/sse/stream_writer.hpp"
#include "herald/text.hpp"
#include "stream_io.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>

namespace herald::app {
namespace {

using clock = std::chrono::steady_clock;

// The bytes that differ per event: "id: <n>\n", and with --timestamps
// "time: <µs>\n" carrying the *scheduled* time, not the send time, so a late
// event shows its lateness to the bench (no coordinated omission). A plain
// function: its locals live on the thread's stack, not in the stream's frame.
std::size_t format_event_lines(std::array<char, 64>& out, std::uint64_t id, bool timestamps,
                               clock::time_point due) {
    char* end = std::copy_n("id: ", 4, out.data());
    end = std::to_chars(end, out.data() + 24, id).ptr;
    *end++ = '\n';
    if (timestamps) {
        const auto scheduled = std::chrono::system_clock::now() - (clock::now() - due);
        const auto micros =
            std::chrono::duration_cast<std::chrono::microseconds>(scheduled.time_since_epoch())
                .count();
        end = std::copy_n("time: ", 6, end);
        end = std::to_chars(end, out.data() + out.size() - 1, micros).ptr;
        *end++ = '\n';
    }
    return std::size_t(end - out.data());
}

// Streams whose first tick falls in the same slot of this grid tick
// together from then on: their timers expire at the same instant, so one
// wakeup of the event loop serves all of them. With 10k streams at 1 s that
// is about 100 wakeups a second instead of 10,000, and wakeups (epoll_wait,
// timerfd_settime, a thread switch) cost more than the writes. The price:
// a stream's first event comes up to one slot later than a full interval.
constexpr clock::duration tick_grid = std::chrono::milliseconds(10);

clock::time_point align_up(clock::time_point t, clock::duration grid) {
    const auto past = t.time_since_epoch() % grid;
    return past == clock::duration::zero() ? t : t + (grid - past);
}

// The stream's one coroutine: the ticker. Like the seed's `case <-ticker.C`,
// it waits for the next tick and writes one event; `watch` (the seed's
// `case <-r.Context().Done()`) cancels the wait or the write if the client
// leaves. It also sends a heartbeat comment when nothing was written for
// `heartbeat`, so proxies that cut idle connections leave the stream alone.
// With --max-events it ends the stream itself after that many events, which
// is how tests (and learners) see a client reconnect and resume.
//
// This coroutine's frame lives as long as the stream, so it is kept small:
// one wait and one write site, and the formatting in a plain function. The
// timer it sleeps on belongs to serve_event_stream, which the watch shares.
awaitable<stream_end> send_events(tcp::socket& socket, connection_control& control,
                                  const session_context& ctx, std::uint64_t id,
                                  net::steady_timer& timer, const client_watch& watch) {
    static constexpr std::string_view heartbeat_comment = ": heartbeat\n";
    const auto& opts = ctx.opts;
    const auto interval = clock::duration(opts.interval);
    const auto heartbeat = clock::duration(opts.heartbeat);
    const auto grid = std::min(tick_grid, interval);
    auto next_event = align_up(clock::now() + interval, grid);
    auto last_write = align_up(clock::now(), grid);
    std::uint64_t sent = 0;

    // An event is three buffers sent by one gather-write: the prefix and
    // suffix every event shares, and this stream's id line between them.
    std::array<char, 64> lines;
    std::array<net::const_buffer, 3> out;
    auto writer = stream_writer_for(socket, control);
    for (;;) {
        const bool beat = heartbeat.count() > 0 && last_write + heartbeat < next_event;
        const auto due = beat ? last_write + heartbeat : next_event;
        timer.expires_at(due);
        if (const auto left = watch.left())
            co_return *left;
        if (cancelled(co_await net::this_coro::cancellation_state))
            co_return stream_end::cancelled;
        auto [ec] = co_await timer.async_wait(use_tuple);
        if (ec) // the client left, or the worker stopped us
            co_return watch.left().value_or(stream_end::cancelled);

        if (beat)
            out = {net::buffer(heartbeat_comment), net::const_buffer(), net::const_buffer()};
        else
            out = {net::buffer(ctx.events.prefix),
                   net::buffer(lines.data(), format_event_lines(lines, id, opts.timestamps, due)),
                   net::buffer(ctx.events.suffix)};

        // Most writes complete at once: the socket's send buffer has room,
        // and the writer's send_now() (a plain non-blocking send, no
        // coroutine) takes the whole event. What it could not take waits
        // for room in finish(), watched by the worker's sweep from the
        // event's scheduled time.
        last_write = due;
        writer.send_now(out);
        if (net::buffer_size(out) > 0) {
            const auto result = co_await writer.finish(out, due);
            if (result.ec)
                co_return watch.left().value_or(stream_end::write_failed);
            // The write waited for the client: count the silence from when it
            // finished, or the heartbeats it delayed would all fall due at once.
            last_write = align_up(clock::now(), grid);
        }
        if (beat)
            continue;

        ctx.log.debug("sent event id=", id);
        if (ctx.counters)
            ctx.counters->events_delivered[std::size_t(endpoint::ticker)].add();
        ++id;
        if (++sent == opts.max_events)
            co_return stream_end::completed;

        // A fixed schedule, like Go's ticker: if the client or the machine
        // was too slow for a whole interval, missed ticks are dropped rather
        // than sent in a burst.
        next_event += interval;
        if (const auto now = clock::now(); next_event <= now)
            next_event = now + interval - (now - next_event) % interval;
    }
}

std::string opening_bytes(const session_context& ctx, const stream_request& request) {
    auto head = sse::event_stream_head();
    if (!request.allow_origin.empty())
        head.set("Access-Control-Allow-Origin", request.allow_origin);
    if (ctx.opts.cors_varies_by_origin())
        head.set("Vary", "Origin");
    auto bytes = head.str();
    if (!request.head_only)
        bytes += ctx.events.opening;
    return bytes;
}

} // namespace

awaitable<void> serve_event_stream(tcp::socket& socket, connection_control& control,
                                   const session_context& ctx, stream_request request) {
    // Plain non-blocking calls next to the asynchronous waits: the writer's
    // send_now(), from the head on, and read_some() in drain_input.
    error_code ec;
    socket.non_blocking(true, ec);
    {
        // The head and the opening comment in one write: the client sees the
        // stream open at once, not at the first tick.
        const auto opening = opening_bytes(ctx, request);
        if (auto ec = co_await watched_write(socket, control, opening)) {
            ctx.log.debug("stream head not delivered: ", ec.message());
            socket.close(ec);
            co_return;
        }
    }
    if (request.head_only) {
        std::string no_body; // named: GCC 12 mishandles braced temporaries in co_await
        co_await respond_and_close(socket, std::move(no_body));
        co_return;
    }

    // A stop that arrived while this coroutine had nothing pending was only
    // recorded in its cancellation state; the stream below would not see it.
    if (cancelled(co_await net::this_coro::cancellation_state)) {
        error_code ignored;
        socket.close(ignored);
        co_return;
    }

    const auto streams = stream_opened(ctx, endpoint::ticker);
    ctx.log.info("client connected id=", request.first_id, " streams=", streams);

    // One coroutine per stream, no race: the seed's three select cases are
    // the ticker's timer, the client watch (which cancels that timer when the
    // client leaves) and the cancellation slot this coroutine is bound to
    // (shutdown, write timeout), which cancels whatever the ticker awaits.
    net::steady_timer timer(socket.get_executor());
    client_watch watch(socket, timer);
    watch.start();
    const auto end = co_await send_events(socket, control, ctx, request.first_id, timer, watch);
    co_await watch.stop();

    stream_closed(ctx, endpoint::ticker, control, "client",
                  end == stream_end::completed ? disconnect::max_events : disconnect::client_left,
                  end == stream_end::client_closed  ? "client closed connection"
                  : end == stream_end::client_reset ? "client connection reset"
                  : end == stream_end::completed    ? "stream complete (--max-events)"
                  : end == stream_end::write_failed ? "stream write failed"
                                                    : "stream timer failed");

    // close() sends FIN after whatever is queued for the client. That is the
    // last complete event, unless a shutdown or write timeout cut a write
    // short: then the client gets a partial event, which the SSE rules make
    // it discard.
    socket.close(ec);
}

std::string check_stream_options(const options& opts) {
    // The encoder's own rules (herald/sse/encoder.hpp), checked per flag so
    // the message can name the one to fix.
    if (opts.event_name.find_first_of("\r\n") != std::string::npos)
        return "--event-name: " + make_error_code(errc::field_has_line_break).message();
    if (!is_valid_utf8(opts.event_name))
        return "--event-name: " + make_error_code(errc::invalid_utf8).message();
    if (!is_valid_utf8(opts.event_data))
        return "--event-data: " + make_error_code(errc::invalid_utf8).message();
    if (opts.retry && opts.retry->count() < 0)
        return "--retry: " + std::make_error_code(std::errc::invalid_argument).message();
    return {};
}

stream_template make_stream_template(const options& opts) {
    // An event with a name encodes as "event: <name>\n" followed by exactly
    // the bytes of the same event without one: the difference is the prefix.
    std::string whole, data_only;
    (void)sse::encode(sse::event{opts.event_data, opts.event_name, {}, {}}, whole);
    (void)sse::encode(sse::event{opts.event_data, {}, {}, {}}, data_only);
    stream_template out;
    out.prefix = whole.substr(0, whole.size() - data_only.size());
    out.suffix = std::move(data_only);
    (void)sse::encode_comment("ok", out.opening);
    out.opening += '\n';
    if (opts.retry)
        (void)sse::encode_retry(*opts.retry, out.opening);
    return out;
}

} // namespace herald::app
