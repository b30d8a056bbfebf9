#include "log.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>

namespace herald::app {

bool parse_log_level(std::string_view text, log_level& out) noexcept {
    struct entry {
        std::string_view name;
        log_level level;
    };
    for (auto [name, level] : {entry{"debug", log_level::debug}, entry{"info", log_level::info},
                               entry{"warn", log_level::warn}, entry{"error", log_level::error},
                               entry{"off", log_level::off}}) {
        if (text == name) {
            out = level;
            return true;
        }
    }
    return false;
}

namespace {

const char* level_name(log_level level) {
    return level == log_level::debug  ? "debug"
           : level == log_level::info ? "info"
           : level == log_level::warn ? "warn"
                                      : "error";
}

// The time a line is written, to the millisecond: 2026-01-02T03:04:05.678Z.
std::string utc_now() {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const std::time_t secs = system_clock::to_time_t(now);
    const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm utc{};
    gmtime_r(&secs, &utc);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, int(millis));
    return buf;
}

} // namespace

std::string logger::json_line(log_level level, std::string_view message) {
    nlohmann::ordered_json line;
    line["time"] = utc_now();
    line["level"] = level_name(level);
    line["msg"] = ""; // its place: after time and level, before the fields
    // The words before the first name=value are the message; the name=value
    // words become fields (numbers as numbers), as log processors expect.
    std::string_view rest = message;
    std::string text;
    while (!rest.empty()) {
        const auto space = rest.find(' ');
        const auto word = rest.substr(0, space);
        rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
        const auto eq = word.find('=');
        if (eq == 0 || eq == std::string_view::npos ||
            line.contains(std::string(word.substr(0, eq)))) {
            if (!text.empty())
                text += ' ';
            text += word;
            continue;
        }
        const std::string name(word.substr(0, eq));
        const auto value = word.substr(eq + 1);
        long long number = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
        if (ec == std::errc{} && end == value.data() + value.size() && !value.empty())
            line[name] = number;
        else
            line[name] = std::string(value);
    }
    line["msg"] = text;
    // Bytes that are not UTF-8 (from a client) become U+FFFD: the line stays JSON.
    return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string logger::prefix(log_level level) {
    // "2026-01-02T03:04:05.678Z INFO  message": the level padded, so messages line up.
    const char* name = level == log_level::debug  ? "DEBUG"
                       : level == log_level::info ? "INFO"
                       : level == log_level::warn ? "WARN"
                                                  : "ERROR";
    char padded[8];
    std::snprintf(padded, sizeof padded, " %-5s ", name);
    return utc_now() + padded;
}

} // namespace herald::app
