// bench/herald_bench/publish_format.hpp — the I/O-free half of publishing:
// topic names, the URL template, what an update's data carries, the publish
// schedule, and the publish request for a Mercure hub or nchan.
#pragma once

#include "options.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace herald::bench {

/// Percent-encodes everything but RFC 3986's unreserved characters, so a
/// topic IRI fits in a query value or a path segment unchanged in meaning.
std::string percent_encode(std::string_view text);

/// application/x-www-form-urlencoded serialization (WHATWG URL): space is
/// '+', and only ALPHA, DIGIT and "*-._" stay as they are.
std::string form_encode(std::string_view text);

/// Replaces every "{topic}" in `url_template` with percent_encode(topic).
std::string expand_template(std::string_view url_template, std::string_view topic);

/// "<prefix>/<index>".
std::string topic_name(std::string_view prefix, std::uint64_t index);

/// What every published update carries in its data, so a subscriber can
/// judge it without knowing the hub's ids.
struct update_stamp {
    std::uint64_t seq = 0;     ///< per topic, from 0
    std::int64_t sched_us = 0; ///< scheduled send time, µs since the Unix epoch
    std::uint64_t topic = 0;   ///< topic index
};

/// "<seq> <sched_us> <topic>", then a space and 'x' padding up to
/// `payload_bytes` in all when that is longer.
std::string make_data(const update_stamp& stamp, std::size_t payload_bytes);

/// The inverse of make_data; false for data the bench did not publish.
bool parse_data(std::string_view data, update_stamp& out);

/// The open model's schedule: update k (from 0) is due k / rate seconds after
/// publishing starts, whatever happened to update k − 1, and goes to topic
/// k % topics as that topic's sequence number `first_seq + k / topics`.
struct publish_schedule {
    double rate = 1;          ///< updates per second, > 0
    std::uint64_t topics = 1; ///< > 0
    std::uint64_t first_seq = 0;

    std::uint64_t topic_of(std::uint64_t k) const noexcept { return k % topics; }
    std::uint64_t seq_of(std::uint64_t k) const noexcept { return first_seq + k / topics; }
    std::uint64_t due_us(std::uint64_t k) const noexcept {
        return std::uint64_t(double(k) * 1e6 / rate);
    }
    /// Updates due strictly before `span_us`: what a window of that length sends.
    std::uint64_t count_before(std::uint64_t span_us) const noexcept;
    /// Of the first `count` updates, how many went to `topic`.
    std::uint64_t count_for_topic(std::uint64_t count, std::uint64_t topic) const noexcept {
        return count / topics + (topic < count % topics ? 1 : 0);
    }
};

/// "Host: ..." value for a URL: brackets for IPv6, the port unless 80.
std::string host_header(const url_parts& where);

/// The whole HTTP/1.1 request that publishes `data` on `topic` to `target`
/// (already expanded). Mercure: a form with topic and data; nchan: the data is
/// the body and the channel is in the target.
std::string build_publish_request(publish_format format, const url_parts& where,
                                  std::string_view target, std::string_view topic,
                                  std::string_view data, std::string_view token);

/// Whether the hub accepted a publish: a Mercure hub answers 200 (and only
/// 200); nchan 201 with subscribers, 202 without.
bool publish_accepted(publish_format format, int status) noexcept;

/// The event id the hub gave the update, from the response body: all of it
/// for Mercure; nchan's "last message id: ..." line. Empty if none.
std::string published_id(publish_format format, std::string_view body);

} // namespace herald::bench
