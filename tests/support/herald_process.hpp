// tests/support/herald_process.hpp — the herald binary in a child process.
//
// For tests that need the real executable: flags, signals, exit codes, and
// limits set on the process itself (an fd limit for EMFILE). Header-only: it
// uses HERALD_BINARY, which the integration tests' target defines.
#pragma once

#include "catch.hpp"

#include <chrono>
#include <csignal>
#include <cstdint>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <poll.h>
#include <sstream>
#include <string>
#include <string_view>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace herald::test {

using namespace std::chrono_literals;

/// Starts herald with `args`; stdout and stderr are captured as its log.
/// With `max_fds`, the child lowers its own RLIMIT_NOFILE before exec.
/// herald sees this process's environment without its HERALD_* variables,
/// plus `env` ("NAME=value" each), so a test sets exactly the ones it means.
/// The destructor kills the process if it is still running.
class herald_process {
    using clock_type = std::chrono::steady_clock;

public:
    explicit herald_process(std::vector<std::string> args, rlim_t max_fds = 0,
                            std::vector<std::string> env = {}) {
        // Everything is prepared before fork(): after it, a child of a
        // threaded process may only make async-signal-safe calls.
        std::vector<char*> argv{const_cast<char*>(HERALD_BINARY)};
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        std::vector<char*> envp;
        for (char** e = environ; *e != nullptr; ++e)
            if (std::string_view(*e).substr(0, 7) != "HERALD_")
                envp.push_back(*e);
        for (auto& e : env)
            envp.push_back(e.data());
        envp.push_back(nullptr);

        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::dup2(fds[1], 1);
            ::dup2(fds[1], 2);
            // Only stdin, stdout and stderr go to herald, so its fd budget is
            // exactly what the limit says.
            ::close_range(3, ~0U, 0);
            if (max_fds != 0) {
                const rlimit limit{max_fds, max_fds};
                if (::setrlimit(RLIMIT_NOFILE, &limit) != 0)
                    ::_exit(126);
            }
            ::execve(HERALD_BINARY, argv.data(), envp.data());
            ::_exit(127);
        }
        ::close(fds[1]);
        out_ = fds[0];
    }
    ~herald_process() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        ::close(out_);
    }
    herald_process(const herald_process&) = delete;
    herald_process& operator=(const herald_process&) = delete;

    // Reads the log until `needle` appears or the timeout passes.
    const std::string& read_log_until(std::string_view needle,
                                      std::chrono::milliseconds timeout = 5s) {
        const auto deadline = clock_type::now() + timeout;
        while (log_.find(needle) == std::string::npos && clock_type::now() < deadline)
            read_log_for(20ms);
        return log_;
    }

    // Reads what the process wrote within `timeout`; false if nothing came.
    bool read_log_for(std::chrono::milliseconds timeout) {
        pollfd p{out_, POLLIN, 0};
        if (::poll(&p, 1, int(timeout.count())) > 0) {
            char buf[4096];
            const auto n = ::read(out_, buf, sizeof buf);
            if (n > 0) {
                log_.append(buf, std::size_t(n));
                return true;
            }
        }
        return false;
    }

    /// Waits up to `timeout` for the process to exit and reads the rest of
    /// its log. Returns its exit status (128 + the signal if one killed it),
    /// or -1 if it is still running.
    int wait(std::chrono::milliseconds timeout = 10s) {
        const auto deadline = clock_type::now() + timeout;
        while (clock_type::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                while (read_log_for(20ms)) {
                }
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            std::this_thread::sleep_for(5ms);
        }
        return -1;
    }

    void signal(int signo) { ::kill(pid_, signo); }

    std::uint16_t port() {
        const auto& log = read_log_until(" threads=");
        const auto at = log.find("listening on 127.0.0.1:");
        REQUIRE(at != std::string::npos);
        return std::uint16_t(std::stoi(log.substr(at + 23)));
    }

    bool alive() const {
        if (pid_ <= 0)
            return false; // already reaped by wait()
        int status = 0;
        return ::waitpid(pid_, &status, WNOHANG) == 0;
    }

    // CPU time (user + system) the process has used so far.
    std::chrono::milliseconds cpu_time() const {
        std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
        std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
        // Fields after the command name (which is in parentheses and may hold
        // spaces): state is field 3, utime 14, stime 15.
        std::istringstream fields(text.substr(text.rfind(')') + 2));
        std::string field;
        long ticks = 0;
        for (int i = 3; i <= 15 && fields >> field; ++i)
            if (i >= 14)
                ticks += std::stol(field);
        return std::chrono::milliseconds(ticks * 1000 / ::sysconf(_SC_CLK_TCK));
    }

    const std::string& log() const { return log_; }

private:
    pid_t pid_ = -1;
    int out_ = -1;
    std::string log_;
};

} // namespace herald::test
