// herald/hub/update.hpp — a published update, shared by every subscriber.
#pragma once

#include "herald/match/matcher.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace herald::hub {

/// One update as the hub delivers it. It is built once per publish and then
/// never changes: every worker and every subscriber queue holds the same
/// object through an `update_ptr`, and writes the same `encoded` bytes, so a
/// publish costs one encoding however many subscribers receive it.
///
/// The raw `data` is not kept: it exists only inside `encoded`, because
/// nothing after publication reads it and it is usually the largest part.
struct update {
    /// Position in the hub-wide sequence (1, 2, ...). Assigned by
    /// history::append, under the history's lock, before the update is shared.
    std::uint64_t sequence = 0;
    /// Where the update sits in the hub's durable order, for resumes: its
    /// history's epoch and its position there. One node: epoch 0, and the
    /// position is the sequence. A cluster (Redis): the epoch Redis keeps and
    /// the position its script assigned, the same on every node, while
    /// `sequence` is the receiving node's own count.
    std::uint64_t epoch = 0;
    std::uint64_t position = 0;
    std::string id; ///< the publisher's id, or one the hub generated
    /// topics[0] is the canonical topic; never empty. Each is resolved
    /// against the hub's URL once, before the update is shared, so URL
    /// pattern matchers on every worker read it without parsing again.
    std::vector<match::topic> topics;
    bool is_private = false;
    std::string type;                      ///< SSE `event:`; empty for none
    std::optional<std::uint64_t> retry_ms; ///< SSE `retry:`
    std::string encoded;                   ///< the complete SSE event, ending in "\n\n"
    /// When the hub accepted the publish: the start of the publish-to-write
    /// latency the server reports.
    std::chrono::steady_clock::time_point accepted_at{};

    /// Bytes this update holds, counted against history and queue bounds.
    std::size_t footprint() const noexcept;
};

using update_ptr = std::shared_ptr<const update>;

/// Makes the ids of updates whose publisher gave none: `urn:uuid:` and a
/// random (version 4) UUID, an IRI as the draft asks. Random rather than a
/// counter, so an id tells a subscriber nothing about the updates it was not
/// allowed to see (the draft's advice on cursors). The generator is a
/// Mersenne twister seeded once from std::random_device: ids must be unique,
/// not secret. Thread-safe.
class id_generator {
public:
    id_generator();
    std::string next();

private:
    std::mutex mutex_;
    std::mt19937_64 engine_;
};

} // namespace herald::hub
