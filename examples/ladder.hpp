// examples/ladder.hpp — what the rungs of the ladder share: a tiny command
// line, the log, the line that tells a script the port, the request handling
// that Go's net/http does for the seed, and (from rung 2 on) the list of
// running tasks that shutdown cancels, with the accept loop that fills it.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <herald/herald.hpp>
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

/// Go's log.Println.
inline void log(const char* line) {
    std::fprintf(stderr, "%s\n", line);
}

/// What Go's net/http and `http.HandleFunc("/sse", ...)` do before the
/// seed's handler runs: read the request head (10 s at most), and answer
/// anything but /sse with an error. True: the caller has a /sse request and
/// the socket, and sends the stream.
inline herald::awaitable<bool> read_sse_request(herald::tcp::socket& socket) {
    using namespace herald;
    http::request_parser parser;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    auto [ec, request, rest] = co_await http::async_read_request(socket, parser, deadline);
    if (!ec && request.path == "/sse")
        co_return true;
    const auto answer = http::error_response(ec ? http_status_for(ec) : 404);
    co_await asio::async_write(socket, asio::buffer(answer), use_tuple);
    co_return false;
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
                log("ERROR: a task failed with an exception");
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

    /// signal.NotifyContext and server.Shutdown(5 s): the first SIGINT or
    /// SIGTERM stops every task, with 5 s of grace.
    void stop_on(asio::signal_set& signals) {
        signals.async_wait([this](std::error_code ec, int) {
            if (!ec) {
                log("INFO: SHUTDOWN");
                stop_all(std::chrono::seconds(5));
            }
        });
    }
};

/// Accepts connections until its task is stopped, and spawns
/// `session(socket)` for each as a task of `running`.
template <typename Session>
herald::awaitable<void> accept_loop(herald::tcp::acceptor acceptor, task_list& running,
                                    Session session) {
    using namespace herald;
    for (;;) {
        if (cancelled(co_await asio::this_coro::cancellation_state))
            co_return;
        auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
        if (ec == asio::error::operation_aborted)
            co_return;
        if (!ec)
            running.spawn(session(std::move(socket)));
    }
}

} // namespace ladder
