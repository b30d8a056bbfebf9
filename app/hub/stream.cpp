// app/hub/stream.cpp — one subscriber's stream: the resume seam, the writer,
// and the race against the client leaving.
#include "herald/http/response.hpp"
#include "herald/sse/encoder.hpp"
#include "herald/sse/stream_writer.hpp"
#include "hub/hub.hpp"
#include "hub/routes.hpp"
#include "stream_io.hpp"

#include <algorithm>
#include <array>

namespace herald::app {
namespace {

using namespace net::experimental::awaitable_operators;
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

// Plain non-blocking send()s of what the queue holds, as in the ticker, as
// far as the socket takes it; true when the queue is empty. Not a coroutine,
// so the gather arrays live on the stack and not in every subscriber's frame
// (half a KiB each, held by idle subscribers for nothing).
bool send_now(hub_subscriber& s) {
    gathered g;
    while (!s.sub.empty()) {
        const auto total = g.fill(s.sub);
        error_code ec;
        const auto sent = s.socket.send(g.buffers, 0, ec);
        if (ec)
            return false; // would_block, or an error async_write reports
        s.control.bytes_written += sent;
        s.sub.consume(sent);
        if (sent < total)
            return false;
    }
    return true;
}

// What the socket did not take: the oldest batch, by async_write. A
// coroutine of its own, so its arrays exist only while a write is pending.
awaitable<bool> write_rest(hub_subscriber& s) {
    gathered g;
    g.fill(s.sub);
    s.control.write_pending_since = clock::now();
    auto [ec, n] = co_await net::async_write(s.socket, g.buffers, use_tuple);
    s.control.write_pending_since = {};
    s.control.bytes_written += n;
    s.sub.consume(n);
    co_return !ec;
}

// The writer: one arm of the race. It writes what deliver() queued (the
// replay first), and otherwise sleeps on the wake timer until deliver() has
// something it could not send itself, or until a heartbeat is due.
awaitable<stream_end> write_updates(hub_subscriber& s, clock::duration heartbeat,
                                    clock::time_point expires) {
    static constexpr std::string_view heartbeat_comment = ":\n";
    for (;;) {
        if (cancelled(co_await net::this_coro::cancellation_state))
            co_return stream_end::cancelled;
        if (s.sub.slow())
            co_return stream_end::cancelled; // cut() has stopped the connection already
        if (expires != clock::time_point::max() && clock::now() >= expires)
            co_return stream_end::completed; // busy or idle, the token's end is the stream's
        if (s.full() && s.sub.empty())
            co_return stream_end::completed; // --max-events, all of them written

        if (!s.sub.empty()) {
            if (!send_now(s) && !co_await write_rest(s))
                co_return stream_end::write_failed;
            s.last_write = clock::now();
            continue;
        }

        // Nothing queued: sleep until woken, a heartbeat is due, or the
        // token expires (the draft: close no later than `exp`; the same timer
        // serves, so an expiring stream costs no extra race arm). Heartbeats
        // follow silence only: deliver() moves last_write on each send, so
        // the timer is re-armed rather than a comment sent.
        const auto now = clock::now();
        const auto due =
            heartbeat.count() > 0 ? s.last_write + heartbeat : clock::time_point::max();
        if (due <= now) {
            s.last_write = now;
            error_code ec;
            auto sent = s.socket.send(net::buffer(heartbeat_comment), 0, ec);
            if (ec)
                sent = 0;
            s.control.bytes_written += sent;
            if (sent < heartbeat_comment.size()) {
                s.control.write_pending_since = now;
                auto [write_ec, n] = co_await net::async_write(
                    s.socket, net::buffer(heartbeat_comment.substr(sent)), use_tuple);
                s.control.write_pending_since = {};
                s.control.bytes_written += n;
                if (write_ec)
                    co_return stream_end::write_failed;
            }
            continue;
        }
        s.wake.expires_at(std::min(due, expires));
        s.waiting = true;
        (void)co_await s.wake.async_wait(use_tuple);
        s.waiting = false;
        // Woken (the timer cancelled by deliver), due, or cancelled: the top
        // of the loop tells which.
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

} // namespace

awaitable<void> serve_hub_stream(tcp::socket& socket, connection_control& control,
                                 const session_context& ctx, hub_stream_request request) {
    const auto& opts = ctx.opts;
    const auto resume = std::move(request.resume);
    hub_subscriber s(hub::subscription(std::move(request.matchers), std::move(request.grant),
                                       {opts.subscriber_queue, opts.subscriber_queue_bytes}),
                     socket, control);

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
    std::optional<registration> registered;
    if (!request.head_only) {
        s.holding = true;
        registered.emplace(*ctx.hub_local, s);
    }
    auto replay =
        co_await ctx.hub->backbone().resume(resume.requested, std::string(resume.last_event_id),
                                            [&s](const hub::update& u) { return s.sub.wants(u); });
    if (replay.unavailable) {
        registered.reset();
        header_fields fields{{"Retry-After", "1"}};
        fields.insert(fields.end(), request.cors.begin(), request.cors.end());
        co_await respond_and_close(
            socket, http::error_response(503, "the hub cannot read its history right now", fields),
            &control);
        co_return;
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

    {
        // The head and the opening comment in one write. deliver() only
        // queues meanwhile (s.waiting is false), behind the replay.
        const auto opening = opening_bytes(request, opts, replay.response_last_event_id);
        if (auto ec = co_await watched_write(socket, control, net::buffer(opening), clock::now())) {
            socket.close(ec);
            co_return;
        }
    }
    if (request.head_only) {
        std::string no_body;
        co_await respond_and_close(socket, std::move(no_body));
        co_return;
    }
    if (cancelled(co_await net::this_coro::cancellation_state)) {
        error_code ignored;
        socket.close(ignored);
        co_return;
    }
    error_code ec;
    socket.non_blocking(true, ec);

    // After the head: a subscription is active once its stream is open.
    std::optional<active_subscriptions> active;
    if (ctx.hub->subscriptions_enabled())
        active.emplace(*ctx.hub, request);

    const auto streams = ++ctx.open_streams;
    if (ctx.counters)
        ctx.counters->streams_open[std::size_t(endpoint::hub)].add();
    ctx.log.info("subscriber connected matchers=", s.sub.matchers().size(),
                 " replay=", s.sub.queued_count(), " streams=", streams);

    // The race, once per stream, as in the ticker: the writer against the
    // disconnect watcher; shutdown, the write-timeout sweep and cut() reach
    // both arms through the connection's cancellation slot.
    const auto outcome =
        co_await (write_updates(s, clock::duration(opts.heartbeat),
                                request.expires.value_or(clock::time_point::max())) ||
                  watch_disconnect(socket));
    const bool completed = outcome.index() == 0 && std::get<0>(outcome) == stream_end::completed;
    const bool counted_out = completed && s.full() && s.sub.empty();

    const auto left = --ctx.open_streams;
    if (ctx.counters) {
        ctx.counters->streams_open[std::size_t(endpoint::hub)].sub();
        const auto otherwise = counted_out ? disconnect::max_events
                               : completed ? disconnect::token_expired
                                           : disconnect::client_left;
        ctx.counters->disconnects[std::size_t(disconnect_reason(control.reason, otherwise))].add();
    }
    switch (control.reason) {
    case stop_reason::slow_consumer:
        ctx.log.warn("cutting slow subscriber: queue full streams=", left);
        break;
    case stop_reason::write_timeout:
        ctx.log.warn("cutting subscriber: no data taken for ", opts.write_timeout.count(),
                     "ms streams=", left);
        break;
    case stop_reason::shutdown:
        ctx.log.info("disconnecting subscriber: server shutting down streams=", left);
        break;
    case stop_reason::none:
        ctx.log.info(counted_out ? "closing subscriber: stream complete (--max-events)"
                     : completed ? "closing subscriber: token expired"
                                 : "subscriber left",
                     " streams=", left);
        break;
    }
    registered.reset();
    active.reset();
    socket.close(ec);
}

} // namespace herald::app
