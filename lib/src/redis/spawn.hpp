// lib/src/redis/spawn.hpp — start one of the component's background coroutines.
// Shared by connection, client and subscriber; not part of the public API.
#pragma once

#include "herald/net.hpp"

#include <exception>
#include <utility>

namespace herald::redis::detail {

/// Spawns `work` on `ex`, detached. The component's coroutines report every
/// expected failure as a value, so an exception that escapes one is a bug:
/// it is rethrown from the io_context's run() instead of being dropped, as
/// net::detached would.
inline void spawn(const net::any_io_executor& ex, awaitable<void> work) {
    net::co_spawn(ex, std::move(work), [](std::exception_ptr e) {
        if (e)
            std::rethrow_exception(e);
    });
}

} // namespace herald::redis::detail
