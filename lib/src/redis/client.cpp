#include "herald/redis/client.hpp"

#include "herald/redis/error.hpp"
#include "open.hpp"
#include "spawn.hpp"

namespace herald::redis {
namespace {

using namespace net::experimental::awaitable_operators;

} // namespace

struct client::impl {
    impl(executor_type ex, connect_options o, backoff_options b)
        : executor(std::move(ex))
        , options(std::move(o))
        , retry(b)
        , sleep_timer(executor)
        , state_changed(executor, std::chrono::steady_clock::time_point::max()) {}

    executor_type executor;
    connect_options options;
    backoff retry;
    std::shared_ptr<connection> current; // open, or null
    std::shared_ptr<connection> attempt; // connecting, or null
    net::steady_timer sleep_timer;
    net::steady_timer state_changed; // condition variable for wait_connected()
    std::string last_error;
    std::size_t connects = 0;
    bool started = false;
    bool stopped = false;

    // The keeper: one connection at a time, a backoff delay between them.
    static awaitable<void> keep(std::shared_ptr<impl> self) {
        while (!self->stopped) {
            auto conn = std::make_shared<connection>(self->executor, self->options);
            self->attempt = conn;
            const auto ec = co_await conn->connect();
            self->attempt.reset();
            if (self->stopped)
                break;
            if (!ec) {
                self->current = conn;
                ++self->connects;
                self->retry.reset();
                self->state_changed.cancel();
                (void)co_await conn->wait_closed();
                self->current.reset();
                if (self->stopped)
                    break;
            }
            self->last_error = conn->error_message();
            self->sleep_timer.expires_after(self->retry.next());
            (void)co_await self->sleep_timer.async_wait(use_tuple);
        }
    }
};

client::client(executor_type ex, connect_options options, backoff_options retry)
    : impl_(std::make_shared<impl>(std::move(ex), std::move(options), retry)) {}

client::~client() {
    stop();
}

void client::start() {
    if (impl_->started)
        return;
    impl_->started = true;
    detail::spawn(impl_->executor, impl::keep(impl_));
}

void client::stop() {
    impl_->stopped = true;
    if (impl_->attempt)
        impl_->attempt->close();
    if (impl_->current)
        impl_->current->close();
    impl_->sleep_timer.cancel();
    impl_->state_changed.cancel();
}

awaitable<exec_result> client::exec(std::span<const std::string_view> args) {
    // Not a coroutine: the connection formats the arguments right away.
    if (impl_->current && impl_->current->is_open())
        return impl_->current->exec(args);
    return []() -> awaitable<exec_result> { co_return exec_result{errc::not_connected, {}}; }();
}

awaitable<pipeline_result> client::exec(const pipeline& p) {
    if (impl_->current && impl_->current->is_open())
        return impl_->current->exec(p);
    return []() -> awaitable<pipeline_result> {
        co_return pipeline_result{errc::not_connected, {}};
    }();
}

bool client::is_connected() const noexcept {
    return impl_->current && impl_->current->is_open();
}

awaitable<bool> client::wait_connected(std::chrono::milliseconds timeout) {
    auto self = impl_;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!is_connected() && !self->stopped && std::chrono::steady_clock::now() < deadline) {
        if (cancelled(co_await net::this_coro::cancellation_state))
            break;
        auto woken =
            co_await (self->state_changed.async_wait(use_tuple) || detail::expire_at(deadline));
        (void)woken;
    }
    co_return is_connected();
}

const std::string& client::last_error() const noexcept {
    return impl_->last_error;
}

std::size_t client::connects() const noexcept {
    return impl_->connects;
}

} // namespace herald::redis
