#include "hub/hub.hpp"

#include <algorithm>

namespace herald::app {

namespace {

// The index keys of one subscriber: its matchers, each once. Exact matchers
// and draft-07 templates without expressions key the hash map by their
// pattern; `*` goes to the wildcard list. Other kinds are refused before a
// subscriber gets here (routes.cpp) until herald_match compiles them.
template <typename F>
void for_each_key(const hub::subscription& sub, F&& f) {
    std::vector<const hub::matcher_spec*> seen;
    for (const auto& m : sub.matchers()) {
        const bool wildcard = m.is_wildcard();
        const auto same = [&](const hub::matcher_spec* o) {
            return wildcard ? o->is_wildcard() : o->pattern == m.pattern;
        };
        if (std::any_of(seen.begin(), seen.end(), same))
            continue;
        seen.push_back(&m);
        f(wildcard, m.pattern);
    }
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

void hub_worker::add(hub_subscriber& s) {
    for_each_key(s.sub, [&](bool wildcard, const std::string& pattern) {
        (wildcard ? wildcard_ : exact_[pattern]).push_back(&s);
    });
    ++count_;
}

void hub_worker::remove(hub_subscriber& s) {
    for_each_key(s.sub, [&](bool wildcard, const std::string& pattern) {
        if (wildcard) {
            std::erase(wildcard_, &s);
            return;
        }
        const auto it = exact_.find(pattern);
        if (it == exact_.end())
            return;
        std::erase(it->second, &s);
        if (it->second.empty())
            exact_.erase(it);
    });
    --count_;
}

void hub_worker::deliver(const hub::update_ptr& u) {
    // Per update: one hash lookup per topic. Per subscriber: the checks below
    // and, usually, one send(). Nothing here suspends or re-enters: waking a
    // writer (cancel) and cutting a subscriber (emit) only queue completions,
    // so the index cannot change while it is walked.
    std::chrono::steady_clock::time_point now{};
    const auto offer = [&](hub_subscriber* s) {
        auto& sub = s->sub;
        // accept() also drops the second delivery of an update that matches
        // through two topics, and live updates the replay already covered.
        if (sub.slow() || !sub.may_receive(*u) || !sub.accept(*u))
            return;
        std::size_t sent = 0;
        if (s->waiting && sub.empty()) {
            // The fast path: the writer is idle and the socket's send buffer
            // almost always has room.
            error_code ec;
            sent = s->socket.send(net::buffer(u->encoded), 0, ec);
            if (ec)
                sent = 0; // would_block, or an error the writer's async_write reports
            if (now == std::chrono::steady_clock::time_point{})
                now = std::chrono::steady_clock::now();
            s->last_write = now;
            if (sent == u->encoded.size())
                return;
        }
        if (!sub.push(u, sent)) {
            cut(*s);
            return;
        }
        if (s->waiting)
            s->wake.cancel(); // the writer finishes what send() could not
    };
    for (auto* s : wildcard_)
        offer(s);
    for (const auto& topic : u->topics)
        if (const auto it = exact_.find(topic); it != exact_.end())
            for (auto* s : it->second)
                offer(s);
}

hub_node::hub_node(const options& opts)
    : location_(*hub::hub_location::parse(opts.hub_url_or_default()))
    , limits_{opts.max_topics, opts.max_field_bytes}
    , history_(opts.history_size, opts.history_bytes) {}

void hub_node::attach(net::io_context& ctx, hub_worker& worker) {
    workers_.emplace_back(&ctx, &worker);
}

hub::publish_result hub_node::publish(const std::vector<http::form_field>& fields,
                                      const hub::topic_grant& allowed) {
    auto result = hub::validate_publish(fields, location_, limits_, ids_);
    if (!result.accepted)
        return result;
    // Every topic, canonical and alternate, or nothing is dispatched.
    if (!allowed.covers_all(*result.accepted))
        return {nullptr, {403, "the token does not grant publish on every topic"}};
    // Numbering, keeping and posting happen under one lock, so every worker
    // receives the updates in sequence order: the resume seam relies on it
    // (see serve_hub_stream).
    history_.append(result.accepted, [this](const hub::update_ptr& u) {
        for (auto [ctx, worker] : workers_)
            net::post(*ctx, [worker, u] { worker->deliver(u); });
    });
    return result;
}

} // namespace herald::app
