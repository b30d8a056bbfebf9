// herald/redis/command.hpp — a command as RESP2 bytes.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace herald::redis {

/// The RESP2 request for `args` (name first), as hiredis's
/// redisFormatCommandArgv writes it: `*<n>\r\n` then `$<len>\r\n<arg>\r\n` for
/// each argument. Arguments are binary-safe.
///
/// Throws std::invalid_argument for an empty command (Redis would silently
/// ignore `*0\r\n` and send no reply, which would shift every later reply
/// onto the wrong request) and std::length_error past 1 GiB.
std::string format_command(std::span<const std::string_view> args);

/// Same, appended to `out` (for writing several commands at once).
void append_command(std::string& out, std::span<const std::string_view> args);

} // namespace herald::redis
