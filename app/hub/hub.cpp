#include "hub/hub.hpp"

#include "herald/redis/url.hpp"
#include "herald/sse/encoder.hpp"
#include "herald/sse/stream_writer.hpp"
#include "hub/memory_backbone.hpp"
#include "hub/redis_backbone.hpp"
#include "stream_io.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>

namespace herald::app {

namespace {

// RFC 6570 simple expansion of one variable: everything but the unreserved
// characters percent-encoded, once, `%` included.
std::string expand(std::string_view value) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : value) {
        if (std::isalnum(c) != 0 && c < 0x80)
            out += char(c);
        else if (c == '-' || c == '.' || c == '_' || c == '~')
            out += char(c);
        else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    return out;
}

std::string_view match_type_name(hub::matcher_kind kind) {
    switch (kind) {
    case hub::matcher_kind::exact:
        return "exact";
    case hub::matcher_kind::urlpattern:
        return "urlpattern";
    case hub::matcher_kind::uritemplate:
        return "uritemplate"; // draft-07's `topic` parameter
    }
    return "exact";
}

void cut(hub_subscriber& s) {
    // The subscriber fell too far behind: end its connection now, even if a
    // write is pending (that write is why it fell behind). Its client
    // reconnects with Last-Event-ID and catches up from the history.
    if (s.control.reason != stop_reason::none)
        return;
    s.control.reason = stop_reason::slow_consumer;
    s.control.stop.emit(net::cancellation_type::terminal);
}

} // namespace

void hub_worker::enqueue(hub::update_ptr u) {
    {
        std::lock_guard lock(inbox_mutex_);
        inbox_.push_back(std::move(u));
        if (scheduled_)
            return; // the drain already posted takes this one too
        scheduled_ = true;
    }
    // Posted after the inbox's lock is released. The worker's thread, woken
    // by the post, takes that lock first thing in drain(): posting under it
    // made the worker wake only to sleep again on the lock (a futex wait and
    // two more context switches per update, measured).
    net::post(*ctx_, [this] { drain(); });
}

void hub_worker::drain() {
    {
        std::lock_guard lock(inbox_mutex_);
        if (taken_.empty())
            taken_.swap(inbox_); // inbox_ takes taken_'s emptied buffer: no allocation
        else
            taken_.insert(taken_.end(), std::make_move_iterator(inbox_.begin()),
                          std::make_move_iterator(inbox_.end()));
        inbox_.clear();
        scheduled_ = false;
    }
    if (!continuing_) // else the paused fan-out comes to these updates after its own
        deliver();
}

void hub_worker::deliver() {
    continuing_ = false;
    std::size_t budget = subscribers_per_turn;
    for (;;) {
        while (fanout_at_ < fanout_.size()) {
            if (budget == 0) {
                // The rest in a later turn: what else is ready on this loop
                // (other sockets, timers, posted work) runs first.
                continuing_ = true;
                net::post(*ctx_, [this] { deliver(); });
                return;
            }
            auto* s = fanout_[fanout_at_++];
            if (s == nullptr)
                continue; // left while the fan-out was paused
            s->fanout_slot = hub_subscriber::not_listed;
            --budget;
            if (fanout_update_) {
                offer(*s, fanout_update_, fanout_first_write_);
                continue;
            }
            // What start_batch queued. A busy writer (a write pending)
            // drains the queue itself.
            if (!s->waiting || s->sub.slow())
                continue;
            send_queued(*s, std::chrono::steady_clock::now());
            // The writer finishes what send() could not, or ends the stream
            // (--max-events).
            if (!s->sub.empty() || s->full())
                s->wake.cancel();
        }
        // Publish to the first write on this worker, once per worker that wrote.
        if (fanout_update_ && counters &&
            fanout_first_write_ != std::chrono::steady_clock::time_point{})
            counters->latency(
                std::chrono::duration<double>(fanout_first_write_ - fanout_update_->accepted_at)
                    .count());
        fanout_.clear();
        fanout_at_ = 0;
        fanout_update_.reset();
        fanout_first_write_ = {};

        const auto left = taken_.size() - taken_at_;
        if (left == 0) {
            taken_.clear();
            taken_at_ = 0;
            return;
        }
        // One update: written straight from the update's bytes. Several (the
        // worker fell behind the publishers): queued per subscriber, then one
        // gather-write per subscriber for the whole batch. The busier the
        // hub, the fewer system calls per delivered event.
        if (left == 1)
            start_update(taken_[taken_at_]);
        else
            start_batch(std::span(taken_).subspan(taken_at_));
        taken_at_ = taken_.size();
    }
}

void hub_worker::list(hub_subscriber& s) {
    s.fanout_slot = fanout_.size();
    fanout_.push_back(&s);
}

void hub_worker::start_update(const hub::update_ptr& u) {
    // Per update: one hash lookup per topic, and one evaluation per distinct
    // URL pattern or template any subscriber here uses. Per subscriber
    // (listed once, however many of its matchers match): the checks in
    // admit() and, usually, one send(), in deliver().
    fanout_update_ = u;
    index_.for_each_match(u->topics, [&](hub_subscriber* s) { list(*s); });
}

void hub_worker::start_batch(std::span<const hub::update_ptr> batch) {
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
            if (s->fanout_slot == hub_subscriber::not_listed)
                list(*s);
        });
        // Timed to when the batch is queued: its writes follow in deliver().
        if (counters && matched)
            counters->latency(std::chrono::duration<double>(now - u->accepted_at).count());
    }
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
        // almost always has room. What it does not take (or an error) is
        // the writer's to finish.
        std::array<net::const_buffer, 1> bytes{net::buffer(u->encoded)};
        sent = stream_writer_for(s.socket, s.control).send_now(bytes);
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
    subscriptions_ = opts.subscriptions;
    auto path = std::string(location_.path());
    if (!path.empty() && path.back() == '/')
        path.pop_back();
    subscriptions_path_ = path + "/subscriptions";
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
    r.share_subscriptions = opts.subscriptions;
    r.node_ttl = opts.redis_node_ttl;
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
    if (subscriptions_) {
        std::lock_guard lock(last_id_mutex_);
        last_id_ = u->id;
    }
    for (const auto& [ctx, worker] : workers_)
        worker->enqueue(u); // posts to ctx when the worker's inbox was empty
}

std::string subscription_document(const active_subscription& s, bool active) {
    nlohmann::ordered_json doc;
    doc["id"] = s.id;
    doc["type"] = "subscription";
    doc["match_type"] = s.match_type;
    doc["match"] = s.match;
    doc["subscriber"] = s.subscriber;
    doc["active"] = active;
    if (s.payload) {
        auto payload = nlohmann::ordered_json::parse(*s.payload, nullptr, false);
        if (!payload.is_discarded())
            doc["payload"] = std::move(payload);
    }
    return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

// The record a cluster keeps in Redis for one active subscription.
std::string encode_record(const active_subscription& s) {
    nlohmann::json record{{"id", s.id},
                          {"match_type", s.match_type},
                          {"match", s.match},
                          {"subscriber", s.subscriber}};
    if (s.payload)
        record["payload"] = *s.payload;
    return record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<active_subscription> decode_record(std::string_view text) {
    const auto record = nlohmann::json::parse(text, nullptr, false);
    if (!record.is_object())
        return std::nullopt;
    active_subscription s;
    const auto take = [&](const char* name, std::string& out) {
        const auto it = record.find(name);
        if (it == record.end() || !it->is_string())
            return false;
        out = it->get<std::string>();
        return true;
    };
    if (!take("id", s.id) || !take("match_type", s.match_type) || !take("match", s.match) ||
        !take("subscriber", s.subscriber))
        return std::nullopt;
    if (std::string payload; take("payload", payload))
        s.payload = std::move(payload);
    return s;
}

// "/a/b" covers "/a/b/x" and "/a/b" itself, not "/a/bc/x".
bool covers(std::string_view prefix, std::string_view id) {
    return id.substr(0, prefix.size()) == prefix &&
           (id.size() == prefix.size() || id[prefix.size()] == '/');
}

// One subscriber's changes, shared (a cluster writes them to Redis) before
// their events are published: a node that has seen an event can list what
// it announces.
awaitable<void> share_and_announce(hub_backbone& backbone, std::vector<active_subscription> changed,
                                   bool active, std::vector<std::shared_ptr<hub::update>> events) {
    if (backbone.shares_subscriptions()) {
        for (const auto& s : changed) {
            // Named before the co_await: GCC 12 frees temporaries in it too early.
            std::optional<std::string> record;
            if (active)
                record = encode_record(s);
            co_await backbone.share_subscription(s.id, std::move(record));
        }
    }
    for (auto& u : events) {
        u->accepted_at = std::chrono::steady_clock::now();
        (void)co_await backbone.publish(std::move(u));
    }
}

} // namespace

std::shared_ptr<hub::update> hub_node::subscription_update(const active_subscription& s,
                                                           bool active) {
    auto u = std::make_shared<hub::update>();
    u->id = ids_.next();
    u->topics.emplace_back(s.id, location_.base());
    u->is_private = true;
    u->type = "mercure";
    sse::event e;
    e.id = u->id;
    e.type = u->type;
    e.data = subscription_document(s, active);
    if (sse::encode(e, u->encoded))
        return nullptr; // ids, the type and a JSON dump always encode; defence
    return u;
}

void hub_node::announce(std::vector<active_subscription> changed, bool active) {
    if (closed_.load() || workers_.empty())
        return;
    // Stored like publishes, from the first worker's loop: the caller may be
    // a stream's destructor, which cannot wait. The events skip
    // validate_publish: the reserved namespace and type are the hub's.
    std::vector<std::shared_ptr<hub::update>> events;
    for (const auto& s : changed)
        if (auto u = subscription_update(s, active))
            events.push_back(std::move(u));
    net::co_spawn(*workers_.front().first,
                  share_and_announce(*backbone_, std::move(changed), active, std::move(events)),
                  net::detached);
}

std::string hub_node::subscribed(const std::vector<hub::matcher_spec>& matchers,
                                 const std::optional<std::string>& payload) {
    auto subscriber = ids_.next();
    std::vector<active_subscription> added;
    for (const auto& spec : matchers) {
        active_subscription s;
        s.match_type = std::string(match_type_name(spec.kind));
        s.match = spec.pattern;
        s.subscriber = subscriber;
        s.payload = payload;
        s.id = subscriptions_path_ + "/" + s.match_type + "/" + expand(s.match) + "/" +
               expand(subscriber);
        added.push_back(std::move(s));
    }
    {
        std::lock_guard lock(subscriptions_mutex_);
        for (auto it = added.begin(); it != added.end();) {
            // A repeated matcher is one subscription.
            if (active_.emplace(it->id, *it).second)
                ++it;
            else
                it = added.erase(it);
        }
    }
    announce(std::move(added), true);
    return subscriber;
}

void hub_node::unsubscribed(const std::string& subscriber) {
    std::vector<active_subscription> removed;
    {
        std::lock_guard lock(subscriptions_mutex_);
        for (auto it = active_.begin(); it != active_.end();) {
            if (it->second.subscriber == subscriber) {
                removed.push_back(std::move(it->second));
                it = active_.erase(it);
            } else {
                ++it;
            }
        }
    }
    announce(std::move(removed), false);
}

std::vector<active_subscription> hub_node::subscriptions(std::string_view prefix) const {
    std::vector<active_subscription> found;
    std::lock_guard lock(subscriptions_mutex_);
    for (auto it = active_.lower_bound(std::string(prefix)); it != active_.end(); ++it) {
        if (it->first.compare(0, prefix.size(), prefix) != 0)
            break;
        if (covers(prefix, it->first))
            found.push_back(it->second);
    }
    return found;
}

awaitable<std::optional<std::vector<active_subscription>>>
hub_node::all_subscriptions(std::string prefix) const {
    if (!backbone_->shares_subscriptions())
        co_return subscriptions(prefix);
    auto records = co_await backbone_->shared_subscriptions();
    if (!records)
        co_return std::nullopt;
    std::vector<active_subscription> found;
    for (const auto& text : *records) {
        auto s = decode_record(text);
        if (s && covers(prefix, s->id))
            found.push_back(std::move(*s));
    }
    // In id order, as one node lists them.
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    co_return found;
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
