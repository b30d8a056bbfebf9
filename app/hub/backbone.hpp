// app/hub/backbone.hpp — where the hub's updates are numbered, stored and
// fanned out: in this process (one node), or in Redis (a cluster).
//
// Both implementations end in the same place: `fan_out`, which hands an
// update to every worker of this node in order, where hub_worker::deliver
// finds the subscribers. So delivery (the index, the queues, the writer) is
// one local path whatever the backbone, and knows nothing about sockets
// beyond hub_subscriber.
#pragma once

#include "herald/hub/update.hpp"
#include "herald/net.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace herald::app {

class hub_backbone {
public:
    /// Hands an update to every worker of this node. The backbone calls it
    /// from one thread at a time, in the order of `sequence`.
    using fan_out = std::function<void(const hub::update_ptr&)>;
    using wanted_fn = std::function<bool(const hub::update&)>;

    enum class publish_status {
        stored,     ///< numbered and kept: the publisher may be told 200
        unavailable ///< not stored (Redis unreachable or too slow): 503
    };

    /// What a resuming subscriber gets: the replay, and what it covers.
    struct replay {
        /// The updates after the resume point that `wanted` accepted, oldest first.
        std::vector<hub::update_ptr> updates;
        /// Live updates at or before this point are covered by the replay
        /// (sent, or deliberately not): same epoch, position <= last_position.
        std::uint64_t epoch = 0;
        std::uint64_t last_position = 0;
        /// Live updates with a sequence up to this are covered too (one node
        /// only: there sequence and position coincide; 0 otherwise).
        std::uint64_t last_sequence = 0;
        /// As history::replay: the requested id if found, `earliest` if it was
        /// asked for or the id is unknown; empty when no resume was asked.
        std::optional<std::string> response_last_event_id;
        /// The history could not be read (Redis unreachable): answer 503.
        bool unavailable = false;
    };

    virtual ~hub_backbone() = default;

    /// Starts delivering to `deliver`. Once, before the workers serve.
    virtual void start(fan_out deliver) = 0;
    /// Stops, and stops calling `deliver`. Idempotent; the destructor calls it.
    virtual void stop() = 0;

    /// Numbers `u`, stores it, and has every node fan it out. Completes on
    /// the caller's executor once the update is stored (or refused).
    virtual awaitable<publish_status> publish(std::shared_ptr<hub::update> u) = 0;

    /// The updates after `last_event_id` (everything for `earliest`; none
    /// when not `requested`) that `wanted` accepts, called on the caller's
    /// thread. Completes on the caller's executor.
    virtual awaitable<replay> resume(bool requested, std::string last_event_id,
                                     wanted_fn wanted) = 0;

    /// Updates and bytes this process keeps for resumes (metrics). A cluster
    /// keeps its history in Redis: {0, 0}. Thread-safe.
    virtual std::pair<std::size_t, std::size_t> kept() const { return {0, 0}; }

    /// True when publishes and resumes can succeed (cluster: connected to
    /// Redis and caught up with its channel). Thread-safe.
    virtual bool ready() const noexcept = 0;
    /// With --subscriptions: where the active subscriptions API finds every
    /// node's subscriptions. True in a cluster (Redis keeps each node's);
    /// false on one node (the hub's own list is complete).
    virtual bool shares_subscriptions() const noexcept { return false; }
    /// Records that this node's subscription `id` is active (`record`: its
    /// encoding, hub_node's business) or ended (nullopt), where the other
    /// nodes read it. Completes on the caller's executor once written, so
    /// the subscription's event, published after, never reaches a node
    /// before the change it announces can be listed there. A failed write is
    /// repaired later by the backbone, not reported. Calls must complete in
    /// the order they were made (the callers chain them per subscriber).
    virtual awaitable<void> share_subscription(std::string id, std::optional<std::string> record) {
        (void)id;
        (void)record;
        co_return;
    }
    /// The records of every live node's active subscriptions, in no order;
    /// nullopt if they cannot be read now (answer 503).
    virtual awaitable<std::optional<std::vector<std::string>>> shared_subscriptions() {
        co_return std::nullopt;
    }

    /// Failed exchanges with an external store (Redis) so far: refused
    /// publishes, failed history reads, lost subscriber connections. Always 0
    /// for the in-memory backbone.
    virtual std::uint64_t errors() const noexcept { return 0; }
};

} // namespace herald::app
