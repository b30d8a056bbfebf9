#include "load.hpp"

#include "http_response.hpp"
#include "io.hpp"
#include "publish_format.hpp"
#include "sequence.hpp"

#include "herald/net.hpp"
#include "herald/sse/parser.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <deque>
#include <memory>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>
#include <vector>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24 // Linux 4.2; older libc headers lack the name
#endif

namespace herald::bench {
namespace {

std::uint64_t steady_us(std::int64_t t0_ns) noexcept {
    const auto ns = std::chrono::steady_clock::now().time_since_epoch().count();
    return ns > t0_ns ? std::uint64_t(ns - t0_ns) / 1000 : 0;
}

std::int64_t system_us() noexcept {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

enum class stream_phase : std::uint8_t { waiting, connecting, head, open, done };

// Everything a stream keeps between reads. It is kept small on purpose: at
// 100k streams every byte here is 100 KB. Of read buffers it holds only a
// 64-byte inbox; larger reads go to one buffer per thread, which serves all
// its streams because each read is parsed to the end before the next one.
struct stream {
    explicit stream(net::io_context& ctx)
        : socket(ctx.get_executor()) {}

    socket_type socket;
    sse::parser parser;
    body_decoder body;
    std::uint64_t scheduled_us = 0;  ///< when the open model says this stream starts
    std::uint64_t last_event_us = 0; ///< arrival of the previous event
    std::int64_t time_field_us = -1; ///< the `time:` of the event being received
    std::uint32_t index = 0;         ///< global stream number
    std::uint32_t topic = 0;         ///< the topic it subscribes to (publishing)
    sequence_tracker seq;            ///< what it got of that topic (publishing)
    stream_phase state = stream_phase::waiting;
    bool timed_out = false;
    bool got_event = false;
    char last_byte = 0;         ///< the last body byte: did the stream end at a line boundary?
    std::array<char, 64> inbox; ///< a typical event fits: see read_handler
};

struct io_thread {
    io_thread(const config& c, control_block& ctl, live_counters& l, tcp::endpoint ep,
              const std::vector<std::string>& req)
        : cfg(c)
        , control(ctl)
        , live(l)
        , endpoint(ep)
        , requests(req) {}

    const config& cfg;
    control_block& control;
    live_counters& live;
    tcp::endpoint endpoint;
    const std::vector<std::string>& requests; ///< one per topic, or one for all
    std::vector<net::ip::address> sources;

    net::io_context ctx{1};
    timer_type schedule_timer{ctx.get_executor()};
    timer_type sweep_timer{ctx.get_executor()};
    std::deque<stream> streams; // a deque: streams never move once their coroutine runs
    result res;
    bool stopping = false;
    bool scheduled_all = false;
    std::array<char, 64 * 1024> buffer;
    std::thread thread;
};

std::uint64_t now_us(const io_thread& t) noexcept {
    return steady_us(t.control.t0_ns);
}

void close_socket(stream& s) {
    error_code ignored;
    s.socket.close(ignored);
}

// A stream failed. Before it opened, it counts as failed; after, as closed.
void fail(io_thread& t, stream& s, error_class what, std::string_view detail) {
    t.res.note_error(what, detail);
    t.live.errors.add();
    if (s.state == stream_phase::open)
        t.live.closed.add();
    else
        t.live.failed.add();
    s.state = stream_phase::done;
    close_socket(s);
}

void fail(io_thread& t, stream& s, const error_code& ec) {
    if (s.timed_out) {
        fail(t, s, error_class::timeout, "connect + response head took longer than --timeout");
        return;
    }
    if (ec == net::error::connection_refused) {
        fail(t, s, error_class::refused, "connection refused");
        return;
    }
    if (ec == net::error::connection_reset || ec == net::error::broken_pipe) {
        fail(t, s, error_class::reset, "connection reset by the server");
        return;
    }
    if (ec == net::error::eof) {
        fail(t, s, error_class::closed_early, "the server closed the connection before the head");
        return;
    }
    fail(t, s, error_class::other, ec.message());
}

error_code errno_code(int e) {
    return error_code(e, std::system_category());
}

// Receives what the SSE parser finds in one read: events, and the `time:`
// field that herald --timestamps puts before an event's data.
struct event_sink {
    io_thread& t;
    stream& s;
    std::uint64_t now;      // steady µs since the start, the same for the whole read
    bool steady;            // inside the measured window
    std::int64_t wall = -1; // system clock µs, read only when an event carries a time
    std::uint64_t events = 0;

    void on_field(std::string_view name, std::string_view value) {
        if (name != "time")
            return;
        std::int64_t v = 0;
        auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        s.time_field_us = ec == std::errc{} && p == value.data() + value.size() ? v : -1;
    }

    // An update the bench published: judge its sequence number, and its
    // latency from its scheduled send time if it is live (not replayed).
    void judge(std::string_view data) {
        auto& r = t.res;
        update_stamp stamp;
        if (!parse_data(data, stamp) || stamp.topic != s.topic) {
            ++r.unexpected;
            return;
        }
        ++r.deliveries;
        if (steady)
            ++r.window_deliveries;
        s.seq.on(stamp.seq);
        const auto replay = t.cfg.replay;
        if (replay > 0 && stamp.seq <= replay) {
            ++r.replayed;
            if (stamp.seq == replay)
                r.replay.record(now - std::min(now, s.scheduled_us));
            return;
        }
        if (wall < 0)
            wall = system_us();
        r.e2e.record(std::uint64_t(std::max<std::int64_t>(0, wall - stamp.sched_us)));
    }

    void on_event(const sse::received_event& e) {
        ++events;
        auto& r = t.res;
        if (t.cfg.publishing())
            judge(e.data);
        if (!s.got_event) {
            s.got_event = true;
            r.first_event.record(now - std::min(now, s.scheduled_us));
        } else if (steady) {
            const auto gap = now - std::min(now, s.last_event_us);
            r.gap.record(gap);
            if (t.cfg.expect_interval.count() > 0) {
                const auto expect = std::uint64_t(t.cfg.expect_interval.count()) * 1000;
                r.jitter.record(gap > expect ? gap - expect : expect - gap);
            }
        }
        s.last_event_us = now;
        if (s.time_field_us >= 0 && steady) {
            if (wall < 0)
                wall = system_us();
            // Lateness against the scheduled send time; a negative value can
            // only be clock granularity and counts as zero.
            r.latency.record(std::uint64_t(std::max<std::int64_t>(0, wall - s.time_field_us)));
            ++r.latency_events;
        }
        s.time_field_us = -1;
    }
};

enum class body_status { more, ended, bad_framing };

// Feeds one read of body bytes through the framing decoder and the SSE parser.
body_status consume_body(io_thread& t, stream& s, std::string_view bytes) {
    const bool steady = t.control.get() == phase::steady;
    event_sink sink{t, s, now_us(t), steady};
    const bool ok = s.body.feed(bytes, [&](std::string_view run) {
        s.last_byte = run.back();
        s.parser.feed(run, sink);
    });
    if (sink.events) {
        t.res.events += sink.events;
        t.live.events.add(sink.events);
        if (steady)
            t.res.window_events += sink.events;
    }
    if (!ok)
        return body_status::bad_framing;
    return s.body.finished() ? body_status::ended : body_status::more;
}

// The server ended an open stream. Clean means after a complete event: the
// framing ended properly (a last chunk, or the connection closing for a
// close-delimited body) and no line or event was left half-received.
void server_ended(io_thread& t, stream& s, bool framing_complete) {
    bool clean =
        framing_complete && (s.last_byte == 0 || s.last_byte == '\n' || s.last_byte == '\r');
    if (clean) {
        // Two line ends dispatch whatever event data is pending; if an event
        // comes out, the server cut the stream in the middle of it.
        struct detector {
            bool fired = false;
            void on_event(const sse::received_event&) { fired = true; }
        } d;
        s.parser.feed("\n\n", d);
        clean = !d.fired;
    }
    auto& r = t.res;
    const auto now = now_us(t);
    (clean ? r.ended_clean : r.ended_unclean) += 1;
    if (!r.first_end_us)
        r.first_end_us = std::max<std::uint64_t>(now, 1);
    r.last_end_us = now;
    if (t.cfg.expect_end && clean) {
        t.live.closed.add();
        s.state = stream_phase::done;
        close_socket(s);
        return;
    }
    fail(t, s, error_class::closed_early,
         clean ? "the server ended a stream"
               : "the server ended a stream in the middle of an event");
}

awaitable<bool> connect_stream(io_thread& t, stream& s) {
    s.state = stream_phase::connecting;
    t.live.started.add();
    ++t.res.started;
    error_code ec;
    s.socket.open(t.endpoint.protocol(), ec);
    if (!ec && !t.sources.empty()) {
        // Let connect() choose the port for the whole 4-tuple: bind() alone
        // would reserve a port per source address for any destination.
        const int one = 1;
        ::setsockopt(s.socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
                     sizeof one);
        const tcp::endpoint local(t.sources[s.index % t.sources.size()], 0);
        s.socket.bind(local, ec);
    }
    if (!ec)
        s.socket.non_blocking(true, ec);
    if (ec) {
        fail(t, s, error_class::other, ec.message());
        co_return false;
    }
    auto [cec] = co_await s.socket.async_connect(t.endpoint, use_tuple);
    if (t.stopping)
        co_return false;
    if (cec) {
        fail(t, s, cec);
        co_return false;
    }
    const auto now = now_us(t);
    t.res.connect.record(now - std::min(now, s.scheduled_us));
    s.state = stream_phase::head;

    // The request is small and the socket new: the send buffer takes it whole.
    const auto& request = t.requests[t.requests.size() > 1 ? s.topic : 0];
    const auto sent =
        ::send(s.socket.native_handle(), request.data(), request.size(), MSG_NOSIGNAL);
    if (sent != ssize_t(request.size())) {
        const std::size_t done = sent > 0 ? std::size_t(sent) : 0;
        const auto rest = net::buffer(request.data() + done, request.size() - done);
        auto [wec, n] = co_await net::async_write(s.socket, rest, use_tuple);
        if (t.stopping)
            co_return false;
        if (wec) {
            fail(t, s, wec);
            co_return false;
        }
    }
    co_return true;
}

// Reads up to and including the response head; the bytes after it are the
// first body bytes. True when the stream is open: 200 and text/event-stream.
awaitable<bool> open_stream(io_thread& t, stream& s) {
    std::string pending; // a head split over several reads; usually never used
    const int fd = s.socket.native_handle();
    for (;;) {
        auto [ec] = co_await s.socket.async_wait(tcp::socket::wait_read, use_tuple);
        if (t.stopping)
            co_return false;
        if (ec) {
            fail(t, s, ec);
            co_return false;
        }
        for (;;) {
            const auto n = ::recv(fd, t.buffer.data(), t.buffer.size(), 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                break;
            if (n <= 0) {
                fail(t, s, n == 0 ? error_code(net::error::eof) : errno_code(errno));
                co_return false;
            }
            t.res.bytes += std::uint64_t(n);
            std::string_view bytes(t.buffer.data(), std::size_t(n));
            if (!pending.empty()) {
                pending.append(bytes);
                bytes = pending;
            }
            response_head head;
            const auto parsed = parse_response_head(bytes, head);
            if (parsed.state == head_status::need_more) {
                if (pending.empty())
                    pending.assign(bytes);
                continue;
            }
            if (parsed.state == head_status::error) {
                fail(t, s, error_class::other, "malformed response head");
                co_return false;
            }
            if (head.status != 200) {
                char what[64];
                std::snprintf(what, sizeof what, "response status %d", head.status);
                fail(t, s, error_class::non_200, what);
                co_return false;
            }
            if (!head.event_stream) {
                fail(t, s, error_class::content_type, "Content-Type is not text/event-stream");
                co_return false;
            }
            const auto now = now_us(t);
            t.res.head.record(now - std::min(now, s.scheduled_us));
            t.res.last_open_us = std::max(t.res.last_open_us, now);
            ++t.res.opened;
            t.live.opened.add();
            s.timed_out = false; // the sweep may have fired after the head arrived
            s.state = stream_phase::open;
            s.body.start(head);
            const auto rest = bytes.substr(parsed.consumed);
            const auto status = rest.empty() ? body_status::more : consume_body(t, s, rest);
            if (status == body_status::bad_framing) {
                fail(t, s, error_class::other, "malformed chunked body");
                co_return false;
            }
            if (status == body_status::ended) {
                server_ended(t, s, true);
                co_return false;
            }
            co_return true;
        }
    }
}

// The steady state: wait until readable, then read until the socket is
// drained. A read shorter than the buffer means the socket was empty at that
// moment; any later data raises a new readiness edge, so we can go back to
// waiting without another recv() that would only say EAGAIN.
awaitable<void> read_events_wait(io_thread& t, stream& s) {
    const int fd = s.socket.native_handle();
    for (;;) {
        auto [ec] = co_await s.socket.async_wait(tcp::socket::wait_read, use_tuple);
        if (t.stopping)
            co_return;
        if (ec) {
            fail(t, s, ec);
            co_return;
        }
        for (;;) {
            const auto n = ::recv(fd, t.buffer.data(), t.buffer.size(), 0);
            if (n > 0) {
                t.res.bytes += std::uint64_t(n);
                if (t.control.get() == phase::steady)
                    t.res.window_bytes += std::uint64_t(n);
                const auto status =
                    consume_body(t, s, std::string_view(t.buffer.data(), std::size_t(n)));
                if (status == body_status::bad_framing) {
                    fail(t, s, error_class::other, "malformed chunked body");
                    co_return;
                }
                if (status == body_status::ended) {
                    server_ended(t, s, true);
                    co_return;
                }
                if (std::size_t(n) < t.buffer.size())
                    break;
                continue;
            }
            if (n == 0) {
                // The connection closed: the end of a close-delimited body, or
                // an unfinished chunked or sized one.
                server_ended(t, s, s.body.finished() || s.body.close_delimited());
                co_return;
            }
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            fail(t, s, errno_code(errno));
            co_return;
        }
    }
}

// Reads n bytes already in `bytes`; false when the stream is over.
bool handle_bytes(io_thread& t, stream& s, std::string_view bytes) {
    t.res.bytes += bytes.size();
    if (t.control.get() == phase::steady)
        t.res.window_bytes += bytes.size();
    const auto status = consume_body(t, s, bytes);
    if (status == body_status::bad_framing) {
        fail(t, s, error_class::other, "malformed chunked body");
        return false;
    }
    if (status == body_status::ended) {
        server_ended(t, s, true);
        return false;
    }
    return true;
}

// The default steady state, and the bench's hot path. Two choices keep it
// cheap. First, async_read_some rather than async_wait: Asio re-arms epoll
// with an epoll_ctl() for every async_wait, while async_read_some tries the
// read first and waits only if there is nothing. Its buffer must belong to
// the stream (a completion may be queued behind other streams' reads), so it
// is small, 64 bytes, which holds one typical event; a full inbox means there
// may be more, and the rest is read at once into the thread's shared buffer.
// Second, a plain completion handler rather than a coroutine: once a stream is
// open its coroutine frames are freed, and an event costs one handler call
// instead of a coroutine resumption, in about 1 KiB less memory per stream.
void start_read(io_thread& t, stream& s);

struct read_handler {
    io_thread* t;
    stream* s;
    void operator()(const error_code& ec, std::size_t n) const;
};

void read_handler::operator()(const error_code& ec, std::size_t n) const {
    if (t->stopping)
        return;
    if (ec == net::error::eof) {
        server_ended(*t, *s, s->body.finished() || s->body.close_delimited());
        return;
    }
    if (ec) {
        fail(*t, *s, ec);
        return;
    }
    if (!handle_bytes(*t, *s, std::string_view(s->inbox.data(), n)))
        return;
    const int fd = s->socket.native_handle();
    while (n == s->inbox.size() || n == t->buffer.size()) {
        const auto got = ::recv(fd, t->buffer.data(), t->buffer.size(), 0);
        if (got > 0) {
            n = std::size_t(got);
            if (!handle_bytes(*t, *s, std::string_view(t->buffer.data(), n)))
                return;
            continue;
        }
        if (got == 0) {
            server_ended(*t, *s, s->body.finished() || s->body.close_delimited());
            return;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
        fail(*t, *s, errno_code(errno));
        return;
    }
    start_read(*t, *s);
}

void start_read(io_thread& t, stream& s) {
    s.socket.async_read_some(net::buffer(s.inbox), read_handler{&t, &s});
}

awaitable<void> run_stream(io_thread& t, stream& s) {
    const bool connected = co_await connect_stream(t, s);
    if (!connected)
        co_return;
    const bool opened = co_await open_stream(t, s);
    if (!opened)
        co_return;
    if (t.cfg.read_strategy == "wait")
        co_await read_events_wait(t, s);
    else
        start_read(t, s); // the stream goes on without this coroutine
}

// Starts the streams on the open model's schedule: stream g at g / ramp
// seconds after the start, whether or not earlier connects have finished.
awaitable<void> schedule_streams(io_thread& t) {
    std::size_t started = 0;
    for (auto& s : t.streams) {
        if (t.stopping)
            co_return;
        if (t.cfg.ramp > 0) {
            const auto due = std::chrono::steady_clock::time_point(
                std::chrono::nanoseconds(t.control.t0_ns + std::int64_t(s.scheduled_us) * 1000));
            if (due > std::chrono::steady_clock::now() + std::chrono::microseconds(100)) {
                t.schedule_timer.expires_at(due);
                auto [ec] = co_await t.schedule_timer.async_wait(use_tuple);
                if (ec || t.stopping)
                    co_return;
            }
        } else if (++started % 64 == 0) {
            // As fast as possible, but let finished connects be handled now
            // and then, or their times would include the whole burst.
            co_await net::post(t.ctx, net::use_awaitable);
            if (t.stopping)
                co_return;
        }
        net::co_spawn(t.ctx, run_stream(t, s), crash_on_exception{});
    }
    t.scheduled_all = true;
}

// One deadline check per thread instead of a timer per stream: streams still
// connecting or waiting for their head past --timeout are cancelled.
awaitable<void> sweep_timeouts(io_thread& t) {
    const auto timeout_us = std::uint64_t(t.cfg.timeout.count()) * 1000;
    for (;;) {
        t.sweep_timer.expires_after(std::chrono::milliseconds(50));
        auto [ec] = co_await t.sweep_timer.async_wait(use_tuple);
        if (ec || t.stopping)
            co_return;
        const auto now = now_us(t);
        bool pending = !t.scheduled_all;
        for (auto& s : t.streams) {
            if (s.state != stream_phase::connecting && s.state != stream_phase::head)
                continue;
            if (now > s.scheduled_us + timeout_us && !s.timed_out) {
                s.timed_out = true;
                error_code ignored;
                s.socket.cancel(ignored);
            } else {
                pending = true;
            }
        }
        if (!pending)
            co_return;
    }
}

// The run is over: every stream still open says what it missed of its topic.
// Streams that ended early are errors already, and are not judged.
void judge_stream(io_thread& t, stream& s) {
    auto& c = t.control;
    const publish_schedule sched{t.cfg.publish_rate, t.cfg.topics,
                                 t.cfg.replay > 0 ? t.cfg.replay + 1 : 0};
    const auto published = sched.first_seq + sched.count_for_topic(c.published, s.topic);
    s.seq.finish(published, s.topic < c.topics ? c.failed()[s.topic] : 0);
    auto& r = t.res;
    ++r.judged;
    r.lost += s.seq.lost();
    r.duplicates += s.seq.duplicates();
    r.out_of_order += s.seq.out_of_order();
    r.worst_lost = std::max(r.worst_lost, s.seq.lost());
    r.worst_duplicates = std::max(r.worst_duplicates, s.seq.duplicates());
    r.worst_out_of_order = std::max(r.worst_out_of_order, s.seq.out_of_order());
}

void stop_thread(io_thread& t) {
    t.stopping = true;
    t.schedule_timer.cancel();
    t.sweep_timer.cancel();
    for (auto& s : t.streams) {
        if (s.state == stream_phase::open && t.cfg.publishing())
            judge_stream(t, s);
        if (s.state == stream_phase::open)
            ++t.res.open_at_end;
        if (s.state != stream_phase::done && s.state != stream_phase::waiting)
            close_socket(s); // its pending wait completes with operation_aborted
    }
}

std::uint64_t cpu_us_of_self() {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    auto us = [](const timeval& tv) {
        return std::uint64_t(tv.tv_sec) * 1'000'000 + std::uint64_t(tv.tv_usec);
    };
    return us(ru.ru_utime) + us(ru.ru_stime);
}

std::uint64_t rss_kib_of_self() {
    std::FILE* f = std::fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    std::uint64_t kib = 0;
    while (std::fgets(line, sizeof line, f))
        if (std::sscanf(line, "VmRSS: %lu kB", &kib) == 1)
            break;
    std::fclose(f);
    return kib;
}

} // namespace

std::string build_request(const config& cfg, std::string_view target,
                          std::string_view last_event_id) {
    std::string r = "GET ";
    r += target;
    r += " HTTP/1.1\r\nHost: " + host_header(cfg.where);
    r += "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\nUser-Agent: herald-bench\r\n";
    if (!last_event_id.empty()) {
        r += "Last-Event-ID: ";
        r += last_event_id;
        r += "\r\n";
    }
    for (const auto& h : cfg.headers)
        r += h + "\r\n";
    r += "\r\n";
    return r;
}

result run_worker_process(const config& shared_cfg, control_block& control, unsigned index,
                          const std::string& address, const std::vector<std::string>& anchors) {
    // With --process-url, this process subscribes at its own URL.
    config cfg = shared_cfg;
    if (!cfg.process_wheres.empty()) {
        cfg.where = cfg.process_wheres[index % cfg.process_wheres.size()];
        cfg.url = cfg.process_urls[index % cfg.process_urls.size()];
    }
    const tcp::endpoint endpoint(net::ip::make_address(address), cfg.where.port);
    // One request per topic a stream may subscribe to; the URL names the
    // topic through {topic}, and a resuming stream names its anchor.
    const bool per_topic =
        cfg.where.target.find("{topic}") != std::string::npos || !anchors.empty();
    const auto distinct = cfg.spread_all ? 1 : std::min<std::uint64_t>(cfg.topics, cfg.streams);
    std::vector<std::string> requests;
    for (std::uint64_t i = 0; i < (per_topic ? distinct : 1); ++i)
        requests.push_back(build_request(
            cfg, expand_template(cfg.where.target, topic_name(cfg.topic_prefix, i)),
            anchors.empty() ? std::string_view() : std::string_view(anchors[std::size_t(i)])));
    const unsigned slots = cfg.processes * cfg.threads;
    const std::uint64_t first_seq = cfg.replay > 0 ? 1 : 0;

    std::vector<std::unique_ptr<io_thread>> threads;
    for (unsigned j = 0; j < cfg.threads; ++j) {
        const unsigned slot = index * cfg.threads + j;
        auto t =
            std::make_unique<io_thread>(cfg, control, control.live()[slot], endpoint, requests);
        for (const auto& a : cfg.source_addrs)
            t->sources.push_back(net::ip::make_address(a));
        for (std::uint64_t g = slot; g < cfg.streams; g += slots) {
            auto& s = t->streams.emplace_back(t->ctx);
            s.index = std::uint32_t(g);
            s.topic = std::uint32_t(cfg.topic_of_stream(g));
            s.seq.start(first_seq);
            s.scheduled_us = cfg.ramp > 0 ? std::uint64_t(double(g) * 1e6 / cfg.ramp) : 0;
        }
        threads.push_back(std::move(t));
    }
    for (auto& t : threads) {
        net::co_spawn(t->ctx, schedule_streams(*t), crash_on_exception{});
        net::co_spawn(t->ctx, sweep_timeouts(*t), crash_on_exception{});
        t->thread = std::thread([&ctx = t->ctx] { ctx.run(); });
    }

    // This thread only watches the phase, to take the CPU figures at the
    // window's edges, and stops the I/O threads at the end.
    std::uint64_t window_start_cpu = 0, window_cpu = 0, window_rss = 0;
    bool in_window = false, window_over = false;
    for (;;) {
        const auto p = control.get();
        if (p == phase::steady && !in_window) {
            in_window = true;
            window_start_cpu = cpu_us_of_self();
        }
        if (p != phase::steady && in_window && !window_over) {
            window_over = true;
            window_cpu = cpu_us_of_self() - window_start_cpu;
            window_rss = rss_kib_of_self();
        }
        if (p == phase::stop)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    for (auto& t : threads)
        net::post(t->ctx, [&t = *t] { stop_thread(t); });
    result total;
    for (auto& t : threads) {
        t->thread.join();
        total.merge(t->res);
    }
    total.cpu_us = cpu_us_of_self();
    total.window_cpu_us = window_cpu;
    total.rss_kib = window_rss ? window_rss : rss_kib_of_self();
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    total.max_rss_kib = std::uint64_t(ru.ru_maxrss);
    total.processes = 1;
    return total;
}

} // namespace herald::bench
