// herald/redis/command.hpp — a command as RESP2 bytes.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

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

/// True for commands after which Redis no longer answers one reply per
/// command: SUBSCRIBE and its kin, MONITOR, SYNC, PSYNC, CLIENT REPLY. A
/// pipelined connection refuses them (names compare case-insensitively).
bool breaks_reply_matching(std::span<const std::string_view> args) noexcept;

/// Several commands sent back to back and answered in order, as one request:
/// on a connection shared by many coroutines nothing can come between them,
/// which MULTI ... EXEC needs, and they cost one write.
class pipeline {
public:
    /// Appends a command; throws as format_command() does.
    pipeline& push(std::span<const std::string_view> args);

    /// `p.push("XADD", stream, "*", "data", payload)`.
    template <typename... Args>
    requires(sizeof...(Args) > 0 && (std::is_convertible_v<const Args&, std::string_view> &&
                                     ...)) pipeline& push(const Args&... args) {
        const std::array<std::string_view, sizeof...(Args)> argv{std::string_view(args)...};
        return push(std::span<const std::string_view>(argv));
    }

    /// How many commands (and so replies).
    std::size_t size() const noexcept { return count_; }
    bool empty() const noexcept { return count_ == 0; }
    /// The commands as RESP2 bytes.
    const std::string& payload() const noexcept { return payload_; }
    /// True if a command breaks reply matching (see breaks_reply_matching).
    bool breaks_reply_matching() const noexcept { return breaks_; }
    void clear() noexcept {
        payload_.clear();
        count_ = 0;
        breaks_ = false;
    }

private:
    std::string payload_;
    std::size_t count_ = 0;
    bool breaks_ = false;
};

} // namespace herald::redis
