// bench/herald_bench/io.hpp — what the bench's I/O code (load.cpp,
// publish.cpp) shares: its socket and timer types, and co_spawn's completion
// handler for its coroutines.
#pragma once

#include "herald/net.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>

namespace herald::bench {

// On io_context's own executor rather than any_io_executor: no type-erased
// executor behind each operation.
using socket_type = net::basic_stream_socket<tcp, net::io_context::executor_type>;
using timer_type = net::basic_waitable_timer<std::chrono::steady_clock,
                                             net::wait_traits<std::chrono::steady_clock>,
                                             net::io_context::executor_type>;

/// An exception escaping a coroutine is a bug in the bench, and a silent one
/// would corrupt the figures: say what it was (and where, e.g. " in the
/// publisher"), then abort.
struct crash_on_exception {
    const char* where = "";

    void operator()(std::exception_ptr e) const {
        if (!e)
            return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            std::fprintf(stderr, "herald-bench: internal error%s: %s\n", where, ex.what());
        }
        std::abort();
    }
};

} // namespace herald::bench
