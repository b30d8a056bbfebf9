#include "publish.hpp"

#include "http_response.hpp"
#include "io.hpp"
#include "publish_format.hpp"

#include "herald/net.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <deque>

namespace herald::bench {
namespace {

using clock_type = std::chrono::steady_clock;

std::int64_t system_us() noexcept {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct connection {
    explicit connection(net::io_context& ctx)
        : socket(ctx.get_executor()) {}

    socket_type socket;
    bool open = false;
    bool busy = false;      ///< a request is in flight: the deadline applies
    bool timed_out = false; ///< the sweep closed the socket
    clock_type::time_point deadline;
    // Its own: connections read concurrently, and the reactor fills a
    // buffer before the read's completion runs, so one buffer shared by
    // all of them is overwritten by another connection's answer.
    std::array<char, 16 * 1024> buffer;
};

enum class outcome { answered, connect, timeout, closed, other };

struct answer {
    outcome what = outcome::other;
    int status = 0;
    std::string body;
    std::string detail;
};

} // namespace

struct publisher::state {
    state(const config& c, std::string a)
        : cfg(c)
        , endpoint(net::ip::make_address(a), c.publish_where.port) {
        failed.assign(std::size_t(c.topics), 0);
    }

    const config& cfg;
    tcp::endpoint endpoint;
    net::io_context ctx{1};
    std::deque<connection> connections;
    publish_schedule schedule;
    clock_type::time_point start;
    std::int64_t start_unix_us = 0;
    std::atomic<std::uint64_t> next_k{0};
    unsigned active = 0;
    clock_type::time_point last_answer;
    publish_result res;
    std::vector<std::uint64_t> failed;
};

namespace {

using state = publisher::state;

void close_connection(connection& c) {
    error_code ignored;
    c.socket.close(ignored);
    c.open = false;
}

// Reads one response from `c`, starting with the bytes already read past
// the previous one (`carry`), and leaves in `carry` what follows it: with a
// pipeline, the next responses. `nothing_read` tells the caller whether the
// connection failed before any byte of this response arrived.
awaitable<answer> read_answer(connection& c, std::string& carry, bool& nothing_read) {
    std::string head_bytes = std::move(carry);
    carry.clear();
    response_head head;
    bool have_head = false;
    body_decoder body;
    answer a;
    nothing_read = head_bytes.empty();
    for (bool fresh = head_bytes.empty();; fresh = true) {
        std::string_view bytes;
        if (fresh) {
            auto [rec, got] = co_await c.socket.async_read_some(net::buffer(c.buffer), use_tuple);
            if (rec == net::error::eof && have_head && body.close_delimited()) {
                close_connection(c);
                a.what = outcome::answered;
                co_return a;
            }
            if (rec) {
                close_connection(c);
                if (c.timed_out)
                    co_return answer{outcome::timeout, 0, {}, "publish timed out"};
                co_return answer{outcome::closed,
                                 0,
                                 {},
                                 "publish: connection closed before the response: " +
                                     rec.message()};
            }
            nothing_read = false;
            bytes = std::string_view(c.buffer.data(), got);
        }
        if (!have_head) {
            head_bytes.append(bytes);
            const auto parsed = parse_response_head(head_bytes, head);
            if (parsed.state == head_status::need_more)
                continue;
            if (parsed.state == head_status::error) {
                close_connection(c);
                co_return answer{outcome::other, 0, {}, "malformed publish response head"};
            }
            have_head = true;
            a.status = head.status;
            body.start(head);
            bytes = std::string_view(head_bytes).substr(parsed.consumed);
        }
        if (!body.finished() && !body.feed(bytes, [&](std::string_view run) {
                if (a.body.size() < 4096)
                    a.body.append(run.substr(0, 4096 - a.body.size()));
            })) {
            close_connection(c);
            co_return answer{outcome::other, 0, {}, "malformed publish response body"};
        }
        if (body.finished()) {
            carry.assign(bytes.substr(std::min(body.used(), bytes.size())));
            a.what = outcome::answered;
            co_return a;
        }
    }
}

// `count` requests (`requests`, concatenated), sent in one write on a
// keep-alive connection (opened if needed), and their answers in order. A
// reused connection that the server closed while idle fails before any
// response byte; that case is retried once on a fresh connection, as every
// HTTP client does.
awaitable<void> exchange(state& p, connection& c, std::string_view requests, std::size_t count,
                         std::vector<answer>& answers) {
    answers.clear();
    for (int attempt = 0;; ++attempt) {
        const bool reused = c.open;
        const auto fail_all = [&](answer a) { answers.resize(count, a); };
        if (!c.open) {
            error_code ec;
            c.socket.open(p.endpoint.protocol(), ec);
            if (ec)
                co_return fail_all(answer{outcome::other, 0, {}, ec.message()});
            auto [cec] = co_await c.socket.async_connect(p.endpoint, use_tuple);
            if (cec) {
                close_connection(c);
                if (c.timed_out)
                    co_return fail_all(
                        answer{outcome::timeout, 0, {}, "publish connect timed out"});
                co_return fail_all(
                    answer{outcome::connect, 0, {}, "publish connect: " + cec.message()});
            }
            c.socket.set_option(tcp::no_delay(true), ec);
            c.open = true;
        }
        auto [wec, written] = co_await net::async_write(c.socket, net::buffer(requests), use_tuple);
        (void)written;
        if (wec) {
            close_connection(c);
            if (c.timed_out)
                co_return fail_all(answer{outcome::timeout, 0, {}, "publish timed out"});
            if (reused && attempt == 0)
                continue;
            co_return fail_all(answer{outcome::closed, 0, {}, "publish write: " + wec.message()});
        }
        std::string carry;
        bool retry = false;
        while (answers.size() < count) {
            bool nothing_read = false;
            auto a = co_await read_answer(c, carry, nothing_read);
            if (a.what != outcome::answered && reused && attempt == 0 && answers.empty() &&
                nothing_read && a.what == outcome::closed) {
                retry = true; // the server had closed the idle connection
                break;
            }
            const bool failed = a.what != outcome::answered;
            answers.push_back(std::move(a));
            if (failed || !c.open) {
                // The rest of the pipeline is lost with the connection.
                if (answers.size() < count)
                    fail_all(answer{outcome::closed,
                                    0,
                                    {},
                                    "publish: the connection closed before the response"});
                co_return;
            }
        }
        if (!retry)
            co_return;
    }
}

// Counts the answer; true if the hub accepted the update.
bool count_answer(state& p, const answer& a, std::uint64_t topic) {
    auto& r = p.res;
    if (a.what == outcome::answered && publish_accepted(p.cfg.format, a.status)) {
        ++r.accepted;
        return true;
    }
    ++p.failed[std::size_t(topic)];
    switch (a.what) {
    case outcome::answered: {
        char what[96];
        std::snprintf(what, sizeof what, "publish answered with status %d", a.status);
        r.note_error(publish_error::status, what, a.status);
        break;
    }
    case outcome::connect:
        r.note_error(publish_error::connect, a.detail);
        break;
    case outcome::timeout:
        r.note_error(publish_error::timeout, a.detail);
        break;
    case outcome::closed:
        r.note_error(publish_error::closed, a.detail);
        break;
    case outcome::other:
        r.note_error(publish_error::other, a.detail);
        break;
    }
    return false;
}

std::string request_for(const state& p, std::uint64_t topic, std::uint64_t seq,
                        std::int64_t sched_us) {
    const auto name = topic_name(p.cfg.topic_prefix, topic);
    const auto target = expand_template(p.cfg.publish_where.target, name);
    const auto data = make_data(update_stamp{seq, sched_us, topic}, p.cfg.payload_bytes);
    return build_publish_request(p.cfg.format, p.cfg.publish_where, target, name, data,
                                 p.cfg.publish_token);
}

// One publisher connection: take the next update of the schedule, wait until
// it is due, send it, wait for the answer, repeat. While every connection is
// busy, due updates wait, and their latency still counts from when they were
// due: a slow hub cannot slow the schedule down. With --publish-pipeline N,
// the updates already due when the first goes out (up to N in all) go with
// it, in one write, and their answers are read in order.
awaitable<void> run_connection(state& p, connection& c, const std::atomic<bool>& stop_new) {
    timer_type timer(p.ctx.get_executor());
    const auto window_us = std::uint64_t(p.cfg.duration.count()) * 1000;
    struct pending_update {
        std::uint64_t topic;
        clock_type::time_point due;
    };
    std::vector<pending_update> batch;
    std::vector<answer> answers;
    std::string requests;
    for (;;) {
        if (stop_new.load(std::memory_order_relaxed))
            break;
        const auto k = p.next_k.load(std::memory_order_relaxed);
        const auto due_us = p.schedule.due_us(k);
        if (due_us >= window_us)
            break;
        p.next_k.store(k + 1, std::memory_order_relaxed);
        const auto due = p.start + std::chrono::microseconds(due_us);
        if (due > clock_type::now()) {
            timer.expires_at(due);
            auto [ec] = co_await timer.async_wait(use_tuple);
            (void)ec;
        }
        batch.clear();
        requests.clear();
        const auto add = [&](std::uint64_t j, std::uint64_t j_due_us) {
            const auto topic = p.schedule.topic_of(j);
            requests += request_for(p, topic, p.schedule.seq_of(j),
                                    p.start_unix_us + std::int64_t(j_due_us));
            batch.push_back({topic, p.start + std::chrono::microseconds(j_due_us)});
        };
        add(k, due_us);
        const auto now_us = std::uint64_t(
            std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - p.start)
                .count());
        while (batch.size() < p.cfg.publish_pipeline) {
            const auto j = p.next_k.load(std::memory_order_relaxed);
            const auto j_due_us = p.schedule.due_us(j);
            if (j_due_us >= window_us || j_due_us > now_us)
                break;
            p.next_k.store(j + 1, std::memory_order_relaxed);
            add(j, j_due_us);
        }
        p.res.sent += batch.size();
        const auto sent_at = clock_type::now();
        c.busy = true;
        c.timed_out = false;
        c.deadline = sent_at + p.cfg.timeout;
        co_await exchange(p, c, requests, batch.size(), answers);
        c.busy = false;
        const auto now = clock_type::now();
        p.last_answer = now;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            if (!count_answer(p, answers[i], batch[i].topic))
                continue;
            p.res.latency.record(std::uint64_t(
                std::chrono::duration_cast<std::chrono::microseconds>(now - batch[i].due).count()));
            p.res.service.record(std::uint64_t(
                std::chrono::duration_cast<std::chrono::microseconds>(now - sent_at).count()));
        }
    }
    close_connection(c);
    --p.active;
}

// One deadline check for all connections, every 20 ms, rather than a timer
// per request.
awaitable<void> sweep(state& p) {
    timer_type timer(p.ctx.get_executor());
    while (p.active > 0) {
        timer.expires_after(std::chrono::milliseconds(20));
        co_await timer.async_wait(use_tuple);
        const auto now = clock_type::now();
        for (auto& c : p.connections)
            if (c.busy && !c.timed_out && now > c.deadline) {
                c.timed_out = true;
                error_code ignored;
                c.socket.close(ignored);
            }
    }
}

awaitable<void> run_prefill(state& p, std::vector<std::string>& anchors, std::string& error) {
    connection& c = p.connections.emplace_back(p.ctx);
    const auto rounds = p.cfg.replay + 1;
    for (std::uint64_t seq = 0; seq < rounds && error.empty(); ++seq) {
        for (std::uint64_t topic = 0; topic < p.cfg.topics; ++topic) {
            const auto request = request_for(p, topic, seq, system_us());
            c.busy = true;
            c.timed_out = false;
            c.deadline = clock_type::now() + p.cfg.timeout;
            std::vector<answer> answers;
            co_await exchange(p, c, request, 1, answers);
            const auto& a = answers.front();
            c.busy = false;
            if (a.what != outcome::answered || !publish_accepted(p.cfg.format, a.status)) {
                error =
                    "the replay prefill failed: " +
                    (a.what == outcome::answered ? "status " + std::to_string(a.status) : a.detail);
                break;
            }
            if (seq == 0) {
                auto id = published_id(p.cfg.format, a.body);
                if (id.empty() || id.find_first_of("\r\n") != std::string::npos) {
                    error = "the hub's answer to a publish carries no usable id";
                    break;
                }
                anchors[std::size_t(topic)] = std::move(id);
            }
        }
    }
    close_connection(c);
    p.active = 0;
}

} // namespace

publisher::publisher(const config& cfg, std::string address)
    : s_(std::make_unique<state>(cfg, std::move(address))) {
    s_->schedule.rate = cfg.publish_rate;
    s_->schedule.topics = cfg.topics;
    // With a replay prefill, sequence 0 is the anchor and 1..replay the
    // history; the live updates follow.
    s_->schedule.first_seq = cfg.replay > 0 ? cfg.replay + 1 : 0;
}

publisher::~publisher() {
    if (thread_.joinable())
        join();
}

bool publisher::prefill(std::vector<std::string>& anchors, std::string& error) {
    anchors.assign(std::size_t(s_->cfg.topics), {});
    s_->active = 1;
    net::co_spawn(s_->ctx, sweep(*s_), crash_on_exception{" in the publisher"});
    net::co_spawn(s_->ctx, run_prefill(*s_, anchors, error),
                  crash_on_exception{" in the publisher"});
    s_->ctx.run();
    s_->ctx.restart();
    s_->connections.clear();
    return error.empty();
}

void publisher::start() {
    auto& p = *s_;
    p.start = clock_type::now();
    p.start_unix_us = system_us();
    p.last_answer = p.start;
    p.res.due = p.schedule.count_before(std::uint64_t(p.cfg.duration.count()) * 1000);
    p.active = p.cfg.publishers;
    for (unsigned i = 0; i < p.cfg.publishers; ++i) {
        auto& c = p.connections.emplace_back(p.ctx);
        net::co_spawn(p.ctx, run_connection(p, c, stop_new_),
                      crash_on_exception{" in the publisher"});
    }
    net::co_spawn(p.ctx, sweep(p), crash_on_exception{" in the publisher"});
    thread_ = std::thread([this] {
        s_->ctx.run();
        finished_.store(true, std::memory_order_release);
    });
}

void publisher::join() {
    stop_new();
    if (!thread_.joinable())
        return;
    if (!finished()) {
        // Whatever is still in flight now will not be answered in time.
        net::post(s_->ctx, [&p = *s_] {
            for (auto& c : p.connections)
                if (c.busy) {
                    c.timed_out = true;
                    close_connection(c);
                }
        });
    }
    thread_.join();
    auto& p = *s_;
    p.res.seconds = std::chrono::duration<double>(p.last_answer - p.start).count();
}

std::uint64_t publisher::handed_out() const noexcept {
    return s_->next_k.load(std::memory_order_relaxed);
}

const publish_result& publisher::result() const noexcept {
    return s_->res;
}

const std::vector<std::uint64_t>& publisher::failed_per_topic() const noexcept {
    return s_->failed;
}

} // namespace herald::bench
