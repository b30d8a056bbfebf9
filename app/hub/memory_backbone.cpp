#include "hub/memory_backbone.hpp"

namespace herald::app {

awaitable<hub_backbone::publish_status> memory_backbone::publish(std::shared_ptr<hub::update> u) {
    history_.append(std::move(u), [this](const hub::update_ptr& shared) { deliver_(shared); });
    co_return publish_status::stored;
}

awaitable<hub_backbone::replay> memory_backbone::resume(bool requested, std::string last_event_id,
                                                        wanted_fn wanted) {
    auto snapshot = history_.resume(requested, last_event_id, wanted);
    replay r;
    r.updates = std::move(snapshot.updates);
    r.last_position = snapshot.last_sequence;
    r.last_sequence = snapshot.last_sequence;
    r.response_last_event_id = std::move(snapshot.response_last_event_id);
    co_return r;
}

} // namespace herald::app
