// examples/ladder.hpp — what the rungs of the ladder share: a tiny command
// line, the line that tells a script the port, and (from rung 2 on) the list
// of running tasks that shutdown cancels.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <herald/duration.hpp>
#include <herald/net.hpp>
#include <list>
#include <string_view>

namespace ladder {

struct options {
    unsigned short port = 4321;               ///< the seed's port; 0 picks a free one
    std::chrono::milliseconds interval{2000}; ///< the seed's 2 s
    std::size_t queue = 64;                   ///< rung 3: events a subscriber may fall behind
};

/// `--port N`, `--interval 100ms`, `--queue N`. Exits with a usage line on
/// anything else: a teaching program should not guess.
inline options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view flag = argv[i], value = argv[i + 1];
        if (flag == "--port")
            o.port = static_cast<unsigned short>(std::atoi(value.data()));
        else if (flag == "--queue")
            o.queue = std::strtoul(value.data(), nullptr, 10);
        else if (auto d = herald::parse_duration(value); flag == "--interval" && d)
            o.interval = *d;
        else
            argc = -1; // unknown flag or a bad duration
    }
    if (argc < 0 || argc % 2 == 0 || o.interval.count() <= 0) {
        std::fprintf(stderr, "usage: %s [--port N] [--interval 2s] [--queue N]\n", argv[0]);
        std::exit(2);
    }
    return o;
}

/// The smoke tests and bench/ladder.sh wait for this line to learn the port.
inline void say_listening(unsigned short port) {
    std::printf("listening on 127.0.0.1:%u\n", unsigned(port));
    std::fflush(stdout);
}

/// Every task of a server (the accept loop, each session, a publisher) is
/// spawned bound to the slot of its own cancellation signal, kept in this
/// list. stop_all() emits them all: Asio forwards each signal into whatever
/// its task awaits at that moment. Phase two, as in Go's server.Shutdown: if
/// tasks are still running when the grace period ends, the loop is stopped.
struct task_list {
    asio::io_context& ctx;
    std::list<asio::cancellation_signal> signals{};
    asio::steady_timer grace{ctx};

    void spawn(herald::awaitable<void> task) {
        auto signal = signals.emplace(signals.end());
        auto on_end = [this, signal](std::exception_ptr e) {
            if (e)
                std::fprintf(stderr, "ERROR: a task failed with an exception\n");
            signals.erase(signal);
            if (signals.empty())
                grace.cancel(); // shutdown finished early
        };
        asio::co_spawn(ctx, std::move(task), asio::bind_cancellation_slot(signal->slot(), on_end));
    }

    void stop_all(std::chrono::seconds grace_period) {
        for (auto& signal : signals)
            signal.emit(asio::cancellation_type::terminal);
        grace.expires_after(grace_period);
        grace.async_wait([this](std::error_code ec) {
            if (!ec)
                ctx.stop();
        });
    }
};

} // namespace ladder
