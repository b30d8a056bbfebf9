// The herald binary as a user runs it: flags, signals, exit codes.
#include "catch.hpp"
#include "herald_process.hpp"
#include "loopback.hpp"

#include <chrono>
#include <csignal>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using herald::test::client;
using process = herald::test::herald_process;

TEST_CASE("herald --version prints the version and exits 0") {
    process p({"--version"});
    CHECK(p.read_log_until("\n").find("herald 0.") != std::string::npos);
    CHECK(p.wait() == 0);
}

TEST_CASE("a bad flag value names the flag and exits non-zero") {
    process p({"--interval", "2x"});
    CHECK(p.wait() > 0);
    CHECK(p.read_log_until("--interval").find("--interval") != std::string::npos);
}

TEST_CASE("a negative or non-numeric count is refused, naming the flag") {
    // CLI11 would otherwise read "-5" into an unsigned option as a huge number.
    for (const char* flag :
         {"--port", "--threads", "--max-connections", "--max-events", "--max-request-line",
          "--max-header-bytes", "--max-header-fields", "--max-body-bytes"}) {
        for (const char* value : {"-5", "x"}) {
            process p({flag, value});
            INFO(flag << " " << value);
            CHECK(p.wait() > 0);
            CHECK(p.read_log_until(flag).find(flag) != std::string::npos);
        }
    }
}

TEST_CASE("a port already in use is a clear error and a non-zero exit") {
    process first({"--host", "127.0.0.1", "--port", "0", "--threads", "1"});
    const auto port = first.port();
    process second({"--host", "127.0.0.1", "--port", std::to_string(port)});
    CHECK(second.wait() == 1);
    CHECK(second.read_log_until("in use").find("Address already in use") != std::string::npos);
}

TEST_CASE("a second herald on the same port fails even when both use several threads") {
    process first({"--host", "127.0.0.1", "--port", "0", "--threads", "2"});
    const auto port = first.port();
    process second({"--host", "127.0.0.1", "--port", std::to_string(port), "--threads", "2"});
    CHECK(second.wait() == 1);
    CHECK(second.read_log_until("in use").find("Address already in use") != std::string::npos);
}

TEST_CASE("SIGTERM with open streams: clients see a clean end and herald exits 0 in the grace") {
    process p(
        {"--host", "127.0.0.1", "--port", "0", "--interval", "10s", "--shutdown-timeout", "2s"});
    const auto port = p.port();
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
    INFO("herald's log:\n" << p.read_log_until("server stopped", 0ms));
    CHECK(status == 0);
    CHECK(took < 2s);
    for (auto& c : clients) {
        c.read_to_end(1s);
        CHECK(c.saw_eof());
    }
    const auto log = p.read_log_until("server stopped");
    CHECK(log.find("shutting down") != std::string::npos);
    CHECK(log.find("client connected") != std::string::npos);
}

TEST_CASE("SIGINT exits 0 even with no clients") {
    process p({"--host", "127.0.0.1", "--port", "0"});
    p.port();
    p.signal(SIGINT);
    CHECK(p.wait(3s) == 0);
}
