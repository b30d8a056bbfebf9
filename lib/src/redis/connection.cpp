#include "herald/redis/connection.hpp"

#include "herald/redis/command.hpp"
#include "herald/redis/error.hpp"
#include "herald/redis/reply_parser.hpp"
#include "open.hpp"
#include "spawn.hpp"

#include <algorithm>
#include <array>
#include <deque>

namespace herald::redis {
namespace {

// One exec() in flight. The waiting coroutine sleeps on `timer`, set to the
// request's deadline: the reader wakes it early by cancelling the timer once
// `done` is set, and the timer running out is the deadline itself. So a
// request costs one timer and no `||` race.
struct request {
    request(const net::any_io_executor& ex, std::string cmd)
        : timer(ex)
        , command(std::move(cmd)) {}
    net::steady_timer timer;
    std::string command;       // emptied once handed to the socket
    std::size_t expected = 1;  // replies that belong to this request
    std::size_t received = 0;  // of which arrived
    std::vector<reply> values; // unless abandoned
    error_code ec;
    bool done = false;      // value or ec is final
    bool sent = false;      // in a write already: Redis will answer it
    bool abandoned = false; // the caller gave up: read the reply and drop it
};

} // namespace

struct connection::impl {
    enum class state { idle, connecting, open, closed };

    impl(net::any_io_executor ex, connect_options o)
        : executor(std::move(ex))
        , options(std::move(o))
        , socket(executor)
        , parser(options.max_buffered)
        , write_wanted(executor, std::chrono::steady_clock::time_point::max())
        , closed_signal(executor, std::chrono::steady_clock::time_point::max()) {}

    net::any_io_executor executor;
    connect_options options;
    tcp::socket socket;
    reply_parser parser;
    state st = state::idle;
    // Oldest first. The last `unsent` entries are not written yet; replies
    // always belong to the front.
    std::deque<std::shared_ptr<request>> queue;
    std::size_t unsent = 0;
    net::steady_timer write_wanted;  // condition variable for the writer
    net::steady_timer closed_signal; // condition variable for wait_closed()
    error_code reason;
    std::string message;

    // Ends the connection: every pending request fails with `ec`.
    void fail(error_code ec, std::string why) {
        if (st == state::closed)
            return;
        st = state::closed;
        reason = ec;
        message = std::move(why);
        error_code ignored;
        socket.close(ignored);
        for (auto& r : queue) {
            r->ec = ec;
            r->done = true;
            r->timer.cancel();
        }
        queue.clear();
        unsent = 0;
        write_wanted.cancel();
        closed_signal.cancel();
    }

    static awaitable<void> writer(std::shared_ptr<impl> self) {
        std::string batch;
        while (self->st == state::open) {
            if (self->unsent == 0) {
                (void)co_await self->write_wanted.async_wait(use_tuple);
                continue;
            }
            // Everything queued goes out in one write, in exec() order. The
            // requests count as sent from here on: a fast reply may be read
            // before this write completes.
            batch.clear();
            for (auto i = self->queue.size() - self->unsent; i < self->queue.size(); ++i) {
                auto& r = *self->queue[i];
                batch += r.command;
                r.command = std::string{};
                r.sent = true;
            }
            self->unsent = 0;
            auto [ec, n] = co_await net::async_write(self->socket, net::buffer(batch), use_tuple);
            if (ec) {
                self->fail(errc::connection_lost, "writing to Redis: " + ec.message());
                co_return;
            }
            if (batch.capacity() > 64 * 1024)
                batch = std::string{}; // one burst should not pin its buffer forever
        }
    }

    static awaitable<void> reader(std::shared_ptr<impl> self) {
        std::array<char, 16 * 1024> chunk;
        for (;;) {
            auto [ec, n] = co_await self->socket.async_read_some(net::buffer(chunk), use_tuple);
            if (self->st != state::open)
                co_return;
            if (ec) {
                self->fail(errc::connection_lost, ec == net::error::eof
                                                      ? std::string("Redis closed the connection")
                                                      : "reading from Redis: " + ec.message());
                co_return;
            }
            self->parser.feed({chunk.data(), n});
            while (auto r = self->parser.next()) {
                if (self->queue.empty() || !self->queue.front()->sent) {
                    self->fail(errc::unexpected_reply,
                               "Redis sent a reply with no request waiting: " + preview(*r));
                    co_return;
                }
                auto& req = self->queue.front();
                if (!req->abandoned)
                    req->values.push_back(std::move(*r));
                if (++req->received < req->expected)
                    continue;
                if (!req->abandoned) {
                    req->done = true;
                    req->timer.cancel();
                }
                self->queue.pop_front();
            }
            if (self->parser.error()) {
                self->fail(self->parser.error(),
                           "malformed reply from Redis: " + self->parser.error_message());
                co_return;
            }
        }
    }

    static awaitable<exec_result> run_one(std::shared_ptr<impl> self, std::string command) {
        auto result = co_await run(std::move(self), std::move(command), 1);
        if (result.ec)
            co_return exec_result{result.ec, {}};
        co_return exec_result{{}, std::move(result.values.front())};
    }

    static awaitable<pipeline_result> run(std::shared_ptr<impl> self, std::string command,
                                          std::size_t expected) {
        co_await net::this_coro::reset_cancellation_state(net::enable_total_cancellation());
        if (self->st != state::open)
            co_return pipeline_result{errc::not_connected, {}};
        if (cancelled(co_await net::this_coro::cancellation_state))
            co_return pipeline_result{net::error::operation_aborted, {}};

        auto req = std::make_shared<request>(self->executor, std::move(command));
        req->expected = expected;
        req->values.reserve(expected);
        req->timer.expires_after(self->options.command_timeout);
        self->queue.push_back(req);
        ++self->unsent;
        self->write_wanted.cancel();

        auto [ec] = co_await req->timer.async_wait(use_tuple);
        if (req->done)
            co_return pipeline_result{req->ec, std::move(req->values)};
        if (ec == net::error::operation_aborted) {
            // Cancelled by the caller. Unsent: take it out, Redis never sees
            // it. Sent: its reply will come and must be consumed in turn.
            if (!req->sent) {
                auto it = std::find(self->queue.rbegin(),
                                    self->queue.rbegin() + static_cast<long>(self->unsent), req);
                self->queue.erase(std::next(it).base());
                --self->unsent;
            } else {
                req->abandoned = true;
            }
            co_return pipeline_result{net::error::operation_aborted, {}};
        }
        self->fail(errc::timeout, "no reply from Redis within " +
                                      std::to_string(self->options.command_timeout.count()) +
                                      " ms");
        co_return pipeline_result{errc::timeout, {}};
    }
};

connection::connection(executor_type ex, connect_options options)
    : impl_(std::make_shared<impl>(std::move(ex), std::move(options))) {}

connection::connection(connection&&) noexcept = default;

connection& connection::operator=(connection&& other) noexcept {
    if (this != &other) {
        close();
        impl_ = std::move(other.impl_);
    }
    return *this;
}

connection::~connection() {
    close();
}

awaitable<error_code> connection::connect() {
    auto self = impl_;
    if (self->st != impl::state::idle)
        co_return errc::not_connected;
    self->st = impl::state::connecting;
    auto result = co_await detail::open(self->socket, self->parser, self->options);
    if (self->st != impl::state::connecting) // closed while connecting
        co_return self->reason;
    if (result.ec) {
        self->fail(result.ec, std::move(result.message));
        co_return self->reason;
    }
    self->st = impl::state::open;
    detail::spawn(self->executor, impl::reader(self));
    detail::spawn(self->executor, impl::writer(self));
    co_return error_code{};
}

awaitable<exec_result> connection::exec(std::span<const std::string_view> args) {
    // Not a coroutine: the arguments are formatted before the caller's
    // temporaries go away.
    error_code refused;
    if (args.empty())
        refused = errc::empty_command;
    else if (breaks_reply_matching(args))
        refused = errc::not_allowed;
    std::string command;
    if (!refused)
        command = format_command(args);
    if (refused || !impl_)
        return [](error_code ec) -> awaitable<exec_result> {
            co_return exec_result{ec ? ec : error_code(errc::not_connected), {}};
        }(refused);
    return impl::run_one(impl_, std::move(command));
}

awaitable<pipeline_result> connection::exec(const pipeline& p) {
    error_code refused;
    if (p.empty())
        refused = errc::empty_command;
    else if (p.breaks_reply_matching())
        refused = errc::not_allowed;
    else if (!impl_)
        refused = errc::not_connected;
    if (refused)
        return [](error_code ec) -> awaitable<pipeline_result> {
            co_return pipeline_result{ec, {}};
        }(refused);
    return impl::run(impl_, p.payload(), p.size());
}

void connection::close() {
    if (impl_)
        impl_->fail(errc::closed, "closed");
}

bool connection::is_open() const noexcept {
    return impl_ && impl_->st == impl::state::open;
}

awaitable<error_code> connection::wait_closed() {
    auto self = impl_;
    while (self->st != impl::state::closed) {
        if (cancelled(co_await net::this_coro::cancellation_state))
            co_return net::error::operation_aborted;
        (void)co_await self->closed_signal.async_wait(use_tuple);
    }
    co_return self->reason;
}

const std::string& connection::error_message() const noexcept {
    return impl_->message;
}

std::size_t connection::pending() const noexcept {
    return impl_ ? impl_->queue.size() : 0;
}

connection::executor_type connection::get_executor() const noexcept {
    return impl_->executor;
}

} // namespace herald::redis
