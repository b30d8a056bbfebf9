// tests/support/test_server.hpp — a real herald server inside the test process.
#pragma once

#include "server.hpp"

#include <chrono>
#include <cstdio>
#include <functional>

namespace herald::test {

/// Options for tests: an ephemeral port on loopback, a short interval, one
/// thread, and a quiet log.
inline app::options test_options() {
    app::options o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 1;
    o.interval = std::chrono::milliseconds(100);
    o.level = app::log_level::off;
    return o;
}

/// Starts on construction, shuts down and waits on destruction.
class test_server {
public:
    explicit test_server(app::options opts = test_options())
        : opts_(std::move(opts)), log_(opts_.level), server_(opts_, log_) {
        if (auto ec = server_.listen())
            throw std::system_error(ec, "listen");
        server_.start();
    }
    ~test_server() {
        server_.shutdown();
        server_.wait();
    }
    std::uint16_t port() const { return server_.port(); }
    app::server& get() { return server_; }
    const app::options& opts() const { return opts_; }

private:
    app::options opts_;
    app::logger log_;
    app::server server_;
};

/// Polls `condition` every 5 ms until it holds or `timeout` passes.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(3)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return condition();
}

} // namespace herald::test
