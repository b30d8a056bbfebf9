// herald/redis/url.hpp — connect_options from a redis:// URL.
#pragma once

#include "herald/redis/options.hpp"

#include <string>
#include <string_view>

namespace herald::redis {

struct url_result {
    connect_options options;
    std::string error; ///< empty on success; otherwise says what is wrong, for the operator
    bool ok() const noexcept { return error.empty(); }
};

/// Parses `redis://[[user]:password@]host[:port][/db]` into `defaults`
/// (timeouts and limits are kept from there).
///
/// - host: a name, an IPv4 address, or an IPv6 address in brackets;
/// - port: 1-65535, 6379 when absent;
/// - user and password: percent-decoded (a password may hold `@`, `:`, `/`
///   encoded as %40, %3A, %2F); `redis://:secret@host` is a password alone;
/// - db: a decimal number, 0 when absent.
/// Refused with a clear message: other schemes (rediss:// - TLS is not
/// supported), userinfo without `:`, query strings and fragments, junk.
url_result parse_url(std::string_view url, connect_options defaults = {});

} // namespace herald::redis
