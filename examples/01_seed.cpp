// examples/01_seed.cpp — rung 1 of the ladder: the Go seed, translated literally.
//
// The seed (docs/walkthrough.md) answers GET /sse with "data: Hello World"
// every 2 s until the client leaves or the server shuts down. Its heart is a
// select in a loop, and this program keeps that shape:
//
//   Go                                  here
//   case <-ticker.C                     ticker.async_wait
//   case <-r.Context().Done()           socket.async_wait(wait_read): the client's FIN
//   case <-ctxShutdown.Done()           shutdown.async_wait: a "closed channel", below
//   select { ... }                      co_await (a || b || c), once per event
//   signal.NotifyContext                a signal_set that closes the channel and emits
//                                       the cancellation signal the accept loop is bound to
//   server.Shutdown(5 s)                stop accepting; sessions end; a 5 s grace timer
//
// It works, and it is what rung 2 improves: each `||` spawns one coroutine
// per arm, so every event pays a handful of heap allocations and three
// operations started and cancelled (bench/micro/race_alloc_bench.cpp counts
// them). Differences from the seed on purpose: it listens on 127.0.0.1 only,
// and it does not log each event (at 20,000 events/s the log would be the
// benchmark). The seed's http.Flusher check has no counterpart: every write
// below goes straight to the socket, there is no buffer to flush.
#include "ladder.hpp"

#include <herald/herald.hpp>

using namespace herald;
using namespace net::experimental::awaitable_operators;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

using ladder::log;

// What every session shares: the seed's ctxShutdown and its settings.
struct server_state {
    std::chrono::milliseconds interval;
    // A closed Go channel stays closed: every receive on it returns at once.
    // A timer that never expires does the same once it is moved to the
    // distant past: pending waits complete (cancelled), later ones at once.
    net::steady_timer shutdown;
    net::steady_timer grace; // server.Shutdown's 5 s
    int sessions = 0;
};

awaitable<void> handle_sse(tcp::socket& socket, server_state& server) {
    if (!co_await ladder::read_sse_request(socket))
        co_return;
    sse::stream_writer writer(socket); // w.Header().Set(...), and the status line
    if (auto write_ec = co_await writer.open(sse::event_stream_head())) {
        std::fprintf(stderr, "ERROR(SSE): %s\n", write_ec.message().c_str());
        co_return;
    }
    log("INFO(SSE): CLIENT CONNECTED");

    net::steady_timer ticker(socket.get_executor(), steady::now() + server.interval);
    const sse::event hello{.data = "Hello World", .type = {}, .id = {}, .retry = {}};
    for (;;) {
        // The select. Whichever arm completes first wins; the race then
        // cancels the other two and waits for them, so all three must be
        // operations Asio can cancel.
        auto ready = co_await (ticker.async_wait(use_tuple) ||
                               socket.async_wait(tcp::socket::wait_read, use_tuple) ||
                               server.shutdown.async_wait(use_tuple));
        if (ready.index() == 0) { // case <-ticker.C
            if (auto write_ec = co_await writer.send(hello)) {
                std::fprintf(stderr, "ERROR(SSE): %s\n", write_ec.message().c_str());
                co_return;
            }
            ticker.expires_at(ticker.expiry() + server.interval);
        } else if (ready.index() == 1) { // case <-r.Context().Done()
            // Readable: either the client's FIN (read returns eof) or bytes
            // an SSE client should not send, which are dropped.
            char sink[256];
            error_code read_ec;
            socket.read_some(net::buffer(sink), read_ec);
            if (read_ec) {
                log("INFO(SSE): CLIENT CLOSE CONNECTION");
                co_return;
            }
        } else { // case <-ctxShutdown.Done()
            log("INFO(SSE): DISCONNECT TO THE CLIENT");
            co_return;
        }
    }
}

// One goroutine per request: a coroutine per connection. The socket lives in
// this frame; handle_sse borrows it, and it closes when this returns.
awaitable<void> session(tcp::socket socket, server_state& server) {
    co_await handle_sse(socket, server);
}

awaitable<void> accept_loop(tcp::acceptor& acceptor, server_state& server) {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
        if (ec == net::error::operation_aborted)
            co_return; // the signal handler stopped us
        if (ec) {
            std::fprintf(stderr, "ERROR(ACCEPT): %s\n", ec.message().c_str());
            continue;
        }
        ++server.sessions;
        net::co_spawn(acceptor.get_executor(), session(std::move(socket), server),
                      [&server](std::exception_ptr e) {
                          if (e)
                              log("ERROR(SSE): session failed with an exception");
                          if (--server.sessions == 0)
                              server.grace.cancel(); // nothing left to wait for
                      });
    }
}

int main(int argc, char** argv) {
    const auto opts = ladder::parse(argc, argv);
    net::io_context ctx;
    tcp::acceptor acceptor(ctx, {net::ip::make_address("127.0.0.1"), opts.port});
    server_state server{opts.interval, net::steady_timer(ctx, steady::time_point::max()),
                        net::steady_timer(ctx), 0};

    net::cancellation_signal stop_accepting;
    net::co_spawn(ctx, accept_loop(acceptor, server),
                  net::bind_cancellation_slot(stop_accepting.slot(), net::detached));

    net::signal_set signals(ctx, SIGINT, SIGTERM);
    signals.async_wait([&](error_code ec, int) {
        if (ec)
            return;
        log("INFO: SHUTDOWN");
        stop_accepting.emit(net::cancellation_type::terminal);
        server.shutdown.expires_at(steady::time_point::min()); // close(ctxShutdown)
        if (server.sessions == 0)
            return;
        server.grace.expires_after(5s);
        server.grace.async_wait([&](error_code grace_ec) {
            if (!grace_ec) {
                log("ERROR(SERVER SHUTDOWN): grace period over");
                ctx.stop();
            }
        });
    });

    log("INFO(SERVER START)");
    ladder::say_listening(acceptor.local_endpoint().port());
    ctx.run(); // returns when nothing is left to do: every session has ended
}
