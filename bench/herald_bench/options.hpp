// bench/herald_bench/options.hpp — herald-bench's command line.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::bench {

using std::chrono::milliseconds;

struct url_parts {
    std::string host;
    std::uint16_t port = 80;
    std::string target = "/"; ///< path and query, as sent in the request line
};

/// What the publish requests speak: Mercure's form POST, or nchan's
/// publisher endpoint (the body is the message, the channel is in the URL).
enum class publish_format { mercure, nchan };

struct config {
    std::string url; ///< may hold "{topic}", replaced by the stream's topic, percent-encoded
    url_parts where;
    /// Subscribe URLs by worker process (process i takes entry i mod size),
    /// on url's host: one bench spreads its streams over several servers.
    std::vector<std::string> process_urls;
    std::vector<url_parts> process_wheres;
    std::uint64_t streams = 100;
    double ramp = 0;                  ///< new streams per second; 0: all at once
    milliseconds duration{10'000};    ///< the steady window
    milliseconds warmup{2'000};       ///< after all streams opened, before the window
    milliseconds timeout{10'000};     ///< connect + response head, per stream
    milliseconds expect_interval{0};  ///< for gap jitter; 0: not measured
    std::vector<std::string> headers; ///< "Name: value" lines added to the request
    std::vector<std::string> source_addrs;
    unsigned processes = 1;
    unsigned threads = 1;    ///< I/O threads per process
    bool expect_end = false; ///< the server ends the streams: that is not an error
    bool json = false;
    bool progress = true; ///< when stderr is a terminal
    std::vector<int> server_pids;
    std::string read_strategy = "read"; ///< "read" (async_read_some) or "wait" (async_wait + recv)

    // Publishing (on when publish_url is set): the bench is then its own
    // publisher, and the streams judge what they receive.
    std::string publish_url; ///< may hold "{topic}" (nchan: the channel id)
    url_parts publish_where;
    double publish_rate = 10; ///< updates per second over all topics
    std::uint64_t topics = 1;
    std::string topic_prefix = "https://bench.example/t";
    std::size_t payload_bytes = 0; ///< data length; 0: just the stamp
    std::string publish_token;     ///< sent as Authorization: Bearer
    unsigned publishers = 1;       ///< keep-alive publisher connections
    unsigned publish_pipeline = 1; ///< requests a connection may have in flight at once
    publish_format format = publish_format::mercure;
    bool spread_all = false;  ///< every stream on topic 0, not stream g on g % topics
    milliseconds drain{1000}; ///< after the last publish, before losses are judged
    std::uint64_t replay = 0; ///< updates per topic published before the streams open

    bool publishing() const noexcept { return !publish_url.empty(); }
    std::uint64_t topic_of_stream(std::uint64_t g) const noexcept {
        return spread_all ? 0 : g % topics;
    }
};

/// "250ms", "2s", "1.5s", "1m", "1h", or "0". False on anything else.
bool parse_duration(std::string_view text, milliseconds& out);

/// http://host[:port][/path?query]. No https: the bench measures servers, not TLS.
bool parse_url(std::string_view url, url_parts& out, std::string& error);

/// "127.0.0.2-127.0.0.9" (an IPv4 range), or a comma-separated list of
/// addresses and ranges.
bool parse_source_addrs(std::string_view text, std::vector<std::string>& out, std::string& error);

struct command_line {
    config cfg;
    std::optional<int> exit_code; ///< set after --help, --version or an error
};

command_line parse_command_line(int argc, const char* const* argv);

} // namespace herald::bench
