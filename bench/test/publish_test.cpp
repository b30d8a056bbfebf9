// herald-bench's publish mode against a small hub written here: it takes
// Mercure publishes, keeps a history, fans updates out to its subscribers,
// and can inject known faults (drop an update for one subscriber, send one
// twice, swap two, refuse a publish, answer slowly), so each test checks that
// the bench counts exactly those. Loopback only; each run is about 2 s.
#include "child_process.hpp"

#include "herald/net.hpp"

#include "catch.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <thread>

using namespace bench_test;
using namespace herald;

namespace {

using socket_type = tcp::socket;

struct fault_plan {
    std::set<std::pair<unsigned, std::uint64_t>> drop; ///< (subscriber, seq): never sent to it
    std::set<std::uint64_t> duplicate;                 ///< seq sent twice to everyone
    std::set<std::pair<unsigned, std::uint64_t>> hold; ///< (subscriber, seq): sent after seq + 1
    std::set<std::uint64_t> refuse;                    ///< seq answered 503, not dispatched
    std::chrono::milliseconds answer_delay{0};         ///< before every publish answer
};

std::string decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size()) {
            out += char(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::multimap<std::string, std::string> parse_form(std::string_view s) {
    std::multimap<std::string, std::string> out;
    while (!s.empty()) {
        const auto amp = s.find('&');
        const auto pair = s.substr(0, amp);
        const auto eq = pair.find('=');
        out.emplace(decode(pair.substr(0, eq)),
                    eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1)));
        s.remove_prefix(amp == std::string_view::npos ? s.size() : amp + 1);
    }
    return out;
}

std::string header_value(std::string_view head, std::string_view name) {
    std::string lower(head);
    for (auto& c : lower)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    const auto at = lower.find("\r\n" + std::string(name) + ":");
    if (at == std::string::npos)
        return {};
    auto v = head.substr(at + name.size() + 3);
    v = v.substr(0, v.find("\r\n"));
    while (!v.empty() && v.front() == ' ')
        v.remove_prefix(1);
    return std::string(v);
}

class test_hub {
public:
    explicit test_hub(fault_plan plan)
        : plan_(std::move(plan))
        , acceptor_(ctx_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
        net::co_spawn(ctx_, accept_loop(), net::detached);
        thread_ = std::thread([this] { ctx_.run(); });
    }
    ~test_hub() {
        net::post(ctx_, [this] {
            error_code ignored;
            acceptor_.close(ignored);
            for (auto& s : subscribers_)
                s->socket.close(ignored);
            ctx_.stop();
        });
        thread_.join();
    }

    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

private:
    struct subscriber {
        explicit subscriber(socket_type s)
            : socket(std::move(s)) {}
        socket_type socket;
        unsigned ordinal = 0;
        std::string topic;
        std::deque<std::string> queue;
        bool writing = false;
        std::string held; ///< an event held back to be sent after the next one
        std::uint64_t held_seq = 0;
    };

    struct update {
        std::string id, topic, event;
        std::uint64_t seq;
    };

    void send(const std::shared_ptr<subscriber>& s, std::string event) {
        s->queue.push_back(std::move(event));
        if (!s->writing) {
            s->writing = true;
            net::co_spawn(ctx_, write_loop(s), net::detached);
        }
    }

    static awaitable<void> write_loop(std::shared_ptr<subscriber> s) {
        while (!s->queue.empty()) {
            const auto event = std::move(s->queue.front());
            s->queue.pop_front();
            auto [ec, n] = co_await net::async_write(s->socket, net::buffer(event), use_tuple);
            if (ec)
                break;
        }
        s->writing = false;
    }

    void dispatch(const update& u) {
        for (auto& s : subscribers_) {
            if (s->topic != u.topic)
                continue;
            if (plan_.drop.count({s->ordinal, u.seq}))
                continue;
            if (plan_.hold.count({s->ordinal, u.seq})) {
                s->held = u.event;
                s->held_seq = u.seq;
                continue;
            }
            send(s, u.event);
            if (plan_.duplicate.count(u.seq))
                send(s, u.event);
            if (!s->held.empty() && u.seq == s->held_seq + 1)
                send(s, std::exchange(s->held, {}));
        }
    }

    awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor_.async_accept(use_tuple);
            if (ec)
                co_return;
            net::co_spawn(ctx_, session(std::move(socket)), net::detached);
        }
    }

    awaitable<void> session(socket_type socket) {
        std::string in;
        char buf[4096];
        for (;;) {
            std::size_t end;
            while ((end = in.find("\r\n\r\n")) == std::string::npos) {
                auto [ec, n] = co_await socket.async_read_some(net::buffer(buf), use_tuple);
                if (ec)
                    co_return;
                in.append(buf, n);
            }
            const auto head = in.substr(0, end + 2);
            in.erase(0, end + 4);
            const auto space = head.find(' ');
            const auto method = head.substr(0, space);
            const auto target = head.substr(space + 1, head.find(' ', space + 1) - space - 1);
            if (method == "GET") {
                co_await subscribe(std::move(socket), target, header_value(head, "last-event-id"));
                co_return;
            }
            const auto length = std::stoul(header_value(head, "content-length"));
            while (in.size() < length) {
                auto [ec, n] = co_await socket.async_read_some(net::buffer(buf), use_tuple);
                if (ec)
                    co_return;
                in.append(buf, n);
            }
            const auto form = parse_form(std::string_view(in).substr(0, length));
            in.erase(0, length);
            const auto data = form.find("data")->second;
            update u;
            u.topic = form.find("topic")->second;
            u.seq = std::stoull(data.substr(0, data.find(' ')));
            if (plan_.answer_delay.count()) {
                net::steady_timer t(ctx_, plan_.answer_delay);
                co_await t.async_wait(use_tuple);
            }
            std::string response;
            if (plan_.refuse.count(u.seq)) {
                response = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n";
            } else {
                u.id = "urn:test:" + std::to_string(history_.size());
                u.event = "id: " + u.id + "\ndata: " + data + "\n\n";
                history_.push_back(u);
                dispatch(u);
                response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                           "Content-Length: " +
                           std::to_string(u.id.size()) + "\r\n\r\n" + u.id;
            }
            auto [ec, n] = co_await net::async_write(socket, net::buffer(response), use_tuple);
            if (ec)
                co_return;
        }
    }

    awaitable<void> subscribe(socket_type socket, std::string target, std::string last_event_id) {
        auto s = std::make_shared<subscriber>(std::move(socket));
        s->ordinal = next_ordinal_++;
        const auto query = target.substr(target.find('?') + 1);
        s->topic = parse_form(query).find("topic")->second;
        subscribers_.push_back(s);
        send(s, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n");
        if (!last_event_id.empty()) {
            bool after = false;
            for (const auto& u : history_) {
                if (after && u.topic == s->topic)
                    send(s, u.event);
                after = after || u.id == last_event_id;
            }
        }
        // Wait for the subscriber to go away.
        char buf[64];
        for (;;) {
            auto [ec, n] = co_await s->socket.async_read_some(net::buffer(buf), use_tuple);
            if (ec)
                break;
        }
    }

    fault_plan plan_;
    net::io_context ctx_{1};
    tcp::acceptor acceptor_;
    std::thread thread_;
    std::vector<std::shared_ptr<subscriber>> subscribers_;
    std::vector<update> history_;
    unsigned next_ordinal_ = 0;
};

// The number at a path of keys, each searched after the one before.
double json_path(const std::string& json, std::initializer_list<std::string_view> keys) {
    std::size_t at = 0;
    for (auto k : keys) {
        at = json.find("\"" + std::string(k) + "\": ", at);
        if (at == std::string::npos)
            return -1;
        at += k.size() + 4;
    }
    return std::strtod(json.c_str() + at, nullptr);
}

// herald-bench publishing 20 updates (20/s for 1 s) on one topic to `streams`
// subscribers of the hub, with a 500 ms drain; every stream on the one topic
// unless `extra` says otherwise.
std::vector<std::string> bench_args(const test_hub& hub, unsigned streams,
                                    std::vector<std::string> extra = {}) {
    const auto base = "http://127.0.0.1:" + std::to_string(hub.port()) + "/.well-known/mercure";
    std::vector<std::string> args{HERALD_BENCH_BINARY,
                                  base + "?topic={topic}",
                                  "--publish-url",
                                  base,
                                  "--publish-rate",
                                  "20",
                                  "--streams",
                                  std::to_string(streams),
                                  "--duration",
                                  "1s",
                                  "--warmup",
                                  "100ms",
                                  "--drain",
                                  "500ms",
                                  "--json"};
    if (std::find(extra.begin(), extra.end(), "--subscribe-spread") == extra.end())
        extra.insert(extra.end(), {"--subscribe-spread", "all"});
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

} // namespace

TEST_CASE("publish mode counts exactly the losses, duplicates and reorders the hub injects") {
    fault_plan plan;
    plan.drop = {{0, 5}, {1, 7}, {1, 8}, {3, 19}}; // 19 is the last: lost only after the drain
    plan.duplicate = {10};
    plan.hold = {{2, 12}};
    test_hub hub(plan);
    child bench(bench_args(hub, 4));
    REQUIRE(bench.wait(30s) == 0);
    const auto& json = bench.out();
    INFO(json);
    CHECK(json_number(json, "due", "publish") == 20);
    CHECK(json_number(json, "accepted", "publish") == 20);
    CHECK(json_number(json, "total", "publish") == 0);
    CHECK(json_number(json, "streams_judged", "delivery") == 4);
    CHECK(json_number(json, "deliveries", "delivery") == 4 * 20 - 4 + 4);
    CHECK(json_number(json, "lost", "delivery") == 4);
    CHECK(json_number(json, "duplicates", "delivery") == 4);
    CHECK(json_number(json, "out_of_order", "delivery") == 1);
    CHECK(json_number(json, "lost", "worst_stream") == 2);
    CHECK(json_number(json, "duplicates", "worst_stream") == 1);
    CHECK(json_number(json, "out_of_order", "worst_stream") == 1);
    CHECK(json_number(json, "unexpected", "delivery") == 0);
    CHECK(json_number(json, "count", "e2e_us") == 4 * 20 - 4 + 4);
}

TEST_CASE("a publish the hub refuses is an error by status class and no subscriber misses it") {
    fault_plan plan;
    plan.refuse = {3};
    test_hub hub(plan);
    child bench(bench_args(hub, 3));
    CHECK(bench.wait(30s) == 1); // publish errors make the exit status say so
    const auto& json = bench.out();
    INFO(json);
    CHECK(json_number(json, "accepted", "publish") == 19);
    CHECK(json_number(json, "status_5xx", "publish") == 1);
    CHECK(json_number(json, "lost", "delivery") == 0);
    CHECK(json_number(json, "deliveries", "delivery") == 3 * 19);
}

TEST_CASE("pipelined publishes are answered in order and each counted, a refusal among them") {
    fault_plan plan;
    plan.refuse = {1};
    // Answers slower than the schedule: updates fall due while a batch is
    // out, and go together in the next write.
    plan.answer_delay = std::chrono::milliseconds(100);
    test_hub hub(plan);
    child bench(bench_args(hub, 2, {"--publish-pipeline", "8"}));
    CHECK(bench.wait(30s) == 1); // the refusal makes the exit status say so
    const auto& json = bench.out();
    INFO(json);
    CHECK(json_number(json, "pipeline", "publish") == 8);
    const auto sent = json_number(json, "sent", "publish");
    const auto accepted = json_number(json, "accepted", "publish");
    CHECK(sent >= 10);
    CHECK(accepted == sent - 1);
    CHECK(json_number(json, "status_5xx", "publish") == 1);
    CHECK(json_number(json, "total", "publish") == 1);
    CHECK(json_number(json, "lost", "delivery") == 0);
    CHECK(json_number(json, "duplicates", "delivery") == 0);
    CHECK(json_number(json, "deliveries", "delivery") == 2 * accepted);
}

TEST_CASE("a slow hub does not slow the schedule: publish latency counts from the scheduled time") {
    fault_plan plan;
    plan.answer_delay = 150ms; // one connection answers ~6.7 publishes/s, 20/s are due
    test_hub hub(plan);
    child bench(bench_args(hub, 2, {"--publishers", "1"}));
    REQUIRE(bench.wait(30s) == 0);
    const auto& json = bench.out();
    INFO(json);
    const auto sent = json_number(json, "sent", "publish");
    CHECK(json_number(json, "due", "publish") == 20);
    CHECK(sent < 12);
    CHECK(json_number(json, "not_sent", "publish") == 20 - sent);
    // The k-th update waits for k − 1 slow answers: the last one waited
    // far longer than one answer takes.
    CHECK(json_path(json, {"publish", "latency_us", "max"}) > 400'000);
    CHECK(json_number(json, "p50", "service_us") >= 150'000);
    CHECK(json_number(json, "p50", "service_us") < 400'000);
    // Updates never sent are not expected by anyone.
    CHECK(json_number(json, "lost", "delivery") == 0);
}

TEST_CASE("with --replay the streams resume from the anchor and get the whole history back") {
    test_hub hub(fault_plan{});
    child bench(bench_args(
        hub, 5, {"--replay", "7", "--topics", "2", "--subscribe-spread", "one", "--ramp", "0"}));
    REQUIRE(bench.wait(30s) == 0);
    const auto& json = bench.out();
    INFO(json);
    CHECK(json_number(json, "replayed", "delivery") == 5 * 7);
    CHECK(json_number(json, "count", "replay_us") == 5);
    CHECK(json_number(json, "lost", "delivery") == 0);
    CHECK(json_number(json, "duplicates", "delivery") == 0);
    // 20 live updates over 2 topics: streams 0, 2, 4 on topic 0, 1 and 3 on topic 1.
    CHECK(json_number(json, "deliveries", "delivery") == 5 * 7 + 5 * 10);
}
