// bench/test/child_process.hpp — a child process with captured output, and a
// number from herald-bench's JSON report: what the tests that run the
// herald-bench binary share.
#pragma once

#include "catch.hpp"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <poll.h>
#include <string>
#include <string_view>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace bench_test {

using namespace std::chrono_literals;

// A child process with its stdout and stderr captured. The destructor kills
// it, so no test leaves a server behind.
class child {
public:
    explicit child(std::vector<std::string> argv) {
        int out[2], err[2];
        REQUIRE(::pipe(out) == 0);
        REQUIRE(::pipe(err) == 0);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::dup2(out[1], 1);
            ::dup2(err[1], 2);
            ::close(out[0]);
            ::close(err[0]);
            std::vector<char*> args;
            for (auto& a : argv)
                args.push_back(a.data());
            args.push_back(nullptr);
            ::execv(args[0], args.data());
            ::_exit(127);
        }
        ::close(out[1]);
        ::close(err[1]);
        out_ = out[0];
        err_ = err[0];
    }
    child(const child&) = delete;
    child& operator=(const child&) = delete;
    ~child() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        ::close(out_);
        ::close(err_);
    }

    pid_t pid() const noexcept { return pid_; }
    void signal(int signo) { ::kill(pid_, signo); }

    // Reads stderr until `needle` appears or the timeout passes.
    std::string err_until(std::string_view needle, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (err_text_.find(needle) == std::string::npos &&
               std::chrono::steady_clock::now() < deadline)
            if (!pump(err_, err_text_, 50))
                break;
        return err_text_;
    }

    // Waits for exit, collecting stdout; returns the exit status or -1.
    int wait(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            pump(out_, out_text_, 20);
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                while (pump(out_, out_text_, 0)) {
                }
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
        }
        return -1;
    }

    const std::string& out() const noexcept { return out_text_; }

private:
    static bool pump(int fd, std::string& into, int wait_ms) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, wait_ms) <= 0)
            return wait_ms > 0; // a timeout is not the end
        char buf[8192];
        const auto n = ::read(fd, buf, sizeof buf);
        if (n <= 0)
            return false;
        into.append(buf, std::size_t(n));
        return true;
    }

    pid_t pid_ = -1;
    int out_ = -1;
    int err_ = -1;
    std::string out_text_, err_text_;
};

// The number after `"key": ` in the JSON, searched from the first `"within"`
// when given (e.g. "total" within "errors"). -1 if absent.
inline double json_number(const std::string& json, std::string_view key,
                          std::string_view within = {}) {
    std::size_t from = 0;
    if (!within.empty()) {
        from = json.find("\"" + std::string(within) + "\"");
        if (from == std::string::npos)
            return -1;
    }
    const auto at = json.find("\"" + std::string(key) + "\": ", from);
    if (at == std::string::npos)
        return -1;
    return std::strtod(json.c_str() + at + key.size() + 4, nullptr);
}

} // namespace bench_test
