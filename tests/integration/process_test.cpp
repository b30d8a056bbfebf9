// The herald binary as a user runs it: flags, signals, exit codes.
#include "catch.hpp"
#include "loopback.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>
#include <poll.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace std::chrono_literals;
using herald::test::client;

namespace {

// A child process running herald, with its stderr captured to a pipe.
class process {
public:
    explicit process(std::vector<std::string> args) {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::dup2(fds[1], 2);
            ::dup2(fds[1], 1);
            ::close(fds[0]);
            std::vector<char*> argv{const_cast<char*>(HERALD_BINARY)};
            for (auto& a : args)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(HERALD_BINARY, argv.data());
            ::_exit(127);
        }
        ::close(fds[1]);
        out_ = fds[0];
    }
    ~process() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        ::close(out_);
    }

    // Reads output until `needle` appears or the timeout passes.
    std::string read_until(std::string_view needle, std::chrono::milliseconds timeout = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (output_.find(needle) == std::string::npos &&
               std::chrono::steady_clock::now() < deadline) {
            pollfd p{out_, POLLIN, 0};
            if (::poll(&p, 1, 50) > 0) {
                char buf[4096];
                const auto n = ::read(out_, buf, sizeof buf);
                if (n <= 0)
                    break;
                output_.append(buf, std::size_t(n));
            }
        }
        return output_;
    }

    // Waits for exit; returns the exit status, or -1 on timeout.
    int wait(std::chrono::milliseconds timeout = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                read_until("\x01", 100ms); // collect the rest of the output
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            std::this_thread::sleep_for(5ms);
        }
        return -1;
    }

    void signal(int signo) { ::kill(pid_, signo); }

private:
    pid_t pid_ = -1;
    int out_ = -1;
    std::string output_;
};

std::uint16_t listening_port(process& p) {
    const auto out = p.read_until(" threads=");
    const auto at = out.find("listening on 127.0.0.1:");
    REQUIRE(at != std::string::npos);
    return std::uint16_t(std::stoi(out.substr(at + 23)));
}

} // namespace

TEST_CASE("herald --version prints the version and exits 0") {
    process p({"--version"});
    CHECK(p.read_until("\n").find("herald 0.") != std::string::npos);
    CHECK(p.wait() == 0);
}

TEST_CASE("a bad flag value names the flag and exits non-zero") {
    process p({"--interval", "2x"});
    CHECK(p.wait() > 0);
    CHECK(p.read_until("--interval").find("--interval") != std::string::npos);
}

TEST_CASE("a negative or non-numeric count is refused, naming the flag") {
    // CLI11 would otherwise read "-5" into an unsigned option as a huge number.
    for (const char* flag : {"--port", "--threads", "--max-connections", "--max-events",
                             "--max-request-line", "--max-header-bytes", "--max-header-fields"}) {
        for (const char* value : {"-5", "x"}) {
            process p({flag, value});
            INFO(flag << " " << value);
            CHECK(p.wait() > 0);
            CHECK(p.read_until(flag).find(flag) != std::string::npos);
        }
    }
}

TEST_CASE("a port already in use is a clear error and a non-zero exit") {
    process first({"--host", "127.0.0.1", "--port", "0", "--threads", "1"});
    const auto port = listening_port(first);
    process second({"--host", "127.0.0.1", "--port", std::to_string(port)});
    CHECK(second.wait() == 1);
    CHECK(second.read_until("in use").find("Address already in use") != std::string::npos);
}

TEST_CASE("a second herald on the same port fails even when both use several threads") {
    process first({"--host", "127.0.0.1", "--port", "0", "--threads", "2"});
    const auto port = listening_port(first);
    process second({"--host", "127.0.0.1", "--port", std::to_string(port), "--threads", "2"});
    CHECK(second.wait() == 1);
    CHECK(second.read_until("in use").find("Address already in use") != std::string::npos);
}

TEST_CASE("SIGTERM with open streams: clients see a clean end and herald exits 0 in the grace") {
    process p({"--host", "127.0.0.1", "--port", "0", "--interval", "10s", "--shutdown-timeout",
               "2s"});
    const auto port = listening_port(p);
    std::vector<client> clients;
    for (int i = 0; i < 3; ++i) {
        clients.emplace_back(port);
        clients.back().send("GET /sse HTTP/1.1\r\nHost: t\r\n\r\n");
        clients.back().read_until(": ok\n\n");
    }
    const auto start = std::chrono::steady_clock::now();
    p.signal(SIGTERM);
    const auto status = p.wait(3s);
    const auto took = std::chrono::steady_clock::now() - start;
    INFO("herald's log:\n" << p.read_until("server stopped", 0ms));
    CHECK(status == 0);
    CHECK(took < 2s);
    for (auto& c : clients) {
        c.read_to_end(1s);
        CHECK(c.saw_eof());
    }
    const auto log = p.read_until("server stopped");
    CHECK(log.find("shutting down") != std::string::npos);
    CHECK(log.find("client connected") != std::string::npos);
}

TEST_CASE("SIGINT exits 0 even with no clients") {
    process p({"--host", "127.0.0.1", "--port", "0"});
    listening_port(p);
    p.signal(SIGINT);
    CHECK(p.wait(3s) == 0);
}
