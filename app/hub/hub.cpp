#include "hub/hub.hpp"

#include "herald/redis/url.hpp"
#include "hub/memory_backbone.hpp"
#include "hub/redis_backbone.hpp"

#include <algorithm>
#include <array>

namespace herald::app {

namespace {

void cut(hub_subscriber& s) {
    // The subscriber fell too far behind: end its connection now, even if a
    // write is pending (that write is why it fell behind). Its client
    // reconnects with Last-Event-ID and catches up from the history.
    if (s.control.reason != stop_reason::none)
        return;
    s.control.reason = stop_reason::slow_consumer;
    s.control.stop.emit(net::cancellation_type::terminal);
}

// Writes what the subscriber's queue holds with plain non-blocking send()s,
// as far as the socket takes it. For an idle writer only.
void send_queued(hub_subscriber& s, std::chrono::steady_clock::time_point now) {
    constexpr std::size_t batch = 16;
    std::array<std::string_view, batch> views;
    std::array<net::const_buffer, batch> buffers;
    while (!s.sub.empty()) {
        const auto n = s.sub.gather(views);
        std::size_t total = 0;
        for (std::size_t i = 0; i < batch; ++i) {
            buffers[i] = i < n ? net::buffer(views[i]) : net::const_buffer();
            total += buffers[i].size();
        }
        error_code ec;
        const auto sent = s.socket.send(buffers, 0, ec);
        if (ec)
            return; // would_block, or an error the writer's async_write reports
        s.sub.consume(sent);
        s.last_write = now;
        if (sent < total)
            return;
    }
}

} // namespace

void hub_worker::enqueue(hub::update_ptr u) {
    std::lock_guard lock(inbox_mutex_);
    inbox_.push_back(std::move(u));
    if (!scheduled_) {
        scheduled_ = true;
        net::post(*ctx_, [this] { drain(); });
    }
}

void hub_worker::drain() {
    {
        std::lock_guard lock(inbox_mutex_);
        batch_.swap(inbox_); // inbox_ takes batch_'s emptied buffer: no allocation
        scheduled_ = false;
    }
    // One update: written straight from the update's bytes. Several (the
    // worker fell behind the publishers): queued per subscriber, then one
    // gather-write per subscriber for the whole batch. The busier the hub,
    // the fewer system calls per delivered event.
    if (batch_.size() == 1)
        deliver(batch_.front());
    else
        deliver_batch(batch_);
    batch_.clear();
}

void hub_worker::deliver_batch(const std::vector<hub::update_ptr>& batch) {
    const auto now = std::chrono::steady_clock::now();
    for (const auto& u : batch) {
        bool matched = false;
        index_.for_each_match(u->topics, [&](hub_subscriber* s) {
            auto& sub = s->sub;
            if (!admit(*s, u))
                return;
            // A batch longer than the queue bound must not cut a subscriber
            // that keeps up: an idle one gets what is queued so far first.
            if (!sub.has_room(*u) && s->waiting)
                send_queued(*s, now);
            if (!sub.push(u)) {
                cut(*s);
                return;
            }
            matched = true;
            if (counters)
                counters->events_delivered[std::size_t(endpoint::hub)].add();
            if (!s->dirty) {
                s->dirty = true;
                dirty_.push_back(s);
            }
        });
        // Timed to the batch's start: its writes follow in this same turn.
        if (counters && matched)
            counters->latency(std::chrono::duration<double>(now - u->accepted_at).count());
    }
    for (auto* s : dirty_) {
        s->dirty = false;
        // A busy writer (a write pending) drains the queue itself.
        if (!s->waiting || s->sub.slow())
            continue;
        send_queued(*s, now);
        // The writer finishes what send() could not, or ends the stream
        // (--max-events).
        if (!s->sub.empty() || s->full())
            s->wake.cancel();
    }
    dirty_.clear();
}

bool hub_worker::admit(hub_subscriber& s, const hub::update_ptr& u) {
    // Being stopped (cut, shutdown, write timeout): nothing more goes out, so
    // the last id its client saw is one it can resume after without a gap.
    if (s.control.reason != stop_reason::none)
        return false;
    auto& sub = s.sub;
    if (sub.slow() || !sub.may_receive(*u))
        return false;
    if (s.holding) {
        // Its replay is still being read: keep the update for release_held,
        // within the same bound as its queue.
        if (s.held.size() >= sub.limits().max_count)
            cut(s);
        else
            s.held.push_back(u);
        return false;
    }
    // Live updates the replay covered: by sequence on one node (accept()
    // below), by epoch and position in a cluster. accept() also drops the
    // second delivery of an update that matches through two topics.
    if (u->epoch == s.replay_epoch && u->position <= s.replay_position)
        return false;
    // With --max-events, a full stream takes nothing more: its successor
    // resumes from the last update it wrote.
    if (s.full() || !sub.accept(*u))
        return false;
    ++s.taken;
    return true;
}

void hub_worker::offer(hub_subscriber& s, const hub::update_ptr& u,
                       std::chrono::steady_clock::time_point& now) {
    if (!admit(s, u))
        return;
    auto& sub = s.sub;
    std::size_t sent = 0;
    if (s.waiting && sub.empty()) {
        // The fast path: the writer is idle and the socket's send buffer
        // almost always has room.
        error_code ec;
        sent = s.socket.send(net::buffer(u->encoded), 0, ec);
        if (ec)
            sent = 0; // would_block, or an error the writer's async_write reports
        if (now == std::chrono::steady_clock::time_point{})
            now = std::chrono::steady_clock::now();
        s.last_write = now;
        if (sent == u->encoded.size()) {
            if (counters)
                counters->events_delivered[std::size_t(endpoint::hub)].add();
            if (s.full())
                s.wake.cancel(); // the writer ends the stream (--max-events)
            return;
        }
    }
    if (!sub.push(u, sent)) {
        cut(s);
        return;
    }
    // Queued: the writer sends it (or the subscriber is cut, and that is
    // counted as a slow consumer).
    if (counters)
        counters->events_delivered[std::size_t(endpoint::hub)].add();
    if (s.waiting)
        s.wake.cancel(); // the writer finishes what send() could not
}

void hub_worker::deliver(const hub::update_ptr& u) {
    // Per update: one hash lookup per topic, and one evaluation per distinct
    // URL pattern or template any subscriber here uses. Per subscriber
    // (reported once, however many of its matchers match): the checks in
    // admit() and, usually, one send(). Nothing here suspends or re-enters:
    // waking a writer (cancel) and cutting a subscriber (emit) only queue
    // completions, so the index cannot change while it is walked.
    std::chrono::steady_clock::time_point now{};
    index_.for_each_match(u->topics, [&](hub_subscriber* s) { offer(*s, u, now); });
    // Publish to the first write on this worker, once per worker that wrote.
    if (counters && now != std::chrono::steady_clock::time_point{})
        counters->latency(std::chrono::duration<double>(now - u->accepted_at).count());
}

void hub_worker::release_held(hub_subscriber& s) {
    s.holding = false;
    auto held = std::move(s.held);
    s.held = {};
    std::chrono::steady_clock::time_point now{};
    for (const auto& u : held)
        offer(s, u, now);
}

void hub_worker::cut_all() {
    // cut() only emits cancellation (the sessions end later), so the set
    // does not change while it is walked.
    for (auto* s : all_)
        cut(*s);
}

hub_node::hub_node(const options& opts, logger& log)
    : location_(*hub::hub_location::parse(opts.hub_url_or_default()))
    , limits_{opts.max_topics, opts.max_field_bytes}
    , matchers_(location_.url(),
                [&] {
                    match::matcher_limits limits;
                    limits.max_pattern_bytes = opts.max_matcher_length;
                    return limits;
                }())
    , authorizer_(opts, matchers_, authorizer_error_) {
    if (opts.redis_url.empty()) {
        backbone_ = std::make_unique<memory_backbone>(opts.history_size, opts.history_bytes);
        return;
    }
    redis_backbone_options r;
    r.connect = redis::parse_url(opts.redis_url).options; // main checked it
    r.connect.command_timeout = opts.redis_timeout;
    r.connect.connect_timeout = std::max(opts.redis_timeout, milliseconds(1000));
    r.connect.client_name = "herald";
    r.prefix = opts.redis_prefix;
    r.history_size = opts.history_size;
    r.max_queued = std::max<std::size_t>(opts.subscriber_queue, 1000);
    backbone_ = std::make_unique<redis_backbone>(std::move(r), location_, log, [this] {
        for (auto [ctx, worker] : workers_)
            net::post(*ctx, [worker] { worker->cut_all(); });
    });
}

hub_node::~hub_node() {
    stop();
}

void hub_node::start() {
    backbone_->start([this](const hub::update_ptr& u) { post_to_workers(u); });
}

void hub_node::stop() {
    backbone_->stop();
}

void hub_node::post_to_workers(const hub::update_ptr& u) {
    for (const auto& [ctx, worker] : workers_)
        worker->enqueue(u); // posts to ctx when the worker's inbox was empty
}

match::compile_result hub_node::compile(const hub::matcher_spec& spec) {
    switch (spec.kind) {
    case hub::matcher_kind::exact:
        return matchers_.get(match::matcher_type::exact, spec.pattern);
    case hub::matcher_kind::urlpattern:
        return matchers_.get(match::matcher_type::urlpattern, spec.pattern);
    case hub::matcher_kind::uritemplate:
        // draft-07's `topic`: a template, or a plain string matched exactly
        return matchers_.get_topic_selector(spec.pattern);
    }
    return {};
}

void hub_node::attach(net::io_context& ctx, hub_worker& worker) {
    worker.ctx_ = &ctx;
    workers_.emplace_back(&ctx, &worker);
}

hub::publish_result hub_node::check_publish(const std::vector<http::form_field>& fields,
                                            const hub::topic_grant& allowed) {
    auto result = hub::validate_publish(fields, location_, limits_, ids_);
    if (!result.accepted)
        return result;
    // Every topic, canonical and alternate, or nothing is dispatched.
    if (!allowed.covers_all(*result.accepted))
        return {nullptr, {403, "the token does not grant publish on every topic"}};
    result.accepted->accepted_at = std::chrono::steady_clock::now();
    return result;
}

} // namespace herald::app
