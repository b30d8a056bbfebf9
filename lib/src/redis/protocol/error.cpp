#include "herald/redis/error.hpp"

#include <string>

namespace herald::redis {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "herald.redis"; }

    std::string message(int value) const override {
        switch (static_cast<errc>(value)) {
        case errc::protocol_error:
            return "Redis protocol error";
        case errc::reply_too_large:
            return "Redis reply element too large";
        case errc::out_of_memory:
            return "out of memory while parsing a Redis reply";
        case errc::empty_command:
            return "empty Redis command";
        case errc::not_allowed:
            return "command not allowed on this Redis connection";
        case errc::bad_url:
            return "malformed redis:// URL";
        case errc::not_connected:
            return "not connected to Redis";
        case errc::connect_timeout:
            return "connecting to Redis timed out";
        case errc::auth_failed:
            return "Redis rejected AUTH";
        case errc::select_failed:
            return "Redis rejected SELECT";
        case errc::handshake_failed:
            return "Redis rejected a connection setup command";
        case errc::subscribe_failed:
            return "Redis rejected SUBSCRIBE";
        case errc::timeout:
            return "Redis did not reply in time";
        case errc::connection_lost:
            return "connection to Redis lost";
        case errc::unexpected_reply:
            return "Redis sent a reply nobody asked for";
        case errc::closed:
            return "Redis connection closed";
        }
        return "unknown Redis client error";
    }
};

} // namespace

const std::error_category& error_category() noexcept {
    static const category instance;
    return instance;
}

} // namespace herald::redis
