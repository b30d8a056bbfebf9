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

/// text: "2026-01-01T00:00:00.000Z INFO  message"; json: one object per line,
/// {"time":..., "level":..., "msg":...} and each `name=value` word of the
/// message as a field of its own.
enum class log_format { text, json };

/// Parses "debug", "info", "warn", "error" or "off".
bool parse_log_level(std::string_view text, log_level& out) noexcept;

class logger {
public:
    explicit logger(log_level level = log_level::info, std::FILE* sink = stderr,
                    log_format format = log_format::text)
        : level_(level)
        , sink_(sink)
        , format_(format) {}

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
        std::string message;
        (append(message, parts), ...);
        std::string line =
            format_ == log_format::json ? json_line(level, message) : prefix(level) + message;
        line += '\n';
        // One fwrite per line: stdio locks the stream, so lines from several
        // threads never interleave.
        std::fwrite(line.data(), 1, line.size(), sink_);
        std::fflush(sink_);
    }

    static std::string prefix(log_level level);
    static std::string json_line(log_level level, std::string_view message);
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
    log_format format_;
};

} // namespace herald::app
