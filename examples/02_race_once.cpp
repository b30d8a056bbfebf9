// examples/02_race_once.cpp — rung 2: race once per stream, stop through a slot.
//
// What changed from 01_seed.cpp, and why:
// - The race moved out of the loop. Rung 1 started three operations and
//   spawned three coroutines for every event, and cancelled two of them. Here
//   two coroutines race once, for the stream's whole life: send_events is the
//   whole ticker loop, watch_disconnect waits for the client's FIN. Same
//   behaviour, and an event now costs one timer wait and one write. (The
//   write goes through stream_writer::send, a coroutine: its frame is one
//   more allocation when Asio's recycling cache is full. herald's own
//   send_events writes inline for that reason.)
// - The shutdown channel is gone. Each task (the accept loop, every session)
//   is spawned bound to the slot of its own cancellation_signal, kept in a
//   list; the signal handler emits them all. Asio forwards a session's
//   cancellation into whatever it awaits: the race, then both arms, so a
//   stopped stream needs no third arm. (Boost.Beast's flex server, 2022.)
//   The list (ladder::task_list) and the accept loop that fills it are in
//   ladder.hpp, because rung 3 keeps them.
// - A cancellation can arrive while a coroutine has nothing pending (its
//   timer fired and its resumption is queued). It is then only recorded, so
//   each loop checks `cancelled(...)` right before it starts its next wait.
// - By default, a coroutine whose cancellation state is set throws from its
//   next co_await. The session opts out (`throw_if_cancelled(false)`): a
//   stopped session should end through its own checks, quietly, not through
//   an exception that the task list would report as a failure.
#include "ladder.hpp"

#include <herald/herald.hpp>

using namespace herald;
using namespace net::experimental::awaitable_operators;
using steady = std::chrono::steady_clock;

using ladder::log;

enum class stream_end { client_left, write_failed, stopped };

// Rung 1's ticker case, now a loop of its own.
awaitable<stream_end> send_events(sse::stream_writer<tcp::socket>& writer,
                                  std::chrono::milliseconds interval) {
    net::steady_timer ticker(co_await net::this_coro::executor, steady::now() + interval);
    const sse::event hello{.data = "Hello World", .type = {}, .id = {}, .retry = {}};
    for (;;) {
        if (cancelled(co_await net::this_coro::cancellation_state))
            co_return stream_end::stopped;
        if (auto [ec] = co_await ticker.async_wait(use_tuple); ec)
            co_return stream_end::stopped; // the other arm won, or shutdown
        if (cancelled(co_await net::this_coro::cancellation_state))
            co_return stream_end::stopped; // stopped while the tick was queued
        if (co_await writer.send(hello))
            co_return stream_end::write_failed;
        ticker.expires_at(ticker.expiry() + interval);
    }
}

// Rung 1's r.Context().Done() case, now a loop of its own.
awaitable<stream_end> watch_disconnect(tcp::socket& socket) {
    for (;;) {
        if (cancelled(co_await net::this_coro::cancellation_state))
            co_return stream_end::stopped;
        if (auto [ec] = co_await socket.async_wait(tcp::socket::wait_read, use_tuple); ec)
            co_return stream_end::stopped;
        char sink[256];
        error_code read_ec;
        socket.read_some(net::buffer(sink), read_ec);
        if (read_ec)
            co_return stream_end::client_left; // eof, or the connection broke
    }
}

awaitable<void> session(tcp::socket socket, std::chrono::milliseconds interval) {
    co_await net::this_coro::throw_if_cancelled(false);
    if (!co_await ladder::read_sse_request(socket))
        co_return;
    sse::stream_writer writer(socket);
    if (co_await writer.open(sse::event_stream_head()))
        co_return;
    log("INFO(SSE): CLIENT CONNECTED");

    // The race, once. Cancellation of this session reaches both arms; one
    // that came while the head was being written is only recorded.
    if (cancelled(co_await net::this_coro::cancellation_state))
        co_return;
    auto end = co_await (send_events(writer, interval) || watch_disconnect(socket));
    switch (std::visit([](stream_end e) { return e; }, end)) {
    case stream_end::client_left:
        log("INFO(SSE): CLIENT CLOSE CONNECTION");
        break;
    case stream_end::write_failed:
        log("ERROR(SSE): write failed");
        break;
    case stream_end::stopped:
        log("INFO(SSE): DISCONNECT TO THE CLIENT");
        break;
    }
}

int main(int argc, char** argv) {
    const auto opts = ladder::parse(argc, argv);
    net::io_context ctx;
    tcp::acceptor acceptor(ctx, {net::ip::make_address("127.0.0.1"), opts.port});
    ladder::say_listening(acceptor.local_endpoint().port());
    ladder::task_list running{ctx};
    const auto interval = opts.interval;
    running.spawn(ladder::accept_loop(std::move(acceptor), running, [interval](tcp::socket s) {
        return session(std::move(s), interval);
    }));

    net::signal_set signals(ctx, SIGINT, SIGTERM);
    running.stop_on(signals); // the first signal stops every task, with 5 s of grace
    ctx.run();
}
