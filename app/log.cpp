#include "log.hpp"

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

std::string logger::prefix(log_level level) {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const std::time_t secs = system_clock::to_time_t(now);
    const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm utc{};
    gmtime_r(&secs, &utc);
    char buf[96];
    const char* name = level == log_level::debug  ? "DEBUG"
                       : level == log_level::info ? "INFO"
                       : level == log_level::warn ? "WARN"
                                                  : "ERROR";
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ %-5s ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, int(millis),
                  name);
    return buf;
}

} // namespace herald::app
