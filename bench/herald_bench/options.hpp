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

struct config {
    std::string url;
    url_parts where;
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
