#include "options.hpp"

#include "herald/duration.hpp"

#include <CLI/CLI.hpp>

#include <arpa/inet.h>
#include <charconv>
#include <cmath>

namespace herald::bench {

bool parse_duration(std::string_view text, milliseconds& out) {
    const auto parsed = herald::parse_duration(text);
    if (!parsed || *parsed > std::chrono::hours(24 * 30))
        return false;
    out = *parsed;
    return true;
}

bool parse_url(std::string_view url, url_parts& out, std::string& error) {
    constexpr std::string_view scheme = "http://";
    if (url.substr(0, scheme.size()) != scheme) {
        error = "the URL must start with http:// (TLS is not supported)";
        return false;
    }
    url.remove_prefix(scheme.size());
    const auto slash = url.find_first_of("/?");
    auto authority = url.substr(0, slash);
    out.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
    if (!out.target.empty() && out.target.front() == '?')
        out.target.insert(0, "/");
    out.port = 80;
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            error = "unterminated IPv6 address in the URL";
            return false;
        }
        out.host = std::string(authority.substr(1, close - 1));
        const auto rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                error = "bad authority in the URL";
                return false;
            }
            port = rest.substr(1);
        }
    } else {
        const auto colon = authority.rfind(':');
        out.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos)
            port = authority.substr(colon + 1);
    }
    if (out.host.empty()) {
        error = "the URL has no host";
        return false;
    }
    if (!port.empty()) {
        unsigned p = 0;
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
        if (ec != std::errc{} || end != port.data() + port.size() || p == 0 || p > 65535) {
            error = "bad port in the URL";
            return false;
        }
        out.port = std::uint16_t(p);
    }
    return true;
}

bool parse_source_addrs(std::string_view text, std::vector<std::string>& out, std::string& error) {
    auto to_u32 = [](std::string_view s, std::uint32_t& v) {
        in_addr a{};
        const std::string z(s);
        if (::inet_pton(AF_INET, z.c_str(), &a) != 1)
            return false;
        v = ntohl(a.s_addr);
        return true;
    };
    while (!text.empty()) {
        const auto comma = text.find(',');
        const auto item = text.substr(0, comma);
        text.remove_prefix(comma == std::string_view::npos ? text.size() : comma + 1);
        const auto dash = item.find('-');
        std::uint32_t first = 0, last = 0;
        if (!to_u32(item.substr(0, dash), first) ||
            !to_u32(dash == std::string_view::npos ? item : item.substr(dash + 1), last) ||
            last < first || last - first > 65535) {
            error = "'" + std::string(item) + "' is not an IPv4 address or range (a.b.c.d-a.b.c.e)";
            return false;
        }
        for (std::uint64_t v = first; v <= last; ++v) {
            in_addr a{};
            a.s_addr = htonl(std::uint32_t(v));
            char buf[INET_ADDRSTRLEN];
            out.emplace_back(::inet_ntop(AF_INET, &a, buf, sizeof buf));
        }
    }
    if (out.empty()) {
        error = "no source addresses";
        return false;
    }
    return true;
}

namespace {

CLI::Validator duration_check(bool allow_zero) {
    return CLI::Validator(
        [allow_zero](std::string& text) -> std::string {
            milliseconds ms;
            if (!parse_duration(text, ms))
                return "'" + text + "' is not a duration (use e.g. 250ms, 2s, 1m)";
            if (!allow_zero && ms.count() == 0)
                return "must be greater than zero";
            return {};
        },
        "DURATION");
}

} // namespace

command_line parse_command_line(int argc, const char* const* argv) {
    command_line result;
    config& c = result.cfg;
    CLI::App app{
        "herald-bench — a load generator for Server-Sent Events.\n"
        "Opens --streams SSE streams to URL, reads and parses every event, and reports\n"
        "connect/head/first-event times, event rates, gaps and (for events with a\n"
        "`time:` field in µs since the epoch) lateness against the scheduled send time.\n"
        "\n"
        "With --publish-url the bench also publishes, to a Mercure hub or to nchan, on a\n"
        "fixed schedule (--publish-rate, open model), to --topics topics; the streams\n"
        "subscribe (URL may hold {topic}) and measure end-to-end latency from each\n"
        "update's scheduled send time, and count lost, duplicated and out-of-order\n"
        "updates per stream after a --drain. Example (Mercure):\n"
        "  herald-bench 'http://127.0.0.1:4321/.well-known/mercure?topic={topic}' \\\n"
        "    --publish-url http://127.0.0.1:4321/.well-known/mercure --publish-token JWT \\\n"
        "    --streams 1000 --topics 10 --publish-rate 100\n"
        "nchan: URL http://H/sub?id={topic} --publish-url 'http://H/pub?id={topic}'\n"
        "  --publish-format nchan.",
        "herald-bench"};
    app.get_formatter()->column_width(36);

    std::string duration = "10s", warmup = "2s", timeout = "10s", interval = "0", sources;
    std::string drain = "1s", format = "mercure", spread = "one";
    bool no_progress = false;

    app.add_option("url", c.url, "http://host:port/path of the event stream")->required();
    app.add_option("--process-url", c.process_urls,
                   "Worker process i subscribes at the (i mod N)-th of these URLs instead of url "
                   "(repeatable; same host as url): with --processes N, the streams spread "
                   "evenly over N servers, e.g. the nodes of a cluster");
    app.add_option("-n,--streams", c.streams, "Streams to open")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{10'000'000}));
    app.add_option("--ramp", c.ramp,
                   "New streams per second (open model: the schedule never waits for slow "
                   "connects); 0: as fast as possible")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1e9));
    app.add_option("-d,--duration", duration,
                   "Length of the steady window, measured after all streams opened and --warmup")
        ->capture_default_str()
        ->check(duration_check(false));
    app.add_option("--warmup", warmup, "Time between all streams open and the steady window")
        ->capture_default_str()
        ->check(duration_check(true));
    app.add_option("--timeout", timeout,
                   "Per stream: deadline for connect + response head; per publish: for its answer")
        ->capture_default_str()
        ->check(duration_check(false));
    app.add_option("-H,--header", c.headers, "Request header 'Name: value' (repeatable)");
    app.add_option("--source-addrs", sources,
                   "Bind local addresses round-robin, e.g. 127.0.0.2-127.0.0.9 (each address has "
                   "its own ~28k ephemeral ports)");
    app.add_option("-p,--processes", c.processes,
                   "Worker processes, each with a share of the streams (a process may hold only "
                   "as many sockets as its fd limit)")
        ->capture_default_str()
        ->check(CLI::Range(1u, 256u));
    app.add_option("-t,--threads", c.threads,
                   "I/O threads per process, each with its own io_context")
        ->capture_default_str()
        ->check(CLI::Range(1u, 256u));
    app.add_option("--expect-interval", interval,
                   "The server's event interval: report gap jitter |gap - interval| (0: off)")
        ->capture_default_str()
        ->check(duration_check(true));
    app.add_flag("--expect-end", c.expect_end,
                 "The server will end the streams (e.g. on shutdown): count clean and unclean "
                 "ends instead of errors, and stop when every stream ended or --duration passed");
    app.add_option("--server-pid", c.server_pids,
                   "Server process to sample from /proc over the steady window: RSS per stream, "
                   "CPU per event (repeatable)")
        ->check(CLI::Range(1, 1 << 30));
    app.add_option(
           "--read-strategy", c.read_strategy,
           "How streams wait for data: 'read' (async_read_some into a 64-byte inbox) or "
           "'wait' (async_wait, then recv into a shared buffer; one more syscall per wakeup)")
        ->capture_default_str()
        ->check(CLI::IsMember({"read", "wait"}));
    app.add_flag("--json", c.json, "Print the report as JSON on stdout");

    auto* pub = "Publishing";
    app.add_option("--publish-url", c.publish_url,
                   "Publish updates to this http:// URL during the steady window; {topic} in it "
                   "is replaced by the percent-encoded topic (nchan's channel id)")
        ->group(pub);
    app.add_option("--publish-format", format,
                   "'mercure': POST form topic=...&data=..., 200 + id; 'nchan': POST the data as "
                   "the body, channel in the URL, 201/202")
        ->capture_default_str()
        ->check(CLI::IsMember({"mercure", "nchan"}))
        ->group(pub);
    app.add_option("--publish-rate", c.publish_rate,
                   "Updates per second over all topics, on a fixed schedule: update k is due at "
                   "k/rate whatever happened to the ones before (no coordinated omission)")
        ->capture_default_str()
        ->check(CLI::Range(1e-3, 1e7))
        ->group(pub);
    app.add_option("--topics", c.topics,
                   "Topics <prefix>/0 .. <prefix>/N-1; update k goes to k % N")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{10'000'000}))
        ->group(pub);
    app.add_option("--topic-prefix", c.topic_prefix, "Topic names are <prefix>/<index>")
        ->capture_default_str()
        ->group(pub);
    app.add_option("--subscribe-spread", spread,
                   "'one': stream g subscribes to topic g % topics; 'all': every stream to topic 0 "
                   "(broadcast)")
        ->capture_default_str()
        ->check(CLI::IsMember({"one", "all"}))
        ->group(pub);
    app.add_option("--payload-bytes", c.payload_bytes,
                   "Length of each update's data: '<seq> <scheduled µs> <topic>' padded with x")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 24))
        ->group(pub);
    app.add_option("--publish-token", c.publish_token,
                   "JWT sent as 'Authorization: Bearer' with every publish")
        ->group(pub);
    app.add_option("--publishers", c.publishers,
                   "Publisher connections (HTTP/1.1 keep-alive); an update waits for a free one, "
                   "its latency still counted from its scheduled time")
        ->capture_default_str()
        ->check(CLI::Range(1u, 4096u))
        ->group(pub);
    app.add_option("--publish-pipeline", c.publish_pipeline,
                   "Requests a publisher connection sends before it reads the answers (HTTP/1.1 "
                   "pipelining): up to N updates already due go out in one write. 1 (the "
                   "default) is what PHP, Go and browser clients do: one request, wait, repeat")
        ->capture_default_str()
        ->check(CLI::Range(1u, 1024u))
        ->group(pub);
    app.add_option("--drain", drain,
                   "After the last publish, how long the streams may still receive before losses "
                   "are counted")
        ->capture_default_str()
        ->check(duration_check(true))
        ->group(pub);
    app.add_option("--replay", c.replay,
                   "Before the streams open, publish an anchor and then N updates per topic; "
                   "every stream sends Last-Event-ID: <anchor's id> and must get the N back "
                   "(a replay storm with --ramp 0)")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1'000'000}))
        ->group(pub);
    app.add_flag("--no-progress", no_progress, "No progress line (it is shown only on a terminal)");

    try {
        app.parse(argc, argv);
        std::string error;
        if (!parse_url(c.url, c.where, error))
            throw CLI::ValidationError("url", error);
        for (const auto& u : c.process_urls) {
            url_parts w;
            if (!parse_url(u, w, error))
                throw CLI::ValidationError("--process-url", error);
            if (w.host != c.where.host)
                throw CLI::ValidationError("--process-url", "'" + u + "' is not on url's host");
            c.process_wheres.push_back(w);
        }
        if (!sources.empty() && !parse_source_addrs(sources, c.source_addrs, error))
            throw CLI::ValidationError("--source-addrs", error);
        if (!c.publish_url.empty() && !parse_url(c.publish_url, c.publish_where, error))
            throw CLI::ValidationError("--publish-url", error);
        if (c.publish_url.empty() && c.replay > 0)
            throw CLI::ValidationError("--replay", "needs --publish-url");
        if (c.publish_token.find_first_of("\r\n") != std::string::npos)
            throw CLI::ValidationError("--publish-token", "must be one line");
        for (const auto& h : c.headers)
            if (h.find(':') == std::string::npos || h.find_first_of("\r\n") != std::string::npos)
                throw CLI::ValidationError("--header", "'" + h + "' is not 'Name: value'");
    } catch (const CLI::ParseError& e) {
        result.exit_code = app.exit(e);
        return result;
    }
    parse_duration(duration, c.duration);
    parse_duration(warmup, c.warmup);
    parse_duration(timeout, c.timeout);
    parse_duration(interval, c.expect_interval);
    parse_duration(drain, c.drain);
    c.format = format == "nchan" ? publish_format::nchan : publish_format::mercure;
    c.spread_all = spread == "all";
    c.progress = !no_progress;
    c.processes = unsigned(std::min<std::uint64_t>(c.processes, c.streams));
    return result;
}

} // namespace herald::bench
