// tests/support/redis_server.hpp — a real redis-server for one test, and helpers
// to run coroutines in a test.
//
// Each redis_server is a child process on a free loopback port with no
// persistence, in a temporary directory. The guard kills it by pid when it goes
// out of scope, whatever the test did; PR_SET_PDEATHSIG kills it too if the
// test process itself dies.
#pragma once

#include "catch.hpp"
#include "herald/net.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace herald::test {

/// A loopback port nothing listens on right now: bind port 0, read it, release.
inline std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw std::runtime_error("free_port: bind failed");
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

class redis_server {
public:
    /// Starts redis-server with `extra` arguments (e.g. {"--requirepass", "pw"}),
    /// on `port` or a free one.
    explicit redis_server(std::vector<std::string> extra = {}, std::uint16_t port = 0)
        : extra_(std::move(extra))
        , port_(port != 0 ? port : free_port()) {
        char tmpl[] = "/tmp/herald-redis-XXXXXX";
        if (::mkdtemp(tmpl) == nullptr)
            throw std::runtime_error("mkdtemp failed");
        dir_ = tmpl;
        start();
    }
    redis_server(const redis_server&) = delete;
    redis_server& operator=(const redis_server&) = delete;
    ~redis_server() {
        stop();
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }

    std::uint16_t port() const noexcept { return port_; }

    /// Kills the server (SIGKILL: no goodbye to the clients) and reaps it.
    void stop() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
    }

    /// Starts it (again) on the same port, and waits until it answers.
    void start() {
        std::vector<std::string> args{HERALD_REDIS_SERVER,
                                      "--port",
                                      std::to_string(port_),
                                      "--bind",
                                      "127.0.0.1",
                                      "--save",
                                      "",
                                      "--appendonly",
                                      "no",
                                      "--dir",
                                      dir_.string(),
                                      "--daemonize",
                                      "no",
                                      "--logfile",
                                      (dir_ / "redis.log").string()};
        args.insert(args.end(), extra_.begin(), extra_.end());
        const pid_t parent = ::getpid();
        pid_ = ::fork();
        if (pid_ < 0)
            throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent)
                ::_exit(127);
            std::vector<char*> argv;
            for (auto& a : args)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        wait_ready();
    }

private:
    // Ready once it answers PING (+PONG, or -NOAUTH with requirepass).
    void wait_ready() {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (std::chrono::steady_clock::now() < deadline) {
            const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in addr{};
            addr.sin_family = AF_INET;
            addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            addr.sin_port = htons(port_);
            if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
                const char ping[] = "PING\r\n";
                char buf[64] = {};
                timeval tv{1, 0};
                ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
                if (::write(fd, ping, sizeof ping - 1) == sizeof ping - 1 &&
                    ::read(fd, buf, sizeof buf - 1) > 0 && (buf[0] == '+' || buf[0] == '-')) {
                    ::close(fd);
                    return;
                }
            }
            ::close(fd);
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("redis-server exited at start (see " +
                                         (dir_ / "redis.log").string() + ")");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        throw std::runtime_error("redis-server did not answer PING within 5 s");
    }

    std::vector<std::string> extra_;
    std::uint16_t port_;
    std::filesystem::path dir_;
    pid_t pid_ = -1;
};

/// Runs `work` on `io` until it completes (other coroutines on `io` keep
/// running meanwhile), at most `limit`; returns its result, rethrows its
/// exception, fails the test on timeout.
template <typename T>
T run(net::io_context& io, awaitable<T> work,
      std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    std::optional<T> result;
    std::exception_ptr error;
    bool done = false;
    net::co_spawn(io, std::move(work), [&](std::exception_ptr e, T value) {
        error = e;
        if (!e)
            result.emplace(std::move(value));
        done = true;
    });
    const auto deadline = std::chrono::steady_clock::now() + limit;
    io.restart();
    while (!done && std::chrono::steady_clock::now() < deadline)
        io.run_one_for(std::chrono::milliseconds(50));
    if (!done)
        FAIL("coroutine did not finish within " << limit.count() << " ms");
    if (error)
        std::rethrow_exception(error);
    return std::move(*result);
}

/// Runs `io` until `condition` holds (checked between handlers), at most `timeout`.
template <typename Condition>
bool eventually_on(net::io_context& io, Condition condition,
                   std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    io.restart();
    while (!condition() && std::chrono::steady_clock::now() < deadline)
        io.run_one_for(std::chrono::milliseconds(20));
    return condition();
}

/// Lets `io` run for `d` (background coroutines make progress).
inline void run_for(net::io_context& io, std::chrono::milliseconds d) {
    io.restart();
    io.run_for(d);
}

} // namespace herald::test
