// app/log.hpp — the server's log: levelled lines on stderr.
//
// The library never logs; only the application does, through this one object
// that main() owns and passes down by reference.
#pragma once

#include <charconv>
#include <concepts>
#include <cstdio>
#include <string>
#include <string_view>

namespace herald::app {

enum class log_level { debug, info, warn, error, off };

/// Parses "debug", "info", "warn", "error" or "off".
bool parse_log_level(std::string_view text, log_level& out) noexcept;

class logger {
public:
    explicit logger(log_level level = log_level::info, std::FILE* sink = stderr)
        : level_(level)
        , sink_(sink) {}

    bool enabled(log_level level) const noexcept {
        return level >= level_ && level_ != log_level::off;
    }

    template <typename... Parts>
    void debug(const Parts&... parts) {
        write(log_level::debug, parts...);
    }
    template <typename... Parts>
    void info(const Parts&... parts) {
        write(log_level::info, parts...);
    }
    template <typename... Parts>
    void warn(const Parts&... parts) {
        write(log_level::warn, parts...);
    }
    template <typename... Parts>
    void error(const Parts&... parts) {
        write(log_level::error, parts...);
    }

private:
    template <typename... Parts>
    void write(log_level level, const Parts&... parts) {
        if (!enabled(level))
            return; // the line is never formatted when its level is off
        std::string line = prefix(level);
        (append(line, parts), ...);
        line += '\n';
        // One fwrite per line: stdio locks the stream, so lines from several
        // threads never interleave.
        std::fwrite(line.data(), 1, line.size(), sink_);
        std::fflush(sink_);
    }

    static std::string prefix(log_level level);
    static void append(std::string& out, std::string_view s) { out += s; }
    static void append(std::string& out, const char* s) { out += s; }
    static void append(std::string& out, const std::string& s) { out += s; }
    static void append(std::string& out, char c) { out += c; }
    template <std::integral T>
    static void append(std::string& out, T value) {
        char buf[24];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
        out.append(buf, end);
    }

    log_level level_;
    std::FILE* sink_;
};

} // namespace herald::app
