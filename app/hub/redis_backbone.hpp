// app/hub/redis_backbone.hpp — a cluster: Redis numbers, keeps and fans out
// the updates of every node that shares it.
//
// Keys, under the prefix (--redis-prefix, "herald:" by default):
//   <prefix>seq      INCR counter: the position of the last update
//   <prefix>epoch    a random number set at the first publish (SET if absent):
//                    if Redis loses its data, a new one appears, and every
//                    position (and id) of the old epoch is unknown
//   <prefix>stream   the history: a Stream whose entry ids are
//                    <position>-0, trimmed exactly to --history-size
//   <prefix>ids      hash: update id -> position of its oldest occurrence
//                    still in the stream, trimmed alongside it
//   <prefix>updates  the channel every node SUBSCRIBEs to
// With --subscriptions, for the active subscriptions API:
//   <prefix>nodes                  set: ids of the nodes that share subscriptions
//   <prefix>node:<id>              a node's liveness: refreshed every third of
//                                  --redis-node-ttl, expires after it
//   <prefix>subscriptions:<id>     hash: a node's subscription id -> record,
//                                  expiring with the liveness key
//
// One Lua script publishes (numbers, appends, trims, maps the id, PUBLISHes)
// atomically; another reads the history for resumes and catch-ups. Both run
// on a thread of their own, with the Redis client and subscriber; the
// workers only ever see finished updates, through fan_out, in position order.
// docs/cluster.md has the whole design and its guarantees.
#pragma once

#include "herald/hub/publish.hpp"
#include "herald/redis/client.hpp"
#include "herald/redis/subscriber.hpp"
#include "hub/backbone.hpp"
#include "log.hpp"

#include <atomic>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>

namespace herald::app {

struct redis_backbone_options {
    redis::connect_options connect; ///< command_timeout: --redis-timeout
    std::string prefix = "herald:";
    std::size_t history_size = 10'000;
    redis::backoff_options retry{std::chrono::milliseconds(50), std::chrono::milliseconds(1000),
                                 true};
    /// Messages the subscriber may hold for this node before it stops
    /// reading (then Redis's pubsub output limit decides; see docs/cluster.md).
    std::size_t max_queued = 10'000;
    /// With --subscriptions: keep this node's active subscriptions in Redis
    /// (refreshed, expiring after `node_ttl`) and list every node's.
    bool share_subscriptions = false;
    std::chrono::milliseconds node_ttl{15'000};
};

/// The encoding of an update in the stream and on the channel: what a node
/// needs to deliver it (id, privacy, topics, the SSE bytes). Exposed for tests.
std::string encode_update(const hub::update& u);
/// Decodes encode_update's bytes; topics resolve against `base`. Null if malformed.
std::shared_ptr<hub::update> decode_update(std::string_view bytes,
                                           const std::shared_ptr<const match::url>& base);

class redis_backbone final : public hub_backbone {
public:
    /// `drop_all` ends every subscriber of this node (they reconnect and
    /// resume): called when the node has missed updates it cannot recover.
    redis_backbone(redis_backbone_options opts, const hub::hub_location& location, logger& log,
                   std::function<void()> drop_all);
    ~redis_backbone() override;

    void start(fan_out deliver) override;
    void stop() override;
    awaitable<publish_status> publish(std::shared_ptr<hub::update> u) override;
    awaitable<replay> resume(bool requested, std::string last_event_id, wanted_fn wanted) override;
    bool ready() const noexcept override { return ready_.load(std::memory_order_acquire); }
    bool shares_subscriptions() const noexcept override { return opts_.share_subscriptions; }
    awaitable<void> share_subscription(std::string id, std::optional<std::string> record) override;
    awaitable<std::optional<std::vector<std::string>>> shared_subscriptions() override;
    /// This node's id in the keys above (random per process).
    const std::string& node_id() const noexcept { return node_id_; }
    std::uint64_t errors() const noexcept override {
        return errors_.load(std::memory_order_relaxed);
    }

    struct history_read; // defined in the .cpp

private:
    awaitable<publish_status> store(std::string id, std::string body);
    awaitable<history_read> read(std::string mode, std::string value, std::size_t count);
    awaitable<redis::exec_result> run_script(bool publish_script, std::vector<std::string> args);
    awaitable<void> receive();
    awaitable<bool> catch_up();
    awaitable<void> watch_readiness();
    void handle(std::shared_ptr<hub::update> u);
    awaitable<void> write_subscription(std::string id, std::optional<std::string> record);
    awaitable<std::optional<std::vector<std::string>>> read_subscriptions();
    awaitable<void> keep_alive();
    awaitable<void> farewell();

    redis_backbone_options opts_;
    std::shared_ptr<const match::url> base_;
    logger& log_;
    std::function<void()> drop_all_;
    std::string seq_key_, epoch_key_, stream_key_, ids_key_, channel_;
    std::string publish_sha_, read_sha_; // learnt after the first EVAL (backbone thread)
    std::string node_id_, nodes_key_, alive_key_, node_subscriptions_key_;

    // Declared before everything that runs on it, so it is destroyed last:
    // the coroutine frames it still holds are freed after the objects they
    // point to stopped.
    net::io_context ctx_{1};
    redis::client client_;
    redis::subscriber subscriber_;
    net::steady_timer ticker_{ctx_};
    net::steady_timer alive_ticker_{ctx_};
    std::thread thread_;
    std::atomic<bool> ready_{false};
    std::atomic<std::uint64_t> errors_{0}; // read by metrics scrapes on other threads
    std::atomic<bool> stopped_{false};
    fan_out deliver_;

    // The receiver's state: only the backbone's thread touches it.
    std::mt19937_64 random_;
    bool caught_up_ = false;
    bool initialised_ = false;
    std::uint64_t last_epoch_ = 0;    // of the last update handed to the workers
    std::uint64_t last_position_ = 0; // and its position
    std::uint64_t sequence_ = 0;      // this node's count of updates handed over

    // This node's shared subscriptions (backbone thread): what its hash in
    // Redis should hold, to rewrite it whole when it may not (a failed
    // write, a new connection: Redis may have restarted empty).
    std::map<std::string, std::string> mine_;
    bool rewrite_ = true;
    std::size_t connects_seen_ = 0;
};

} // namespace herald::app
