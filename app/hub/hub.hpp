// app/hub/hub.hpp — the Mercure hub inside the server: one node shared by the
// workers, and each worker's share of the subscribers.
//
// How an update travels. A publish, on whichever worker received it, is
// checked and encoded once (herald_hub), then the backbone numbers and keeps
// it and hands it to every worker's inbox (one post to the worker's event
// loop per batch): on one node under the history's lock; in a cluster, each
// node hands over what Redis's channel brings it (hub/backbone.hpp). Each
// worker then finds its matching subscribers in its own index and writes the
// same bytes to each: straight into the socket when the subscriber is idle (a
// plain non-blocking send(), no coroutine involved), otherwise into the
// subscriber's bounded queue for its writer coroutine. Past the inbox,
// nothing on the delivery path takes a lock or crosses threads.
#pragma once

#include "counters.hpp"
#include "herald/http/form.hpp"
#include "herald/hub/publish.hpp"
#include "herald/hub/subscription.hpp"
#include "herald/match/cache.hpp"
#include "herald/match/index.hpp"
#include "herald/net.hpp"
#include "hub/authorization.hpp"
#include "hub/backbone.hpp"
#include "log.hpp"
#include "options.hpp"
#include "session.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace herald::app {

/// One subscriber, as its worker sees it: its subscription (what it wants and
/// what waits for it), its connection, and how to wake its writer. Lives in
/// the subscriber's coroutine frame; registered in its worker's index for as
/// long as the stream runs.
struct hub_subscriber {
    hub_subscriber(hub::subscription s, tcp::socket& sock, connection_control& c)
        : sub(std::move(s))
        , socket(sock)
        , control(c)
        , wake(sock.get_executor()) {}

    hub::subscription sub;
    tcp::socket& socket;
    connection_control& control;
    /// The writer waits on this timer when it has nothing to write, like a
    /// condition variable: cancel() wakes it.
    net::steady_timer wake;
    /// True while the writer waits on `wake`: nothing of this subscriber's is
    /// being written, so a new update may go straight to the socket.
    bool waiting = false;
    /// Where it stands in its worker's fan-out in progress (npos: not
    /// there), so that leaving clears its place: see hub_worker::remove.
    static constexpr std::size_t not_listed = std::size_t(-1);
    std::size_t fanout_slot = not_listed;
    /// The last time bytes went out: heartbeats come only after silence.
    std::chrono::steady_clock::time_point last_write = std::chrono::steady_clock::now();
    /// With --max-events: the stream ends once it has written this many
    /// updates (0: never). `taken` counts the updates accepted for it, replay
    /// included; past the limit it accepts no more, so the next stream, which
    /// resumes from Last-Event-ID, starts with the first one it did not take.
    std::uint64_t max_events = 0;
    std::uint64_t taken = 0;
    bool full() const noexcept { return max_events != 0 && taken >= max_events; }

    /// While its replay is being read (a cluster reads it from Redis, so the
    /// stream's coroutine suspends): deliver() keeps live updates here, and
    /// release_held() queues them behind the replay.
    bool holding = false;
    std::vector<hub::update_ptr> held;
    /// What the replay covered: live updates of this epoch up to this
    /// position were in it (or deliberately left out), and are not sent again.
    std::uint64_t replay_epoch = 0;
    std::uint64_t replay_position = 0;
};

/// Writes what `s` has queued through the library's writer's fast path
/// (plain non-blocking sends, up to 16 updates per system call) as far as the
/// socket takes it, and moves `s.last_write` to `now` if anything went. True
/// when the queue is empty. Only while no write of `s` is pending.
bool send_queued(hub_subscriber& s, std::chrono::steady_clock::time_point now);

/// A worker's subscribers, indexed by topic (herald_match's
/// subscription_index: exact topics hashed, `*` in a list, other matchers
/// evaluated once per distinct compiled matcher). Only the worker's thread
/// touches it.
class hub_worker {
public:
    void add(hub_subscriber& s) {
        index_.add(&s, s.sub.matchers());
        all_.insert(&s);
    }
    void remove(hub_subscriber& s) {
        index_.remove(&s);
        all_.erase(&s);
        // A fan-out paused before reaching `s` must not touch it when it
        // resumes: `s` lives in its stream's frame, which is about to go.
        if (s.fanout_slot != hub_subscriber::not_listed) {
            fanout_[s.fanout_slot] = nullptr;
            s.fanout_slot = hub_subscriber::not_listed;
        }
    }

    /// Hands `u` to this worker. Thread-safe: the backbone's fan-out calls
    /// it from one thread at a time in sequence order (one node: under the
    /// history's lock), so the worker sees updates in that order. Only the first update of a batch
    /// posts to the worker's loop; updates arriving while that post waits join it.
    void enqueue(hub::update_ptr u);

    /// Ends holding for `s`: queues what deliver() held for it that the
    /// replay did not cover, in order, as deliver() would have.
    void release_held(hub_subscriber& s);

    /// Cuts every subscriber (their clients reconnect and resume): the node
    /// missed updates it cannot deliver any more.
    void cut_all();

    std::size_t subscribers() const noexcept { return index_.size(); }

    /// This worker's counters; null with --metrics off.
    worker_counters* counters = nullptr;

    /// How many subscribers one turn of the worker's loop writes to before
    /// it lets the loop's other work run. A fan-out to ten thousand
    /// subscribers takes tens of milliseconds; in one turn it would hold up
    /// every other connection of the worker (a publish's answer, a new
    /// subscriber's head, a health check) for all of it.
    std::size_t subscribers_per_turn = 256;

private:
    friend class hub_node;
    void drain();
    /// Delivers what drain() took, a turn's worth of subscribers at a time:
    /// posts itself to continue, and updates that arrive meanwhile wait
    /// behind the fan-out in progress, so each subscriber still gets them
    /// in order.
    void deliver();
    /// Lists the subscribers `u` goes to, to be offered it by deliver().
    void start_update(const hub::update_ptr& u);
    /// Queues every update of `batch` to its subscribers at once, and lists
    /// each of them once, to be written to by deliver(): one gather-write
    /// per subscriber for the whole batch.
    void start_batch(std::span<const hub::update_ptr> batch);
    void list(hub_subscriber& s);
    /// The checks every delivery makes: false if `s` must not queue `u`
    /// (holding it instead, cut, slow, private, covered by its replay, or
    /// already accepted).
    bool admit(hub_subscriber& s, const hub::update_ptr& u);
    /// One update to one subscriber: send() straight away when its writer is
    /// idle, else queue it and wake the writer.
    void offer(hub_subscriber& s, const hub::update_ptr& u,
               std::chrono::steady_clock::time_point& now);

    net::io_context* ctx_ = nullptr; // set by hub_node::attach
    match::subscription_index<hub_subscriber> index_;
    std::unordered_set<hub_subscriber*> all_;
    std::mutex inbox_mutex_;
    std::vector<hub::update_ptr> inbox_; // guarded by inbox_mutex_
    bool scheduled_ = false;             // guarded by inbox_mutex_: a drain is posted

    // The worker's thread only. Updates taken from the inbox, in order; the
    // first `taken_at_` of them have been started.
    std::vector<hub::update_ptr> taken_;
    std::size_t taken_at_ = 0;
    // The fan-out in progress: the subscribers still to write to, from
    // `fanout_at_` on (null: left meanwhile). With `fanout_update_` set, each
    // is offered that update; without, each gets what start_batch queued.
    std::vector<hub_subscriber*> fanout_;
    std::size_t fanout_at_ = 0;
    hub::update_ptr fanout_update_;
    std::chrono::steady_clock::time_point fanout_first_write_{};
    bool continuing_ = false; // deliver() has posted itself
};

/// One active subscription (draft-08 "Active Subscriptions"): a subscriber's
/// topic matcher, as the subscription API and events describe it.
struct active_subscription {
    std::string id; ///< the topic of its events and its API URL (relative)
    std::string match_type;
    std::string match;
    std::string subscriber;
    std::optional<std::string> payload; ///< serialised JSON, from the token
};

/// The JSON document of a subscription, as its events and the API carry it.
std::string subscription_document(const active_subscription& s, bool active);

/// The hub's shared state: its URL, the backbone (where updates are
/// numbered, stored and fanned out: this process, or Redis with --redis),
/// and the workers to post to.
class hub_node {
public:
    /// `opts.hub_url_or_default()` must parse, and `opts.redis_url` if set
    /// (main checks both).
    hub_node(const options& opts, logger& log);
    ~hub_node();

    /// Adds a worker's event loop and its share. Before start().
    void attach(net::io_context& ctx, hub_worker& worker);
    /// Starts the backbone (a cluster connects to Redis in the background).
    void start();
    /// Stops the backbone: nothing more is posted to the workers. Idempotent.
    void stop();

    const hub::hub_location& location() const noexcept { return location_; }
    hub_backbone& backbone() noexcept { return *backbone_; }
    const hub_authorizer& authorizer() const noexcept { return authorizer_; }

    /// False while a cluster node is not connected to Redis (or not caught
    /// up with it): it cannot publish or resume. Always true on one node.
    /// Thread-safe.
    bool ready() const noexcept { return backbone_->ready(); }

    /// Compiles a subscriber's matcher, once per distinct (type, pattern)
    /// hub-wide; the error is fit for a 400 response. Thread-safe.
    match::compile_result compile(const hub::matcher_spec& spec);

    /// Checks the fields: the update they make if its every topic `allowed`
    /// covers (else 403), not yet stored. Thread-safe.
    hub::publish_result check_publish(const std::vector<http::form_field>& fields,
                                      const hub::topic_grant& allowed);

    /// Numbers a checked update, keeps it and has it sent to every worker (of
    /// every node). Completes on the caller's executor.
    awaitable<hub_backbone::publish_status> store(std::shared_ptr<hub::update> u) {
        return backbone_->publish(std::move(u));
    }

    /// With --subscriptions. The path of the subscriptions API and topics:
    /// the hub's path followed by "/subscriptions".
    bool subscriptions_enabled() const noexcept { return subscriptions_; }
    const std::string& subscriptions_path() const noexcept { return subscriptions_path_; }
    /// Records a connected subscriber's subscriptions (one per matcher) and
    /// publishes an active event for each; returns the subscriber's new id
    /// (a random `urn:uuid:`, never client-supplied). Thread-safe.
    std::string subscribed(const std::vector<hub::matcher_spec>& matchers,
                           const std::optional<std::string>& payload);
    /// Forgets the subscriber's subscriptions and publishes an inactive event
    /// for each. Thread-safe.
    void unsubscribed(const std::string& subscriber);
    /// This node's active subscriptions whose id starts with `prefix`: all
    /// of them for the API's path, those of one matcher, or one. Thread-safe.
    std::vector<active_subscription> subscriptions(std::string_view prefix) const;
    /// The same, of every node: a cluster reads the live nodes' lists from
    /// Redis (nullopt if it cannot: answer 503); one node answers
    /// subscriptions(). In id order. Completes on the caller's executor.
    awaitable<std::optional<std::vector<active_subscription>>>
    all_subscriptions(std::string prefix) const;

    /// After the workers' threads have ended: hub-made updates are no longer
    /// dispatched, since the workers' loops are about to be destroyed (a
    /// stream abandoned at shutdown ends when its worker's loop is).
    void close() noexcept { closed_.store(true); }
    /// With --subscriptions: the id of the last update this node's workers
    /// were handed, `earliest` if none. Thread-safe.
    std::string last_event_id() const {
        std::lock_guard lock(last_id_mutex_);
        return last_id_;
    }

private:
    /// Shares subscription changes (a cluster writes them to Redis), then
    /// publishes their events through the backbone.
    void announce(std::vector<active_subscription> changed, bool active);
    std::shared_ptr<hub::update> subscription_update(const active_subscription& s, bool active);
    void post_to_workers(const hub::update_ptr& u);

    hub::hub_location location_;
    bool subscriptions_ = false;
    std::atomic<bool> closed_{false};
    std::string subscriptions_path_;
    mutable std::mutex subscriptions_mutex_;
    mutable std::mutex last_id_mutex_;
    std::string last_id_ = "earliest";                  // guarded by last_id_mutex_
    std::map<std::string, active_subscription> active_; // by id, guarded by subscriptions_mutex_
    hub::publish_limits limits_;
    hub::id_generator ids_;
    std::unique_ptr<hub_backbone> backbone_;
    match::matcher_cache matchers_;
    std::string authorizer_error_; // main reported it already (check_token_options)
    hub_authorizer authorizer_;
    std::vector<std::pair<net::io_context*, hub_worker*>> workers_;
};

} // namespace herald::app
