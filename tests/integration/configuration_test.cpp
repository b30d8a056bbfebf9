// Settings from flags, HERALD_* variables and a --config file, through the
// real binary: each source alone works, and a flag wins over a variable, which
// wins over the file.
#include "catch.hpp"
#include "herald_process.hpp"
#include "loopback.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace std::chrono_literals;
using herald::test::client;
using process = herald::test::herald_process;

namespace {

// A config file that removes itself.
class config_file {
public:
    explicit config_file(const std::string& text)
        : path_(std::filesystem::temp_directory_path() /
                ("herald-config-" + std::to_string(::getpid()) + "-" + std::to_string(next_++) +
                 ".toml")) {
        std::ofstream(path_) << text;
    }
    ~config_file() { std::filesystem::remove(path_); }
    std::string path() const { return path_.string(); }

private:
    static inline int next_ = 0;
    std::filesystem::path path_;
};

// The data of the first event on GET /sse.
std::string first_event_data(process& p) {
    client c(p.port());
    c.send("GET /sse HTTP/1.1\r\nHost: t\r\n\r\n");
    const auto text = c.read_until("\n\n", 3s);
    const auto seen = c.read_until([](std::string_view s) {
        const auto at = s.find("data: ");
        return at != std::string_view::npos && s.find('\n', at) != std::string_view::npos;
    });
    const auto at = seen.find("data: ");
    REQUIRE(at != std::string::npos);
    return seen.substr(at + 6, seen.find('\n', at) - at - 6);
}

const std::vector<std::string> fast = {"--interval", "50ms", "--threads", "1"};

std::vector<std::string> with(std::vector<std::string> args) {
    args.insert(args.end(), fast.begin(), fast.end());
    return args;
}

} // namespace

TEST_CASE("every setting can come from a HERALD_ variable: host and port from the environment") {
    process p(fast, 0, {"HERALD_HOST=127.0.0.1", "HERALD_PORT=0", "HERALD_EVENT_DATA=from env"});
    CHECK(first_event_data(p) == "from env");
}

TEST_CASE("a --config file sets the same settings, with the flags' names as keys") {
    config_file file("host = \"127.0.0.1\"\nport = 0\nevent-data = \"from file\"\n"
                     "interval = \"50ms\"\n");
    process p({"--config", file.path(), "--threads", "1"});
    CHECK(first_event_data(p) == "from file");
}

TEST_CASE("a HERALD_ variable wins over the config file") {
    config_file file("host = \"127.0.0.1\"\nport = 0\nevent-data = \"from file\"\n");
    process p(with({"--config", file.path()}), 0, {"HERALD_EVENT_DATA=from env"});
    CHECK(first_event_data(p) == "from env");
}

TEST_CASE("a flag wins over its HERALD_ variable and over the config file") {
    config_file file("host = \"127.0.0.1\"\nport = 0\nevent-data = \"from file\"\n");
    process p(with({"--config", file.path(), "--event-data", "from flag"}), 0,
              {"HERALD_EVENT_DATA=from env"});
    CHECK(first_event_data(p) == "from flag");
}

TEST_CASE("an empty HERALD_ variable leaves the setting to the file") {
    config_file file("host = \"127.0.0.1\"\nport = 0\nevent-data = \"from file\"\n");
    process p(with({"--config", file.path()}), 0, {"HERALD_EVENT_DATA="});
    CHECK(first_event_data(p) == "from file");
}

TEST_CASE("a bad value in a HERALD_ variable is refused, naming the flag") {
    process p({"--host", "127.0.0.1"}, 0, {"HERALD_PORT=-5"});
    CHECK(p.wait() > 0);
    CHECK(p.read_log_until("--port").find("--port") != std::string::npos);
}

TEST_CASE("a bad value in the config file is refused, naming the flag") {
    config_file file("interval = \"2x\"\n");
    process p({"--config", file.path()});
    CHECK(p.wait() > 0);
    CHECK(p.read_log_until("--interval").find("--interval") != std::string::npos);
}

TEST_CASE("an unknown key in the config file is an error, not silently ignored") {
    config_file file("no-such-setting = 1\n");
    process p({"--config", file.path()});
    CHECK(p.wait() > 0);
    CHECK(p.read_log_until("no-such-setting").find("no-such-setting") != std::string::npos);
}

TEST_CASE("HERALD_CONFIG names the config file, and --config wins over it") {
    config_file file("host = \"127.0.0.1\"\nport = 0\nevent-data = \"from file\"\n");
    config_file other("host = \"127.0.0.1\"\nport = 0\nevent-data = \"from the other\"\n");
    {
        process p(fast, 0, {"HERALD_CONFIG=" + file.path()});
        CHECK(first_event_data(p) == "from file");
    }
    process p(with({"--config", other.path()}), 0, {"HERALD_CONFIG=" + file.path()});
    CHECK(first_event_data(p) == "from the other");
}

TEST_CASE("a missing file named by HERALD_CONFIG is an error") {
    process p({}, 0, {"HERALD_CONFIG=/nonexistent/herald.toml"});
    CHECK(p.wait() > 0);
}

TEST_CASE("a missing config file is an error") {
    process p({"--config", "/nonexistent/herald.toml"});
    CHECK(p.wait() > 0);
}

TEST_CASE("the help text names the HERALD_ variable of every flag") {
    process p({"--help"});
    CHECK(p.wait() == 0);
    const auto& help = p.log();
    for (const char* env : {"(Env:HERALD_PORT)", "(Env:HERALD_MAX_CONNECTIONS)",
                            "(Env:HERALD_PUBLISHER_JWT_KEY)", "(Env:HERALD_REUSE_PORT)"})
        CHECK(help.find(env) != std::string::npos);
    std::size_t flags = 0, named = 0;
    for (std::size_t at = help.find("\n  --"); at != std::string::npos;
         at = help.find("\n  --", at + 1)) {
        const auto end = help.find('\n', at + 1);
        const auto line = help.substr(at, end - at);
        if (line.find("--version") != std::string::npos ||
            line.find("--config") != std::string::npos)
            continue;
        ++flags;
        named += line.find("(Env:HERALD_") != std::string::npos;
    }
    CHECK(flags > 30);
    CHECK(named == flags);
}
