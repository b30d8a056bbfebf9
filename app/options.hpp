// app/options.hpp — everything the command line can set, with its defaults.
#pragma once

#include "herald/http/body_parser.hpp"
#include "herald/http/request_parser.hpp"
#include "log.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::app {

using std::chrono::milliseconds;

struct options {
    // Listening (the seed: 0.0.0.0:4321)
    std::string host = "0.0.0.0";
    std::uint16_t port = 4321;
    unsigned threads = 0;    ///< 0: one per hardware thread
    bool reuse_port = false; ///< let other processes share the port (SO_REUSEPORT)

    // The stream (the seed: "data: Hello World" every 2 s)
    milliseconds interval{2000};
    std::string event_data = "Hello World";
    std::string event_name;            ///< `event:` field; empty: none (clients see "message")
    std::optional<milliseconds> retry; ///< `retry:` sent once at stream start
    milliseconds heartbeat{15000};     ///< comment after this much silence; 0: never
    bool timestamps = false;           ///< add `time: <scheduled µs since epoch>` to each event
    std::uint64_t max_events = 0;      ///< end each stream (FIN) after this many events; 0: never
    std::vector<std::string> cors_origins; ///< allowed origins, or "*"

    /// With a list of origins, a CORS answer depends on the request's Origin
    /// (allowed or refused alike), so responses carry `Vary: Origin`. With '*'
    /// or no CORS, every origin gets the same answer.
    bool cors_varies_by_origin() const {
        return !cors_origins.empty() &&
               std::find(cors_origins.begin(), cors_origins.end(), "*") == cors_origins.end();
    }

    // Limits and timeouts
    http::request_limits limits;
    milliseconds header_timeout{10000}; ///< also bounds a body, counted from its head's end
    http::body_limits body_limits;      ///< max_body set by --max-body-bytes
    /// How long a keep-alive connection may wait for its next request. 75 s,
    /// nginx's keepalive_timeout: longer than the 60 s idle timeout of common
    /// load balancers (AWS ALB, GCP), so the proxy, not herald, closes an idle
    /// pooled connection, and never races a request it is sending.
    milliseconds idle_timeout{75000};
    milliseconds write_timeout{30000};
    std::size_t max_connections = 0; ///< 0: derived from the fd limit
    milliseconds shutdown_timeout{5000};
    /// On SIGTERM, keep serving this long with /readyz at 503 before the
    /// streams are ended, so load balancers stop sending clients first.
    milliseconds shutdown_delay{0};

    log_level level = log_level::info;
    log_format format = log_format::text;
    /// A line per request at info level (method, path, status, duration,
    /// bytes; a stream's lifetime).
    bool access_log = true;
    /// host:port for /healthz, /readyz and /metrics instead of the public
    /// port; empty: on the public port.
    std::string admin_listen;
    /// Count for /metrics (off: no counting, and /metrics answers 404).
    bool metrics = true;

    // The Mercure hub at /.well-known/mercure (or --hub-url's path)
    /// The hub's URL: the base for relative topics and the reserved
    /// namespace, and its path is the route. Empty: hub_url_or_default().
    std::string hub_url;
    std::size_t history_size = 10'000;            ///< updates kept for resuming subscribers
    std::size_t history_bytes = 64 << 20;         ///< and their bytes
    std::size_t max_topics = 100;                 ///< `topic` fields per publish (413)
    std::size_t max_field_bytes = 8192;           ///< topic/id/type/retry length (413)
    std::size_t max_matchers = 100;               ///< matchers per subscribe (400)
    std::size_t max_matcher_length = 2048;        ///< bytes of one matcher (400)
    std::size_t subscriber_queue = 10'000;        ///< updates waiting for one subscriber
    std::size_t subscriber_queue_bytes = 4 << 20; ///< and their bytes; past either: cut
    // A cluster: several nodes share updates and history through Redis
    // (app/hub/redis_backbone.hpp). Empty: one node, history in memory.
    std::string redis_url;                ///< redis://[[user]:password@]host[:port][/db]
    std::string redis_prefix = "herald:"; ///< key and channel prefix: hubs sharing one Redis
    milliseconds redis_timeout{2000};     ///< a publish or resume slower than this: 503
    /// With --subscriptions: how long a node's active subscriptions outlive
    /// its last refresh in Redis (a dead node's vanish after this).
    milliseconds redis_node_ttl{15000};
    // Tokens: read by the authorization seam (app/hub/authorization.hpp).
    std::string publisher_jwt_key;
    std::string subscriber_jwt_key;
    std::string jwt_algorithm = "HS256";
    std::vector<std::string> jwt_issuers; ///< when set, a token's iss must be one of them
    std::string jwt_audience;             ///< when set, a token's aud must name it
    bool subscriptions = false;           ///< Mercure active subscriptions: events and the web API
    bool anonymous = false; ///< subscribers without a token may subscribe (public updates only)

    /// FOR TESTS ONLY, never set from the command line: every publisher is
    /// allowed without a token. It lets the hub's integration tests publish
    /// before token verification is wired in; real tokens replace it.
    bool test_allow_all_publishers = false;
    /// FOR TESTS ONLY, like the above: every subscriber may read every
    /// private update, and its stream ends after this lifetime, as if its
    /// token expired.
    bool test_grant_all_subscribers = false;
    std::optional<milliseconds> test_subscriber_token_lifetime;

    /// --hub-url, or http://<host>:<port>/.well-known/mercure (a wildcard
    /// host such as 0.0.0.0 becomes localhost).
    std::string hub_url_or_default() const;
};

/// Parses "250ms", "2s", "1.5s", "1m", "1h" (and "0" for zero). Returns false
/// on anything else; `error` says why.
bool parse_duration(std::string_view text, milliseconds& out, std::string& error);

/// The result of reading the command line: options to run with, or an exit
/// code (after --help, --version, or an error already printed).
struct command_line {
    options opts;
    std::optional<int> exit_code;
};

command_line parse_command_line(int argc, const char* const* argv);

} // namespace herald::app
