#include "server.hpp"

#include "herald/http/response.hpp"
#include "hub/hub.hpp"
#include "stream_io.hpp"

#include <cerrno>
#include <list>
#include <sys/resource.h>
#include <thread>

namespace herald::app {

using clock = std::chrono::steady_clock;

struct server::worker {
    // Declaration order is destruction order reversed: the event loop must be
    // destroyed (and with it every suspended session) while the connection
    // list it refers to still exists, and after the I/O objects that use it.
    std::list<connection_control> connections; // touched only by this worker's thread
    hub_worker hub; // indexes subscribers living in sessions: must outlive the loop too
    net::cancellation_signal accept_stop;
    net::cancellation_signal admin_stop;
    // concurrency_hint 1: this loop is only ever run by one thread, so Asio
    // can skip most of its internal locking.
    net::io_context ctx{1};
    tcp::acceptor acceptor{ctx};
    tcp::acceptor admin{ctx};       // --admin-listen: open on the first worker only
    net::steady_timer sweeper{ctx}; // write-timeout sweep
    net::steady_timer grace{ctx};   // shutdown deadline
    net::steady_timer drain{ctx};   // --shutdown-delay: still serving, no longer ready
    std::size_t index = 0;          // its heartbeat in health_state
    worker_counters counters;       // written by this worker's thread only
    std::atomic<std::size_t> streams{0};
    bool stopping = false;
    std::thread thread;
};

namespace {

bool is_out_of_descriptors(const error_code& ec) {
    // Asio reports accept() failures in its own system category, which maps
    // no error to a std::errc condition (`ec == std::errc::too_many_files_open`
    // is always false), so the errno values are compared directly.
    if (ec.category() != net::system_category())
        return false;
    switch (ec.value()) {
    case EMFILE: // this process is out of descriptors
    case ENFILE: // the whole system is
    case ENOBUFS:
    case ENOMEM:
        return true;
    default:
        return false;
    }
}

std::size_t default_max_connections(std::size_t workers) {
    // Leave room for each worker's own descriptors (epoll, eventfd, timerfd,
    // acceptor), the logs, and the short-lived sockets of busy answers, so
    // that over the limit a client gets a 503 rather than an EMFILE stall.
    const std::size_t reserve = 64 + 4 * workers;
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return 100'000;
    return limit.rlim_cur > 2 * reserve ? limit.rlim_cur - reserve : limit.rlim_cur / 2;
}

awaitable<void> reject_busy(tcp::socket socket) {
    // The answer is the same every time, so it is built once. Cheap on
    // purpose: no parser, no session, no read of the request; the polite
    // close (FIN, then a short drain) keeps the 503 from being lost to a RST.
    static const std::string response = http::error_response(
        503, "too many connections", {{"Retry-After", "1"}, {"Connection", "close"}});
    co_await respond_and_close(socket, response);
}

// co_spawn's completion handler for long-lived coroutines: an exception here
// is a bug, so it is logged rather than silently dropped (as `detached` would).
auto report_to(logger& log, const char* what) {
    return [&log, what](std::exception_ptr e) {
        if (!e)
            return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            log.error(what, " failed: ", ex.what());
        } catch (...) {
            log.error(what, " failed with a non-standard exception");
        }
    };
}

} // namespace

server::server(const options& opts, logger& log)
    : opts_(opts)
    , log_(log)
    , events_(make_stream_template(opts_)) { // main() checked the options (check_stream_options)
    for (unsigned i = 0; i < std::max(1u, opts_.threads); ++i) {
        workers_.push_back(std::make_unique<worker>());
        workers_.back()->index = i;
        health_.add_worker();
    }
    hub_ = std::make_unique<hub_node>(opts_, log_);
    if (!opts_.redis_url.empty())
        health_.cluster_ready = [this] { return hub_->ready(); };
    for (auto& w : workers_)
        hub_->attach(w->ctx, w->hub);
    if (opts_.metrics) {
        for (auto& w : workers_) {
            w->hub.counters = &w->counters;
            metrics_.workers.push_back(&w->counters);
        }
        metrics_.open_connections = [this] { return open_connections_.load(); };
        metrics_.rejected_busy = [this] { return std::uint64_t(rejected_busy_.load()); };
        metrics_.history = [this] { return hub_->backbone().kept(); };
        if (!opts_.redis_url.empty()) {
            metrics_.redis_connected = [this] { return hub_->ready(); };
            metrics_.redis_errors = [this] { return hub_->backbone().errors(); };
        }
        metrics_.version = HERALD_VERSION;
    }
    max_connections_ =
        opts_.max_connections ? opts_.max_connections : default_max_connections(workers_.size());
}

server::~server() {
    shutdown();
    wait();
    // Streams abandoned at shutdown end when their worker's loop is destroyed,
    // and may still tell the hub (--subscriptions): the workers go first,
    // while the hub exists, and the hub stops posting to their loops.
    if (hub_)
        hub_->close();
    workers_.clear();
}

error_code server::listen() {
    error_code ec;
    const auto address = net::ip::make_address(opts_.host, ec);
    if (ec)
        return ec;
    tcp::endpoint endpoint(address, opts_.port);
    const bool share_port = workers_.size() > 1 || opts_.reuse_port;
    if (share_port && !opts_.reuse_port) {
        // SO_REUSEPORT lets every process of this user bind the same port,
        // so a second herald would silently share it instead of failing.
        // Unless sharing was asked for (--reuse-port), claim the port with a
        // plain socket first: that bind fails if anyone holds the port. It
        // also resolves port 0. Then let it go for the workers' acceptors.
        tcp::acceptor probe(workers_.front()->ctx);
        if (probe.open(endpoint.protocol(), ec); ec)
            return ec;
        probe.set_option(tcp::acceptor::reuse_address(true));
        if (probe.bind(endpoint, ec); ec)
            return ec;
        endpoint = probe.local_endpoint();
    }
    for (auto& w : workers_) {
        auto& a = w->acceptor;
        if (a.open(endpoint.protocol(), ec); ec)
            return ec;
        a.set_option(tcp::acceptor::reuse_address(true));
        // Several acceptors on one port: needs SO_REUSEPORT, which Asio has
        // no portable option for, so the raw socket option it is.
        if (share_port)
            a.set_option(net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true));
        if (a.bind(endpoint, ec); ec)
            return ec;
        if (a.listen(net::socket_base::max_listen_connections, ec); ec)
            return ec;
        // With port 0 the first bind picks the port; the others must share it.
        endpoint = a.local_endpoint();
    }
    port_ = endpoint.port();
    if (!opts_.admin_listen.empty()) {
        // Health and metrics on a port of their own, on the first worker:
        // probes and scrapes are few, and need no SO_REUSEPORT spreading.
        const auto colon = opts_.admin_listen.rfind(':');
        auto host = opts_.admin_listen.substr(0, colon);
        if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
            host = host.substr(1, host.size() - 2);
        const auto admin_address = net::ip::make_address(host, ec);
        if (ec)
            return ec;
        const tcp::endpoint admin_endpoint(
            admin_address, std::uint16_t(std::stoul(opts_.admin_listen.substr(colon + 1))));
        auto& a = workers_.front()->admin;
        if (a.open(admin_endpoint.protocol(), ec); ec)
            return ec;
        a.set_option(tcp::acceptor::reuse_address(true));
        if (a.bind(admin_endpoint, ec); ec)
            return ec;
        if (a.listen(net::socket_base::max_listen_connections, ec); ec)
            return ec;
        admin_port_ = a.local_endpoint().port();
    }
    return {};
}

void server::start() {
    hub_->start();
    if (workers_.front()->admin.is_open()) {
        auto& w = *workers_.front();
        net::co_spawn(w.ctx, accept_loop(w, w.admin, true),
                      net::bind_cancellation_slot(w.admin_stop.slot(), report_to(log_, "admin")));
        log_.info("admin (health, metrics) on ", opts_.admin_listen, " port=", admin_port_);
    }
    for (auto& w : workers_) {
        net::co_spawn(
            w->ctx, accept_loop(*w, w->acceptor, false),
            net::bind_cancellation_slot(w->accept_stop.slot(), report_to(log_, "acceptor")));
        net::co_spawn(w->ctx, sweep_write_timeouts(*w), report_to(log_, "write-timeout sweep"));
        w->thread = std::thread([&ctx = w->ctx] { ctx.run(); });
    }
    health_.set_listening();
    log_.info("listening on ", opts_.host, ":", port_, " threads=", workers_.size(),
              " interval=", opts_.interval.count(), "ms");
}

void server::shutdown() {
    if (stopping_.exchange(true))
        return;
    // Not ready from the first moment, so that a load balancer stops sending
    // new clients; with --shutdown-delay, herald goes on serving (and
    // accepting) for that long, giving the balancer time to notice.
    health_.set_draining();
    // Each worker stops itself, on its own thread: the sessions and the
    // connection list belong to that thread.
    for (auto& w : workers_)
        net::post(w->ctx, [this, &w = *w] {
            if (opts_.shutdown_delay.count() == 0)
                return stop_worker(w);
            w.drain.expires_after(opts_.shutdown_delay);
            w.drain.async_wait([this, &w](error_code) { stop_worker(w); });
        });
}

void server::wait() {
    for (auto& w : workers_)
        if (w->thread.joinable())
            w->thread.join();
    hub_->stop(); // a cluster's Redis connections; nothing more reaches the workers
}

bool server::hub_ready() const noexcept {
    return hub_->ready();
}

std::size_t server::open_streams() const noexcept {
    std::size_t n = 0;
    for (const auto& w : workers_)
        n += w->streams.load(std::memory_order_relaxed);
    return n;
}

void server::stop_worker(worker& w) {
    w.stopping = true;
    error_code ignored;
    w.acceptor.close(ignored);
    w.admin.close(ignored);
    w.accept_stop.emit(net::cancellation_type::terminal);
    w.admin_stop.emit(net::cancellation_type::terminal);
    w.sweeper.cancel();
    if (w.connections.empty())
        return; // nothing left: the loop runs out of work and ends
    // Phase one: every session is cancelled and closes its socket (a FIN
    // after its last complete event).
    // A keep-alive connection in the middle of a response is not cut: the
    // session sees `reason` once the response is out, and closes.
    for (auto& c : w.connections) {
        c.reason = stop_reason::shutdown;
        if (!c.responding)
            c.stop.emit(net::cancellation_type::terminal);
    }
    // Phase two: whatever is still open at the deadline is abandoned.
    w.grace.expires_after(opts_.shutdown_timeout);
    w.grace.async_wait([this, &w](error_code ec) {
        if (ec)
            return; // every session ended in time
        log_.warn("shutdown timeout: abandoning ", w.connections.size(), " connections");
        w.ctx.stop();
    });
}

awaitable<void> server::accept_loop(worker& w, tcp::acceptor& acceptor, bool admin) {
    co_await net::this_coro::throw_if_cancelled(false);
    error_code mode_ec;
    acceptor.non_blocking(true, mode_ec); // for the burst below; async_accept is unaffected
    auto backoff = std::chrono::milliseconds(0);
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
        if (w.stopping)
            co_return;
        if (ec && is_out_of_descriptors(ec)) {
            // Out of file descriptors: existing streams keep going; new
            // connections wait in the listen backlog. Back off like Go's
            // net/http (5 ms, doubling to 1 s) instead of spinning on accept.
            if (backoff.count() == 0)
                log_.warn("accept: ", ec.message(), "; backing off until descriptors free up");
            backoff = backoff.count() == 0 ? std::chrono::milliseconds(5)
                                           : std::min(backoff * 2, std::chrono::milliseconds(1000));
            (void)co_await cancellable_sleep(backoff);
            continue;
        }
        if (ec) {
            log_.debug("accept: ", ec.message());
            continue;
        }
        if (backoff.count() != 0) {
            log_.info("accept: recovered");
            backoff = {};
        }
        admit(w, std::move(socket), admin);

        // Under load the event loop has thousands of streams' completions
        // queued before this coroutine's next turn, so one accept per turn
        // starves new connections. Take what the backlog already holds, with
        // plain non-blocking accepts, up to a bound that keeps streams fair.
        for (int burst = 0; burst < 64; ++burst) {
            tcp::socket next(w.ctx);
            if (acceptor.accept(next, ec); ec)
                break; // would_block: the backlog is empty (other errors: the next async_accept)
            admit(w, std::move(next), admin);
        }
    }
}

void server::admit(worker& w, tcp::socket socket, bool admin) {
    if (opts_.metrics)
        w.counters.accepted.add();
    if (open_connections_.load(std::memory_order_relaxed) >= max_connections_) {
        ++rejected_busy_;
        net::co_spawn(w.ctx, reject_busy(std::move(socket)), report_to(log_, "busy answer"));
        return;
    }
    start_session(w, std::move(socket), admin);
}

// co_spawn's completion handler for a session. It runs once, after the
// session's coroutine has finished, whichever way it finished (returned,
// cancelled, or threw), so it is the one place that may undo what
// start_session did. The session holds a reference to its control block to
// its last line (a cancelled session still closes its socket), so the block
// leaves the worker's list here and nowhere else; the connection stops
// counting against --max-connections; the last session of a shutdown ends
// the grace period early. An exception is a bug: it is logged, not dropped
// as `detached` would drop it.
struct server::session_done {
    server& self;
    worker& w;
    std::list<connection_control>::iterator control;

    void operator()(std::exception_ptr e) const {
        report_to(self.log_, "session")(e);
        if (control->reason == stop_reason::write_timeout)
            ++self.write_timeouts_;
        w.connections.erase(control);
        --self.open_connections_;
        if (w.stopping && w.connections.empty())
            w.grace.cancel(); // shutdown finished early
    }
};

void server::start_session(worker& w, tcp::socket socket, bool admin) {
    ++open_connections_;
    auto control = w.connections.emplace(w.connections.end());
    session_context ctx{opts_,
                        log_,
                        events_,
                        w.streams,
                        hub_.get(),
                        &w.hub,
                        &health_,
                        opts_.metrics ? &w.counters : nullptr,
                        opts_.metrics ? &metrics_ : nullptr,
                        admin};
    // The session is bound to its control block's cancellation slot: this is
    // how shutdown and the write-timeout sweep reach a running coroutine.
    net::co_spawn(
        w.ctx, serve_connection(std::move(socket), *control, ctx),
        net::bind_cancellation_slot(control->stop.slot(), session_done{*this, w, control}));
}

awaitable<void> server::sweep_write_timeouts(worker& w) {
    // One timer per worker, not one per stream: every second, look for
    // streams whose client has not taken a write for write_timeout. Each turn
    // is also the worker's heartbeat for /healthz: a loop that runs this
    // timer runs its streams' completions too.
    const auto period = std::clamp(clock::duration(opts_.write_timeout) / 4,
                                   clock::duration(std::chrono::milliseconds(1)),
                                   clock::duration(std::chrono::seconds(1)));
    for (;;) {
        w.sweeper.expires_after(period);
        auto [ec] = co_await w.sweeper.async_wait(use_tuple);
        if (ec || w.stopping)
            co_return;
        health_.beat(w.index);
        const auto now = clock::now();
        for (auto& c : w.connections) {
            if (c.write_pending_since != clock::time_point{} &&
                now - c.write_pending_since > opts_.write_timeout &&
                c.reason == stop_reason::none) {
                c.reason = stop_reason::write_timeout;
                c.stop.emit(net::cancellation_type::terminal);
            }
        }
    }
}

} // namespace herald::app
