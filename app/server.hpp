// app/server.hpp — the herald server: workers, acceptors and shutdown.
#pragma once

#include "event_stream.hpp"
#include "health.hpp"
#include "herald/net.hpp"
#include "log.hpp"
#include "metrics/metrics.hpp"
#include "options.hpp"
#include "session.hpp"

#include <atomic>
#include <memory>
#include <vector>

namespace herald::app {

/// One event loop per thread ("worker"), each with its own SO_REUSEPORT
/// acceptor on the same port: the kernel spreads new connections over the
/// workers, and a connection lives its whole life on one thread. Nothing on
/// the per-event path is shared between threads, so nothing needs a lock.
class server {
public:
    server(const options& opts, logger& log);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// Opens the listening sockets. Fails (e.g. address in use) without
    /// starting anything. With port 0, port() tells the port chosen.
    error_code listen();
    std::uint16_t port() const noexcept { return port_; }
    /// With --admin-listen: the admin port (resolved if 0); else 0.
    std::uint16_t admin_port() const noexcept { return admin_port_; }

    /// Starts one thread per worker. Returns at once.
    void start();

    /// Thread-safe and idempotent. At once: /readyz answers 503. Then, after
    /// shutdown_delay (0 by default) of serving as usual, phase one: stop
    /// accepting and cancel every session; each closes its socket cleanly.
    /// Phase two, if sessions are still open after shutdown_timeout: stop the
    /// event loops outright.
    void shutdown();

    /// Blocks until every worker has finished (after shutdown()).
    void wait();

    /// What /healthz and /readyz report. Cluster mode sets cluster_ready here
    /// before start().
    health_state& health() noexcept { return health_; }
    /// What /metrics reads (empty with --metrics off).
    const metrics_sources& metrics() const noexcept { return metrics_; }

    std::size_t open_streams() const noexcept;
    /// The hub can publish and resume: always on one node; in a cluster,
    /// while connected to Redis and caught up with it (readiness).
    bool hub_ready() const noexcept;
    std::size_t open_connections() const noexcept { return open_connections_.load(); }
    /// Connections answered 503 because --max-connections were open.
    std::size_t rejected_busy() const noexcept { return rejected_busy_.load(); }
    /// Connections closed because their client took no data for write_timeout.
    std::size_t write_timeouts() const noexcept { return write_timeouts_.load(); }

private:
    struct worker;
    struct session_done;

    awaitable<void> accept_loop(worker& w, tcp::acceptor& acceptor, bool admin);
    awaitable<void> sweep_write_timeouts(worker& w);
    void admit(worker& w, tcp::socket socket, bool admin);
    void start_session(worker& w, tcp::socket socket, bool admin);
    void stop_worker(worker& w);

    options opts_;
    logger& log_;
    const stream_template events_; ///< built once, here; every stream reads it
    std::size_t max_connections_ = 0;
    std::uint16_t port_ = 0;
    std::uint16_t admin_port_ = 0;
    std::atomic<std::size_t> open_connections_{0};
    std::atomic<std::size_t> rejected_busy_{0};
    std::atomic<std::size_t> write_timeouts_{0};
    std::atomic<bool> stopping_{false};
    health_state health_;
    metrics_sources metrics_;
    std::vector<std::unique_ptr<worker>> workers_;
    std::unique_ptr<hub_node> hub_;
};

} // namespace herald::app
