// app/hub/stream.cpp — one subscriber's stream: the resume seam, and the
// writer that also sees the client leave.
#include "herald/http/response.hpp"
#include "herald/sse/encoder.hpp"
#include "herald/sse/stream_writer.hpp"
#include "hub/hub.hpp"
#include "hub/routes.hpp"
#include "stream_io.hpp"

#include <algorithm>
#include <array>
#include <memory>

namespace herald::app {
namespace {

using clock = std::chrono::steady_clock;

// The subscriber is in its worker's index for exactly as long as this lives,
// however the stream ends (even when a shutdown abandons the frame).
struct registration {
    hub_worker& worker;
    hub_subscriber& subscriber;
    registration(hub_worker& w, hub_subscriber& s)
        : worker(w)
        , subscriber(s) {
        worker.add(subscriber);
    }
    ~registration() { worker.remove(subscriber); }
    registration(const registration&) = delete;
    registration& operator=(const registration&) = delete;
};

// With --subscriptions: the subscriber's subscriptions are active, and their
// events published, for exactly as long as this lives.
struct active_subscriptions {
    hub_node& hub;
    std::string subscriber;
    active_subscriptions(hub_node& h, const hub_stream_request& request)
        : hub(h)
        , subscriber(h.subscribed(request.specs, request.payload)) {}
    ~active_subscriptions() { hub.unsubscribed(subscriber); }
    active_subscriptions(const active_subscriptions&) = delete;
    active_subscriptions& operator=(const active_subscriptions&) = delete;
};

// Up to this many queued updates go out in one gather-write.
constexpr std::size_t gather_batch = 16;

struct gathered {
    std::array<std::string_view, gather_batch> views;
    std::array<net::const_buffer, gather_batch> buffers;

    // Points the buffers at the oldest queued updates; returns their bytes.
    // The views point into updates the queue holds: deliver() may append to
    // the queue meanwhile, but nothing leaves it before consume().
    std::size_t fill(const hub::subscription& sub) {
        const auto n = sub.gather(views);
        std::size_t total = 0;
        for (std::size_t i = 0; i < gather_batch; ++i) {
            buffers[i] = i < n ? net::buffer(views[i]) : net::const_buffer();
            total += buffers[i].size();
        }
        return total;
    }
};

// What the socket did not take: the oldest batch, by async_write. A
// coroutine of its own, so its arrays exist only while a write is pending.
awaitable<bool> write_rest(hub_subscriber& s) {
    auto writer = stream_writer_for(s.socket, s.control);
    gathered g;
    g.fill(s.sub);
    const auto result = co_await writer.finish(g.buffers);
    s.sub.consume(result.bytes);
    co_return !result.ec;
}

// A heartbeat comment, through the writer's fast path. A coroutine of its
// own, so the writer is in a frame only while a heartbeat is being sent.
awaitable<bool> send_heartbeat(hub_subscriber& s) {
    static constexpr std::string_view comment = ":\n";
    auto writer = stream_writer_for(s.socket, s.control);
    std::array<net::const_buffer, 1> bytes{net::buffer(comment)};
    const auto result = co_await writer.write(bytes);
    co_return !result.ec;
}

// The stream: one coroutine per subscriber. It writes what deliver() queued
// (the replay first), and otherwise sleeps on the wake timer until deliver()
// has something it could not send itself, a heartbeat is due, the token
// expires, or `watch` sees the client leave.
awaitable<stream_end> write_updates(hub_subscriber& s, const client_watch& watch,
                                    clock::duration heartbeat, clock::time_point expires) {
    for (;;) {
        if (const auto left = watch.left())
            co_return *left;
        if (cancelled(co_await net::this_coro::cancellation_state))
            co_return stream_end::cancelled;
        if (s.sub.slow())
            co_return stream_end::cancelled; // cut() has stopped the connection already
        if (expires != clock::time_point::max() && clock::now() >= expires)
            co_return stream_end::completed; // busy or idle, the token's end is the stream's
        if (s.full() && s.sub.empty())
            co_return stream_end::completed; // --max-events, all of them written

        if (!s.sub.empty()) {
            if (!send_queued(s, clock::now()) && !co_await write_rest(s))
                co_return watch.left().value_or(stream_end::write_failed);
            s.last_write = clock::now();
            continue;
        }

        // Nothing queued: sleep until woken, a heartbeat is due, or the
        // token expires (the draft: close no later than `exp`; the same timer
        // serves, so an expiring stream costs nothing more). Heartbeats
        // follow silence only: deliver() moves last_write on each send, so
        // the timer is re-armed rather than a comment sent.
        const auto now = clock::now();
        const auto due =
            heartbeat.count() > 0 ? s.last_write + heartbeat : clock::time_point::max();
        if (due <= now) {
            s.last_write = now;
            if (!co_await send_heartbeat(s))
                co_return watch.left().value_or(stream_end::write_failed);
            continue;
        }
        s.wake.expires_at(std::min(due, expires));
        s.waiting = true;
        (void)co_await s.wake.async_wait(use_tuple);
        s.waiting = false;
        // Woken (the timer cancelled by deliver or by the watch), due, or
        // cancelled: the top of the loop tells which.
    }
}

std::string opening_bytes(const hub_stream_request& request, const options& opts,
                          const std::optional<std::string>& last_event_id) {
    auto head = sse::event_stream_head();
    for (const auto& [name, value] : request.cors)
        head.set(name, value);
    if (last_event_id) {
        head.set("Mercure-Last-Event-ID", *last_event_id);
        // Draft-07 clients read the same value from Last-Event-ID.
        head.set("Last-Event-ID", *last_event_id);
    }
    auto bytes = head.str();
    if (!request.head_only) {
        bytes += ":\n"; // an opening comment: the client sees the stream open at once
        if (opts.retry) // the reconnection delay, as the ticker sends it (main validated it)
            (void)sse::encode_retry(*opts.retry, bytes);
    }
    return bytes;
}

// The stream's start: the resume seam, the replay and the head. A
// coroutine of its own, so its locals (the replay, the head's bytes, the
// awaited operations' results) are freed before the stream settles in for
// hours. True if the stream is open; otherwise the socket is closed.
awaitable<bool> open_stream(tcp::socket& socket, connection_control& control,
                            const session_context& ctx, const hub_stream_request& request,
                            hub_subscriber& s, std::optional<registration>& registered) {
    const auto& opts = ctx.opts;

    // The resume seam: history first, then live, no gap and no duplicate.
    //
    // The subscriber is registered first, holding: from then on every update
    // this worker receives (through its inbox, in sequence order) is kept in
    // `s.held`. Then the backbone snapshots the history: the replay, and the
    // point it covers (epoch and position of the newest update at snapshot
    // time). Every update after that point was stored after the snapshot, so
    // after the registration, so it reaches this worker after the
    // registration: it is held now or comes live later, never missed. Updates
    // up to that point are in the replay (or deliberately not); those also
    // held or still on their way are dropped by position
    // (hub_worker::admit). release_held() then queues the held updates
    // behind the replay, in order.
    //
    // One node (memory_backbone) snapshots without suspending, so nothing is
    // held there; a cluster (redis_backbone) reads Redis, and the worker
    // keeps delivering meanwhile. Registering first is what makes the
    // argument hold when the snapshot is asynchronous, and it does not
    // depend on the subscriber's socket (HTTP/2 streams later).
    if (!request.head_only) {
        s.holding = true;
        registered.emplace(*ctx.hub_local, s);
    }
    auto replay = co_await ctx.hub->backbone().resume(
        request.resume.requested, std::string(request.resume.last_event_id),
        [&s](const hub::update& u) { return s.sub.wants(u); });
    if (replay.unavailable) {
        registered.reset();
        header_fields fields{{"Retry-After", "1"}};
        fields.insert(fields.end(), request.cors.begin(), request.cors.end());
        co_await respond_and_close(
            socket, http::error_response(503, "the hub cannot read its history right now", fields),
            &control);
        co_return false;
    }
    s.replay_epoch = replay.epoch;
    s.replay_position = replay.last_position;
    s.sub.start_after(replay.last_sequence);
    // With --max-events a replay longer than the limit is cut to it; the
    // stream then accepts nothing live, and the next one resumes after the
    // last update this one wrote.
    s.max_events = opts.max_events;
    if (s.max_events != 0 && replay.updates.size() > s.max_events)
        replay.updates.resize(s.max_events);
    s.taken = replay.updates.size();
    if (!request.head_only) {
        s.sub.preload(std::move(replay.updates));
        ctx.hub_local->release_held(s);
    }

    // The head and the opening comment in one write. deliver() only queues
    // meanwhile (s.waiting is false), behind the replay.
    const auto opening = opening_bytes(request, opts, replay.response_last_event_id);
    if (auto ec = co_await watched_write(socket, control, opening)) {
        socket.close(ec);
        co_return false;
    }
    if (request.head_only) {
        std::string no_body;
        co_await respond_and_close(socket, std::move(no_body));
        co_return false;
    }
    if (cancelled(co_await net::this_coro::cancellation_state)) {
        error_code ignored;
        socket.close(ignored);
        co_return false;
    }
    co_return true;
}

// The subscriber's whole stream. Its frame lives as long as the stream, so
// the request is held through a pointer and freed once the stream is open.
awaitable<void> stream_updates(tcp::socket& socket, connection_control& control,
                               const session_context& ctx,
                               std::unique_ptr<hub_stream_request> request) {
    const auto& opts = ctx.opts;
    hub_subscriber s(hub::subscription(std::move(request->matchers), std::move(request->grant),
                                       {opts.subscriber_queue, opts.subscriber_queue_bytes}),
                     socket, control);
    // Plain non-blocking calls next to the asynchronous waits: the writer's
    // send_now(), from the head on, and read_some() in drain_input.
    error_code ec;
    socket.non_blocking(true, ec);
    std::optional<registration> registered;
    if (!co_await open_stream(socket, control, ctx, *request, s, registered))
        co_return;

    // After the head: a subscription is active once its stream is open.
    std::optional<active_subscriptions> active;
    if (ctx.hub->subscriptions_enabled())
        active.emplace(*ctx.hub, *request);
    // The rest of the request is done with: free it for the stream's life.
    const auto expires = request->expires.value_or(clock::time_point::max());
    request.reset();

    const auto streams = stream_opened(ctx, endpoint::hub);
    ctx.log.info("subscriber connected matchers=", s.sub.matchers().size(),
                 " replay=", s.sub.queued_count(), " streams=", streams);

    // One coroutine per stream, as in the ticker: the writer, with the
    // client watched by a plain handler (client_watch). Shutdown, the
    // write-timeout sweep and cut() reach the writer through the
    // connection's cancellation slot.
    client_watch watch(socket, s.wake);
    watch.start();
    const auto end = co_await write_updates(s, watch, clock::duration(opts.heartbeat), expires);
    co_await watch.stop();
    const bool completed = end == stream_end::completed;
    const bool counted_out = completed && s.full() && s.sub.empty();

    stream_closed(ctx, endpoint::hub, control, "subscriber",
                  counted_out ? disconnect::max_events
                  : completed ? disconnect::token_expired
                              : disconnect::client_left,
                  counted_out ? "closing subscriber: stream complete (--max-events)"
                  : completed ? "closing subscriber: token expired"
                              : "subscriber left");
    registered.reset();
    active.reset();
    socket.close(ec);
}

} // namespace

awaitable<void> serve_hub_stream(tcp::socket& socket, connection_control& control,
                                 const session_context& ctx, hub_stream_request request) {
    // Not a coroutine: `request` moves to the heap, and the stream's frame
    // holds a pointer to it, not its 200-odd bytes for the stream's life.
    return stream_updates(socket, control, ctx,
                          std::make_unique<hub_stream_request>(std::move(request)));
}

bool send_queued(hub_subscriber& s, clock::time_point now) {
    // Not a coroutine: the gather arrays live on the stack, not in every
    // subscriber's frame (half a KiB each, held by idle subscribers for
    // nothing). The writer is made per call: a reference and two pointers.
    auto writer = stream_writer_for(s.socket, s.control);
    gathered g;
    while (!s.sub.empty()) {
        const auto total = g.fill(s.sub);
        const auto sent = writer.send_now(g.buffers);
        s.sub.consume(sent);
        if (sent > 0)
            s.last_write = now;
        if (sent < total)
            return false; // the socket's buffer is full, or an error async_write reports
    }
    return true;
}

} // namespace herald::app
