// examples/03_broadcast.cpp — rung 3: a broadcast hub in miniature.
//
// What changed from 02_race_once.cpp, and why: in rung 2 every stream made
// its own events on its own timer. A real server relays *updates*: one
// publisher, many subscribers. So:
// - A hub keeps the subscribers. publish() encodes an event once and queues
//   the same bytes (a shared_ptr) on every subscriber: a thousand subscribers
//   cost one encode and a thousand pointer copies, not a thousand encodes.
// - Each subscriber's writer waits on a steady_timer set to never expire and
//   used as a condition variable: publish() queues and calls cancel_one(),
//   which wakes it (Asio's chat_server example does the same).
// - Each queue is bounded (--queue). A subscriber that falls that far behind
//   is cut, so a slow reader costs the others nothing: its queue cannot grow
//   without bound, and publish() never waits for it.
// - Publishers: POST /publish (the body is the event's data) and, like the
//   earlier rungs, a timer that publishes "tick <n>" every --interval.
// The session race and the shutdown are rung 2's, unchanged.
#include "ladder.hpp"

#include <deque>
#include <herald/herald.hpp>
#include <list>
#include <memory>
#include <unordered_set>

using namespace herald;
using namespace net::experimental::awaitable_operators;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

using ladder::log;

struct subscriber {
    tcp::socket& socket;
    net::steady_timer wakeup; // at time_point::max(): only cancel_one() ends a wait
    std::deque<std::shared_ptr<const std::string>> queue; // encoded events, oldest first
    bool cut = false;
};

class hub {
public:
    explicit hub(std::size_t limit)
        : limit_(limit) {}
    void join(subscriber& s) { subscribers_.insert(&s); }
    void leave(subscriber& s) { subscribers_.erase(&s); }

    void publish(std::string_view data) {
        auto bytes = std::make_shared<std::string>();
        const sse::event e{
            .data = std::string(data), .type = {}, .id = std::to_string(++last_id_), .retry = {}};
        if (sse::encode(e, *bytes))
            return; // not encodable (e.g. invalid UTF-8): nobody gets it
        for (auto* s : subscribers_) {
            if (s->queue.size() >= limit_) {
                // Too far behind. Cancelling the socket's pending operations
                // ends the subscriber's race; its session closes the socket.
                s->cut = true;
                error_code ignored;
                s->socket.cancel(ignored);
                continue;
            }
            s->queue.push_back(bytes);
            s->wakeup.cancel_one(); // notify: the writer's wait completes
        }
    }

private:
    std::size_t limit_;
    std::uint64_t last_id_ = 0;
    std::unordered_set<subscriber*> subscribers_;
};

// One arm: write what the hub queued, in order, then wait for more.
awaitable<void> deliver(subscriber& s) {
    for (;;) {
        if (s.cut || cancelled(co_await net::this_coro::cancellation_state))
            co_return;
        if (s.queue.empty()) {
            co_await s.wakeup.async_wait(use_tuple); // woken by publish() or by cancellation
            continue;
        }
        const auto bytes = std::move(s.queue.front()); // kept alive until written
        s.queue.pop_front();
        if (auto [ec, n] = co_await net::async_write(s.socket, net::buffer(*bytes), use_tuple); ec)
            co_return;
    }
}

// The other arm, as in rung 2.
awaitable<void> watch_disconnect(tcp::socket& socket) {
    for (;;) {
        if (cancelled(co_await net::this_coro::cancellation_state))
            co_return;
        if (auto [ec] = co_await socket.async_wait(tcp::socket::wait_read, use_tuple); ec)
            co_return;
        char sink[256];
        error_code read_ec;
        socket.read_some(net::buffer(sink), read_ec);
        if (read_ec)
            co_return;
    }
}

awaitable<void> subscribe(tcp::socket& socket, hub& h) {
    const auto head = sse::event_stream_head().str();
    if (auto [ec, n] = co_await net::async_write(socket, net::buffer(head), use_tuple); ec)
        co_return;
    if (cancelled(co_await net::this_coro::cancellation_state))
        co_return;
    subscriber me{socket, {socket.get_executor(), steady::time_point::max()}, {}, false};
    h.join(me);
    co_await (deliver(me) || watch_disconnect(socket));
    h.leave(me);
    log(me.cut ? "INFO(HUB): SLOW SUBSCRIBER CUT" : "INFO(HUB): SUBSCRIBER LEFT");
}

// Reads one request and answers it, unless it is GET /sse: then it returns
// true and the caller streams. Its own coroutine, so the parser and the
// request live in a frame that is freed before a stream starts, not for the
// stream's whole life (ladder::read_sse_request does the same for rungs 1-2).
awaitable<bool> read_request(tcp::socket& socket, hub& h) {
    http::request_parser parser;
    auto [ec, request, rest] =
        co_await http::async_read_request(socket, parser, steady::now() + 10s);
    if (!ec && request.path == "/sse" && request.method == "GET")
        co_return true;
    std::string answer = http::error_response(ec ? http_status_for(ec) : 404);
    if (!ec && request.path == "/publish" && request.method == "POST") {
        auto body = co_await http::async_read_body(socket, request, std::move(rest), {},
                                                   steady::now() + 10s);
        if (!body.ec)
            h.publish(body.body);
        answer = body.ec ? http::error_response(http_status_for(body.ec))
                         : http::response_head(204).str();
    }
    http::add_connection_close(answer); // one request per connection, for brevity
    co_await net::async_write(socket, net::buffer(answer), use_tuple);
    co_return false;
}

awaitable<void> session(tcp::socket socket, hub& h) {
    co_await net::this_coro::throw_if_cancelled(false); // as in rung 2
    // Named, not awaited inside the if: GCC 12 miscompiles this coroutine
    // (SIGILL at run time) when the condition is the co_await itself.
    const bool is_stream = co_await read_request(socket, h);
    if (is_stream)
        co_await subscribe(socket, h);
}

awaitable<void> publish_ticks(hub& h, std::chrono::milliseconds interval) {
    net::steady_timer ticker(co_await net::this_coro::executor, steady::now() + interval);
    for (std::uint64_t n = 1;; ++n) {
        if (cancelled(co_await net::this_coro::cancellation_state))
            co_return;
        if (auto [ec] = co_await ticker.async_wait(use_tuple); ec)
            co_return;
        h.publish("tick " + std::to_string(n));
        ticker.expires_at(ticker.expiry() + interval);
    }
}

int main(int argc, char** argv) {
    const auto opts = ladder::parse(argc, argv);
    net::io_context ctx;
    tcp::acceptor acceptor(ctx, {net::ip::make_address("127.0.0.1"), opts.port});
    ladder::say_listening(acceptor.local_endpoint().port());
    hub h(opts.queue);
    ladder::task_list running{ctx};
    running.spawn(ladder::accept_loop(std::move(acceptor), running,
                                      [&h](tcp::socket s) { return session(std::move(s), h); }));
    running.spawn(publish_ticks(h, opts.interval));

    net::signal_set signals(ctx, SIGINT, SIGTERM);
    running.stop_on(signals); // the first signal stops every task, with 5 s of grace
    ctx.run();
}
