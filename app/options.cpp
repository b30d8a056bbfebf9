#include "options.hpp"

#include "herald/duration.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <thread>

namespace herald::app {

bool parse_duration(std::string_view text, milliseconds& out, std::string& error) {
    const auto parsed = herald::parse_duration(text);
    if (!parsed) {
        error = "'" + std::string(text) + "' is not a duration (use e.g. 250ms, 2s, 1m)";
        return false;
    }
    if (*parsed > std::chrono::hours(24 * 365)) {
        error = "'" + std::string(text) + "' is too long (at most a year)";
        return false;
    }
    out = *parsed;
    return true;
}

namespace {

// A CLI11 validator: CLI11 prefixes its message with the flag's name, so a
// bad value reads "--interval: '2x' is not a duration ...".
CLI::Validator duration(bool allow_zero) {
    return CLI::Validator(
        [allow_zero](std::string& text) -> std::string {
            milliseconds ms;
            std::string error;
            if (!parse_duration(text, ms, error))
                return error;
            if (!allow_zero && ms.count() == 0)
                return "must be greater than zero";
            return {};
        },
        "DURATION");
}

// A CLI11 validator for counts: CLI11 2.1 reads "-1" into an unsigned
// option as a huge number, so digits are checked before it converts.
CLI::Validator whole_number() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
                return "'" + text + "' is not a whole number";
            return {};
        },
        "");
}

// A count between lo and hi: a whole number (checked first, for the reason
// above), then CLI::Range, whose description --help shows ("in [1 - 100]").
template <typename T>
CLI::Validator count_in(T lo, T hi) {
    const CLI::Range range(lo, hi);
    return CLI::Validator(
        [range, digits = whole_number()](std::string& text) {
            auto error = digits(text);
            return error.empty() ? range(text) : error;
        },
        range.get_description());
}

milliseconds to_duration(const std::string& text) {
    milliseconds ms{0};
    std::string ignored;
    parse_duration(text, ms, ignored); // validated by the option's check
    return ms;
}

// CLI11 2.1 reads the config file before the environment, and each fills
// only options still unset, so a file would win over a variable. Reading the
// file through this formatter drops what a (non-empty) variable also sets,
// which makes the order flag > environment > file, as documented.
class config_below_environment : public CLI::ConfigTOML {
public:
    explicit config_below_environment(const CLI::App& app)
        : app_(app) {}

    std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
        auto items = CLI::ConfigTOML::from_config(input);
        std::erase_if(items, [this](const CLI::ConfigItem& item) {
            if (!item.parents.empty())
                return false;
            const CLI::Option* opt = app_.get_option_no_throw("--" + item.name);
            if (opt == nullptr || opt->get_envname().empty())
                return false;
            const char* value = std::getenv(opt->get_envname().c_str());
            return value != nullptr && *value != '\0';
        });
        return items;
    }

private:
    const CLI::App& app_;
};

// HERALD_ and the flag's long name, upper case, '-' as '_':
// --max-connections is HERALD_MAX_CONNECTIONS.
std::string environment_name(const std::string& flag) {
    std::string name = "HERALD_";
    for (char c : flag)
        name += c == '-' ? '_' : char(std::toupper(static_cast<unsigned char>(c)));
    return name;
}

} // namespace

command_line parse_command_line(int argc, const char* const* argv) {
    command_line result;
    options& o = result.opts;
    CLI::App app{"herald — a Server-Sent Events server.\n"
                 "GET /sse streams events; GET / serves a demo page.\n"
                 "Each flag may also be set by its HERALD_* variable (shown as Env) or in the\n"
                 "--config file; a flag wins over a variable, and a variable over the file.",
                 "herald"};
    app.set_version_flag("--version", std::string("herald ") + HERALD_VERSION);
    app.get_formatter()->column_width(34);

    std::string interval = "2s", shutdown = "5s", shutdown_delay = "0", heartbeat = "15s", retry,
                header_timeout = "10s", write_timeout = "30s", idle_timeout = "75s", level = "info",
                metrics = "on", log_format = "text", access_log = "on", redis_timeout = "2s",
                redis_node_ttl = "15s";

    app.add_option("--host", o.host, "Address to listen on")->capture_default_str();
    app.add_option("--port", o.port, "TCP port to listen on (0: any free port)")
        ->capture_default_str()
        ->check(whole_number());
    app.add_option("--threads", o.threads,
                   "Worker threads, each with its own event loop (0: one per core)")
        ->capture_default_str()
        ->check(count_in(0u, 1024u));
    app.add_flag("--reuse-port", o.reuse_port,
                 "Set SO_REUSEPORT so several herald processes can share the port");

    app.add_option("--interval", interval, "Time between events (250ms, 2s, 1m)")
        ->capture_default_str()
        ->check(duration(false));
    app.add_option("--event-data", o.event_data, "Data of each event (may hold line breaks)")
        ->capture_default_str();
    app.add_option("--event-name", o.event_name, "Event type (`event:` field); default none");
    app.add_option("--retry", retry, "Send `retry:` with this reconnection delay at stream start")
        ->check(duration(false));
    app.add_option("--heartbeat", heartbeat, "Send a comment after this much silence (0: never)")
        ->capture_default_str()
        ->check(duration(true));
    app.add_option("--max-events", o.max_events,
                   "End each stream cleanly after this many events; clients then reconnect "
                   "and resume from Last-Event-ID (0: never)")
        ->capture_default_str()
        ->check(whole_number());
    app.add_flag(
        "--timestamps", o.timestamps,
        "Add `time: <scheduled send time, µs since epoch>` to each event (for herald-bench)");
    app.add_option("--cors-origin", o.cors_origins,
                   "Allow this Origin (repeatable, or '*') via Access-Control-Allow-Origin");

    app.add_option("--max-request-line", o.limits.max_request_line,
                   "Longest request line in bytes; longer gets 414")
        ->capture_default_str()
        ->check(count_in(std::size_t{64}, std::size_t{1} << 20));
    app.add_option("--max-header-bytes", o.limits.max_header_section,
                   "Largest header section in bytes; larger gets 431")
        ->capture_default_str()
        ->check(count_in(std::size_t{64}, std::size_t{1} << 20));
    app.add_option("--max-header-fields", o.limits.max_header_fields,
                   "Most header fields; more gets 431")
        ->capture_default_str()
        ->check(count_in(std::size_t{1}, std::size_t{10000}));
    app.add_option("--header-timeout", header_timeout,
                   "Deadline for the whole request head; late gets 408")
        ->capture_default_str()
        ->check(duration(false));
    app.add_option("--max-body-bytes", o.body_limits.max_body,
                   "Largest request body in bytes (a publish); larger gets 413")
        ->capture_default_str()
        ->check(count_in(std::size_t{0}, std::size_t{1} << 30));
    app.add_option("--idle-timeout", idle_timeout,
                   "Close a keep-alive connection that sends no new request for this long")
        ->capture_default_str()
        ->check(duration(false));
    app.add_option("--write-timeout", write_timeout,
                   "Close a stream whose client has not taken a write for this long")
        ->capture_default_str()
        ->check(duration(false));
    app.add_option("--max-connections", o.max_connections,
                   "Most open connections; more get 503 (0: the fd limit less a reserve)")
        ->capture_default_str()
        ->check(whole_number());
    app.add_option("--shutdown-timeout", shutdown,
                   "On SIGINT/SIGTERM, wait at most this long for streams to end")
        ->capture_default_str()
        ->check(duration(true));
    app.add_option("--shutdown-delay", shutdown_delay,
                   "On SIGINT/SIGTERM, first keep serving this long with /readyz at 503, so "
                   "load balancers stop sending clients (then --shutdown-timeout applies)")
        ->capture_default_str()
        ->check(duration(true));
    app.add_option("--hub-url", o.hub_url,
                   "The Mercure hub's public URL: base for relative topics, and its path is "
                   "the hub's route (default http://<host>:<port>/.well-known/mercure)");
    app.add_option("--history-size", o.history_size,
                   "Updates the hub keeps for subscribers that resume (0: none)")
        ->capture_default_str()
        ->check(whole_number());
    app.add_option("--history-bytes", o.history_bytes, "Bytes the hub's history may hold")
        ->capture_default_str()
        ->check(whole_number());
    app.add_option("--redis", o.redis_url,
                   "Cluster mode: share updates and history with other nodes through this "
                   "Redis, redis://[[user]:password@]host[:port][/db]");
    app.add_option("--redis-prefix", o.redis_prefix,
                   "Prefix of the Redis keys and channel, so several hubs can share one Redis")
        ->capture_default_str();
    app.add_option("--redis-timeout", redis_timeout,
                   "A Redis command slower than this fails: publishes get 503")
        ->capture_default_str()
        ->check(duration(false));
    app.add_option("--redis-node-ttl", redis_node_ttl,
                   "With --subscriptions: a node silent this long is presumed dead, and its "
                   "subscribers leave the active subscriptions API")
        ->capture_default_str()
        ->check(duration(false));
    app.add_option("--max-topics", o.max_topics, "Most topics in one publish; more gets 413")
        ->capture_default_str()
        ->check(count_in(std::size_t{1}, std::size_t{1} << 20));
    app.add_option("--max-field-bytes", o.max_field_bytes,
                   "Longest topic, id, type or retry of a publish; longer gets 413")
        ->capture_default_str()
        ->check(count_in(std::size_t{1}, std::size_t{1} << 30));
    app.add_option("--max-matchers", o.max_matchers,
                   "Most matchers in one subscribe; more gets 400")
        ->capture_default_str()
        ->check(count_in(std::size_t{1}, std::size_t{1} << 20));
    app.add_option("--max-matcher-length", o.max_matcher_length,
                   "Longest matcher of a subscribe in bytes; longer gets 400")
        ->capture_default_str()
        ->check(count_in(std::size_t{1}, std::size_t{1} << 20));
    app.add_option("--subscriber-queue", o.subscriber_queue,
                   "Updates that may wait for one subscriber; more and it is cut")
        ->capture_default_str()
        ->check(count_in(std::size_t{1}, std::size_t{1} << 30));
    app.add_option("--subscriber-queue-bytes", o.subscriber_queue_bytes,
                   "Bytes that may wait for one subscriber; more and it is cut")
        ->capture_default_str()
        ->check(count_in(std::size_t{1}, std::size_t{1} << 40));
    app.add_option("--publisher-jwt-key", o.publisher_jwt_key,
                   "Key verifying publishers' tokens (without it, publishing is refused)");
    app.add_option("--subscriber-jwt-key", o.subscriber_jwt_key,
                   "Key verifying subscribers' tokens (private updates)");
    app.add_option("--jwt-algorithm", o.jwt_algorithm, "HS256, RS256 or ES256")
        ->capture_default_str()
        ->check(CLI::IsMember({"HS256", "RS256", "ES256"}));
    app.add_option("--jwt-issuer", o.jwt_issuers,
                   "Accept only tokens whose iss is this (repeatable; default: any issuer)");
    app.add_option("--jwt-audience", o.jwt_audience,
                   "Accept only tokens whose aud names this (default: aud is not checked)");
    app.add_flag("--subscriptions", o.subscriptions,
                 "Publish subscription events and serve the active subscriptions API");
    app.add_flag("--anonymous", o.anonymous,
                 "Let subscribers without a token subscribe (to public updates)");
    app.add_option("--admin-listen", o.admin_listen,
                   "Serve /healthz, /readyz and /metrics on this host:port only (e.g. "
                   "127.0.0.1:9090), not on the public port")
        ->check(CLI::Validator(
            [](std::string& text) -> std::string {
                const auto colon = text.rfind(':');
                if (colon == std::string::npos || colon == 0 || colon + 1 == text.size() ||
                    text.find_first_not_of("0123456789", colon + 1) != std::string::npos ||
                    text.size() - colon > 6 || std::stoul(text.substr(colon + 1)) > 65535)
                    return "'" + text + "' is not host:port";
                return {};
            },
            "HOST:PORT"));
    app.add_option("--metrics", metrics,
                   "Serve GET /metrics (Prometheus) and keep its counters; off skips the counting")
        ->capture_default_str()
        ->check(CLI::IsMember({"on", "off"}));
    app.add_option("--log-format", log_format,
                   "text, or json: one object per line (time, level, msg, and fields)")
        ->capture_default_str()
        ->check(CLI::IsMember({"text", "json"}));
    app.add_option("--access-log", access_log,
                   "A line per request at info level: method, path (no query), status, "
                   "duration, bytes; for a stream, its lifetime")
        ->capture_default_str()
        ->check(CLI::IsMember({"on", "off"}));
    app.add_option("--log-level", level, "debug, info, warn, error or off")
        ->capture_default_str()
        ->check(CLI::IsMember({"debug", "info", "warn", "error", "off"}));

    // Every setting can also come from the environment or a config file.
    // CLI11 reads the file before it looks at variables, so HERALD_CONFIG is
    // read here, as the default file name: --config still wins over it, and a
    // file it names must exist.
    const char* config_variable = std::getenv("HERALD_CONFIG");
    const bool config_from_environment = config_variable != nullptr && *config_variable != '\0';
    app.set_config("--config", config_from_environment ? config_variable : "",
                   "Read settings from this TOML/INI file (`port = 8080`, keys are the flags' "
                   "names); flags and HERALD_* variables win over it",
                   config_from_environment)
        ->envname("HERALD_CONFIG");
    app.config_formatter(std::make_shared<config_below_environment>(app));
    app.allow_config_extras(CLI::config_extras_mode::error); // a misspelt key is not ignored
    for (CLI::Option* opt : app.get_options()) {
        const std::string name = opt->get_single_name();
        if (name != "help" && name != "version" && name != "config")
            opt->envname(environment_name(name));
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        result.exit_code = app.exit(e);
        return result;
    }

    o.interval = to_duration(interval);
    o.shutdown_timeout = to_duration(shutdown);
    o.shutdown_delay = to_duration(shutdown_delay);
    o.heartbeat = to_duration(heartbeat);
    o.header_timeout = to_duration(header_timeout);
    o.write_timeout = to_duration(write_timeout);
    o.idle_timeout = to_duration(idle_timeout);
    o.redis_timeout = to_duration(redis_timeout);
    o.redis_node_ttl = to_duration(redis_node_ttl);
    if (!retry.empty())
        o.retry = to_duration(retry);
    parse_log_level(level, o.level);
    o.metrics = metrics == "on";
    o.format = log_format == "json" ? app::log_format::json : app::log_format::text;
    o.access_log = access_log == "on";
    if (o.threads == 0)
        o.threads = std::max(1u, std::thread::hardware_concurrency());
    return result;
}

std::string options::hub_url_or_default() const {
    if (!hub_url.empty())
        return hub_url;
    std::string h = host;
    if (h == "0.0.0.0" || h == "::" || h.empty())
        h = "localhost";
    else if (h.find(':') != std::string::npos)
        h = "[" + h + "]";
    return "http://" + h + ":" + std::to_string(port) + "/.well-known/mercure";
}

} // namespace herald::app
