// app/main.cpp — herald's entry point: options, signals, and the server's lifetime.
//
// The Go seed in one paragraph: listen on 0.0.0.0:4321, answer GET /sse with
// an event every 2 s, and on SIGINT/SIGTERM stop accepting, end the streams
// and exit within 5 s. This file is that paragraph; server.cpp, session.cpp
// and event_stream.cpp are the details, in that order.
#include "event_stream.hpp"
#include "herald/hub/publish.hpp"
#include "herald/redis/url.hpp"
#include "hub/authorization.hpp"
#include "options.hpp"
#include "server.hpp"
#include "token_command.hpp"

#include <csignal>
#include <cstdio>

int main(int argc, char** argv) {
    using namespace herald;
    // `herald token ...` makes an access token for the hub and exits.
    if (const auto code = app::run_token_command(argc, argv))
        return *code;
    auto cli = app::parse_command_line(argc, argv);
    if (cli.exit_code)
        return *cli.exit_code;
    const auto& opts = cli.opts;

    if (const auto error = app::check_stream_options(opts); !error.empty()) {
        std::fprintf(stderr, "herald: %s\n", error.c_str());
        return 2;
    }

    if (!hub::hub_location::parse(opts.hub_url_or_default())) {
        std::fprintf(stderr, "herald: --hub-url: '%s' is not an absolute http(s) URL\n",
                     opts.hub_url_or_default().c_str());
        return 2;
    }

    if (!opts.redis_url.empty()) {
        if (const auto parsed = redis::parse_url(opts.redis_url); !parsed.ok()) {
            std::fprintf(stderr, "herald: --redis: %s\n", parsed.error.c_str());
            return 2;
        }
    }

    if (const auto error = app::check_token_options(opts); !error.empty()) {
        std::fprintf(stderr, "herald: %s\n", error.c_str());
        return 2;
    }

    // A client that vanishes mid-write must cost an error code, not the
    // process: Asio sends with MSG_NOSIGNAL, and this covers everything else.
    std::signal(SIGPIPE, SIG_IGN);

    app::logger log(opts.level, stderr, opts.format);
    app::server server(opts, log);
    if (auto ec = server.listen()) {
        std::fprintf(stderr, "herald: cannot listen on %s:%u: %s\n", opts.host.c_str(),
                     unsigned(opts.port), ec.message().c_str());
        return 1;
    }

    // Signals are watched by a small event loop of their own on the main
    // thread; the workers never see them. The first SIGINT/SIGTERM starts a
    // graceful shutdown; a second one stops at once.
    net::io_context control(1);
    net::signal_set signals(control, SIGINT, SIGTERM);
    int received = 0;
    std::function<void(error_code, int)> on_signal = [&](error_code ec, int signo) {
        if (ec)
            return;
        if (++received == 1) {
            log.info("shutting down (signal ", signo, "), not ready; delay ",
                     opts.shutdown_delay.count(), "ms, then grace ", opts.shutdown_timeout.count(),
                     "ms");
            server.shutdown();
            signals.async_wait(on_signal);
        } else {
            log.warn("second signal: exiting now");
            std::_Exit(1);
        }
    };
    signals.async_wait(on_signal);

    server.start();
    // run() returns when the signal handler has nothing left to wait for; the
    // waiter thread ends the control loop when the workers are done.
    std::thread waiter([&] {
        server.wait();
        net::post(control, [&] { signals.cancel(); });
    });
    control.run();
    waiter.join();
    log.info("server stopped");
    return 0;
}
