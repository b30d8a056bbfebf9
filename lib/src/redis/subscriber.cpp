#include "herald/redis/subscriber.hpp"

#include "herald/redis/command.hpp"
#include "herald/redis/error.hpp"
#include "herald/redis/reply_parser.hpp"
#include "open.hpp"
#include "spawn.hpp"

#include <array>
#include <deque>
#include <stdexcept>
#include <variant>

namespace herald::redis {
namespace {

using namespace net::experimental::awaitable_operators;

bool is_push(const reply& r, std::string_view kind, std::size_t size) {
    return r.is_array() && r.elements.size() == size && r.elements[0].is_string() &&
           r.elements[0].str == kind;
}

} // namespace

struct subscriber::impl {
    impl(executor_type ex, connect_options o, std::vector<std::string> c, subscriber_options s)
        : executor(std::move(ex))
        , options(std::move(o))
        , channels(std::move(c))
        , sopts(s)
        , retry(s.retry)
        , socket(executor)
        , sleep_timer(executor)
        , event_ready(executor, std::chrono::steady_clock::time_point::max())
        , space_ready(executor, std::chrono::steady_clock::time_point::max()) {}

    executor_type executor;
    connect_options options;
    std::vector<std::string> channels;
    subscriber_options sopts;
    backoff retry;
    tcp::socket socket;
    net::steady_timer sleep_timer;
    net::steady_timer event_ready; // condition variable for next()
    net::steady_timer space_ready; // condition variable for the reader (backpressure)
    std::deque<subscriber_event> events;
    std::string last_error;
    bool started = false;
    bool stopped = false;
    bool subscribed = false;
    bool down_announced = false; // a `disconnected` was sent and no `subscribed` since
    bool paused = false;         // not reading: the event queue is full
    std::chrono::steady_clock::time_point last_received;

    void push(subscriber_event e) {
        events.push_back(std::move(e));
        event_ready.cancel();
    }

    struct outcome {
        error_code ec;
        std::string message;
    };

    // One connection's life: connect, subscribe, deliver until it breaks.
    static awaitable<outcome> session(std::shared_ptr<impl> self) {
        self->socket = tcp::socket(self->executor);
        reply_parser parser(self->options.max_buffered);
        auto opened = co_await detail::open(self->socket, parser, self->options);
        if (opened.ec)
            co_return outcome{opened.ec, std::move(opened.message)};

        std::vector<std::string_view> args{"SUBSCRIBE"};
        args.insert(args.end(), self->channels.begin(), self->channels.end());
        const std::string request = format_command(args);
        auto [wec, written] =
            co_await net::async_write(self->socket, net::buffer(request), use_tuple);
        if (wec)
            co_return outcome{errc::connection_lost, "writing SUBSCRIBE: " + wec.message()};

        self->last_received = std::chrono::steady_clock::now();
        if (self->sopts.ping_interval.count() <= 0)
            co_return co_await deliver(self, parser);
        auto result = co_await (deliver(self, parser) || health(self));
        co_return std::visit([](auto&& o) { return std::move(o); }, std::move(result));
    }

    // Reads pushes and turns them into events until the connection breaks.
    static awaitable<outcome> deliver(std::shared_ptr<impl> self, reply_parser& parser) {
        std::size_t confirmed = 0;
        std::array<char, 16 * 1024> chunk;
        for (;;) {
            while (self->events.size() >= self->sopts.max_queued && !self->stopped) {
                self->paused = true;
                if (cancelled(co_await net::this_coro::cancellation_state))
                    break;
                (void)co_await self->space_ready.async_wait(use_tuple);
            }
            self->paused = false;
            if (self->stopped)
                co_return outcome{errc::closed, "stopped"};
            if (cancelled(co_await net::this_coro::cancellation_state))
                co_return outcome{net::error::operation_aborted, "cancelled"};
            auto [ec, n] = co_await self->socket.async_read_some(net::buffer(chunk), use_tuple);
            if (self->stopped)
                co_return outcome{errc::closed, "stopped"};
            if (ec)
                co_return outcome{errc::connection_lost,
                                  ec == net::error::eof ? std::string("Redis closed the connection")
                                                        : "reading from Redis: " + ec.message()};
            self->last_received = std::chrono::steady_clock::now();
            parser.feed({chunk.data(), n});
            while (auto r = parser.next()) {
                if (is_push(*r, "message", 3)) {
                    subscriber_event e;
                    e.kind = subscriber_event::type::message;
                    e.channel = std::move(r->elements[1].str);
                    e.payload = std::move(r->elements[2].str);
                    self->push(std::move(e));
                } else if (is_push(*r, "subscribe", 3)) {
                    if (++confirmed == self->channels.size()) {
                        self->subscribed = true;
                        self->down_announced = false;
                        self->retry.reset();
                        self->push({subscriber_event::type::subscribed, {}, {}, {}});
                    }
                } else if (is_push(*r, "pong", 2)) {
                    // The health check's answer: receiving it was the point.
                } else if (r->is_error()) {
                    co_return outcome{errc::subscribe_failed, "SUBSCRIBE failed: " + r->str};
                } else {
                    co_return outcome{errc::unexpected_reply,
                                      "unexpected reply on the subscriber connection: " +
                                          preview(*r)};
                }
            }
            if (parser.error())
                co_return outcome{parser.error(),
                                  "malformed reply from Redis: " + parser.error_message()};
        }
    }

    // A subscribed connection is silent while nothing is published, so a
    // Redis that vanished without closing the TCP connection (host down,
    // network cut) would go unnoticed. Every ping_interval a PING goes out;
    // if nothing at all came back by the next tick, the connection is dead.
    // While the consumer holds reading back (paused), silence proves nothing.
    static awaitable<outcome> health(std::shared_ptr<impl> self) {
        const std::vector<std::string_view> ping_args{"PING"};
        const std::string ping = format_command(ping_args);
        net::steady_timer tick(self->executor);
        auto sent_at = std::chrono::steady_clock::time_point::min();
        for (;;) {
            tick.expires_after(self->sopts.ping_interval);
            if (cancelled(co_await net::this_coro::cancellation_state))
                co_return outcome{net::error::operation_aborted, "cancelled"};
            auto [tec] = co_await tick.async_wait(use_tuple);
            if (tec)
                co_return outcome{tec, "cancelled"};
            if (self->paused) {
                sent_at = std::chrono::steady_clock::time_point::min();
                continue;
            }
            if (sent_at != std::chrono::steady_clock::time_point::min() &&
                self->last_received < sent_at)
                co_return outcome{errc::timeout,
                                  "no answer to PING within " +
                                      std::to_string(self->sopts.ping_interval.count()) + " ms"};
            sent_at = std::chrono::steady_clock::now();
            auto [wec, n] = co_await net::async_write(self->socket, net::buffer(ping), use_tuple);
            if (wec)
                co_return outcome{errc::connection_lost, "writing PING: " + wec.message()};
        }
    }

    static awaitable<void> run(std::shared_ptr<impl> self) {
        while (!self->stopped) {
            auto result = co_await session(self);
            error_code ignored;
            self->socket.close(ignored);
            if (self->stopped)
                break;
            self->last_error = std::move(result.message);
            self->subscribed = false;
            if (!self->down_announced) {
                self->down_announced = true;
                self->push({subscriber_event::type::disconnected, {}, {}, result.ec});
            }
            self->sleep_timer.expires_after(self->retry.next());
            (void)co_await self->sleep_timer.async_wait(use_tuple);
        }
    }
};

subscriber::subscriber(executor_type ex, connect_options options, std::vector<std::string> channels,
                       subscriber_options sopts)
    : impl_(std::make_shared<impl>(std::move(ex), std::move(options), std::move(channels), sopts)) {
    if (impl_->channels.empty())
        throw std::invalid_argument("redis::subscriber needs at least one channel");
    if (impl_->sopts.max_queued == 0)
        impl_->sopts.max_queued = 1;
}

subscriber::~subscriber() {
    stop();
}

void subscriber::start() {
    if (impl_->started)
        return;
    impl_->started = true;
    detail::spawn(impl_->executor, impl::run(impl_));
}

void subscriber::stop() {
    impl_->stopped = true;
    impl_->subscribed = false;
    impl_->events.clear();
    error_code ignored;
    impl_->socket.close(ignored);
    impl_->sleep_timer.cancel();
    impl_->event_ready.cancel();
    impl_->space_ready.cancel();
}

awaitable<subscriber_event> subscriber::next() {
    auto self = impl_;
    for (;;) {
        if (!self->events.empty()) {
            auto e = std::move(self->events.front());
            self->events.pop_front();
            if (self->paused && self->events.size() < self->sopts.max_queued)
                self->space_ready.cancel();
            co_return e;
        }
        if (self->stopped)
            co_return subscriber_event{subscriber_event::type::stopped, {}, {}, errc::closed};
        if (cancelled(co_await net::this_coro::cancellation_state))
            co_return subscriber_event{
                subscriber_event::type::stopped, {}, {}, net::error::operation_aborted};
        (void)co_await self->event_ready.async_wait(use_tuple);
    }
}

bool subscriber::is_subscribed() const noexcept {
    return impl_->subscribed;
}

const std::string& subscriber::last_error() const noexcept {
    return impl_->last_error;
}

} // namespace herald::redis
