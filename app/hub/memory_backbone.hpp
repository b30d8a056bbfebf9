// app/hub/memory_backbone.hpp — one node: the history in this process.
#pragma once

#include "herald/hub/history.hpp"
#include "hub/backbone.hpp"

namespace herald::app {

/// Numbers updates, keeps them in a hub::history, and fans them out, all
/// under the history's lock: every worker receives updates in sequence
/// order. Publishing and resuming never suspend, so a resume's snapshot and
/// the subscriber's registration happen in one handler on its worker (see
/// serve_hub_stream).
class memory_backbone final : public hub_backbone {
public:
    memory_backbone(std::size_t history_size, std::size_t history_bytes)
        : history_(history_size, history_bytes) {}

    void start(fan_out deliver) override { deliver_ = std::move(deliver); }
    void stop() override {}
    awaitable<publish_status> publish(std::shared_ptr<hub::update> u) override;
    awaitable<replay> resume(bool requested, std::string last_event_id, wanted_fn wanted) override;
    bool ready() const noexcept override { return true; }
    std::pair<std::size_t, std::size_t> kept() const override {
        return {history_.size(), history_.bytes()};
    }

    const hub::history& history() const noexcept { return history_; }

private:
    hub::history history_;
    fan_out deliver_;
};

} // namespace herald::app
