// examples/clock.cpp — the herald library in under 50 lines: an SSE clock at /clock.
#include <cstdio>
#include <ctime>
#include <herald/herald.hpp>

using namespace herald;
using namespace std::chrono_literals;

// One connection: read the request, then send the time every second until the client leaves.
awaitable<void> serve(tcp::socket socket) {
    http::request_parser parser;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    auto [ec, request, rest] = co_await http::async_read_request(socket, parser, deadline);
    if (ec || request.path != "/clock") {
        const auto answer = http::error_response(ec ? http_status_for(ec) : 404);
        co_await net::async_write(socket, net::buffer(answer), use_tuple);
        co_return;
    }
    sse::stream_writer writer(socket);
    if (co_await writer.open(sse::event_stream_head()))
        co_return;
    net::steady_timer timer(socket.get_executor());
    for (std::uint64_t id = 1;; ++id) {
        timer.expires_after(1s);
        co_await timer.async_wait(use_tuple);
        char now[16];
        const std::time_t t = std::time(nullptr);
        std::strftime(now, sizeof now, "%H:%M:%S", std::gmtime(&t));
        // Named before the co_await: GCC 12 miscompiles braced temporaries there.
        const sse::event tick{.data = now, .type = "tick", .id = std::to_string(id), .retry = {}};
        if (co_await writer.send(tick))
            co_return; // the write failed: the client is gone
    }
}

awaitable<void> listen(tcp::acceptor acceptor) {
    for (;;)
        if (auto [ec, socket] = co_await acceptor.async_accept(use_tuple); !ec)
            net::co_spawn(acceptor.get_executor(), serve(std::move(socket)), net::detached);
}

int main(int argc, char** argv) {
    net::io_context ctx;
    const auto port = net::ip::port_type(argc > 1 ? std::atoi(argv[1]) : 8080);
    tcp::acceptor acceptor(ctx, {net::ip::make_address("127.0.0.1"), port});
    std::printf("listening on 127.0.0.1:%u\n", acceptor.local_endpoint().port());
    std::fflush(stdout);
    net::co_spawn(ctx, listen(std::move(acceptor)), net::detached);
    ctx.run();
}
