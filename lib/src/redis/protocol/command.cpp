#include "herald/redis/command.hpp"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <new>
#include <stdexcept>
#include <vector>

namespace herald::redis {

void append_command(std::string& out, std::span<const std::string_view> args) {
    if (args.empty())
        throw std::invalid_argument("redis: a command needs at least its name");
    // hiredis computes the formatted length in an int.
    std::size_t total = 0;
    for (auto a : args)
        total += a.size() + 32;
    if (total > (std::size_t{1} << 30) || args.size() > (std::size_t{1} << 24))
        throw std::length_error("redis: command larger than 1 GiB");

    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (auto a : args) {
        // An empty string_view may have a null data(); hiredis memcpy()s from it.
        argv.push_back(a.empty() ? "" : a.data());
        lengths.push_back(a.size());
    }
    char* formatted = nullptr;
    const int n = redisFormatCommandArgv(&formatted, static_cast<int>(args.size()), argv.data(),
                                         lengths.data());
    if (n < 0)
        throw std::bad_alloc();
    std::unique_ptr<char, void (*)(char*)> guard(formatted, redisFreeCommand);
    out.append(formatted, static_cast<std::size_t>(n));
}

std::string format_command(std::span<const std::string_view> args) {
    std::string out;
    append_command(out, args);
    return out;
}

namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

} // namespace

bool breaks_reply_matching(std::span<const std::string_view> args) noexcept {
    if (args.empty())
        return false;
    const auto name = args[0];
    for (std::string_view c : {"SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE",
                               "PUNSUBSCRIBE", "SUNSUBSCRIBE", "MONITOR", "SYNC", "PSYNC"})
        if (iequals(name, c))
            return true;
    return iequals(name, "CLIENT") && args.size() > 1 && iequals(args[1], "REPLY");
}

pipeline& pipeline::push(std::span<const std::string_view> args) {
    append_command(payload_, args);
    ++count_;
    breaks_ = breaks_ || redis::breaks_reply_matching(args);
    return *this;
}

} // namespace herald::redis
