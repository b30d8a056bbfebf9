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

    // Limits and timeouts (issue 3)
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

    log_level level = log_level::info;
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
