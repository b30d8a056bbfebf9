#include "herald/redis/command.hpp"

#include <hiredis/hiredis.h>

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

} // namespace herald::redis
