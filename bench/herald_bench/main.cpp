// bench/herald_bench/main.cpp — herald-bench's controller.
//
// The controller owns the run's timeline: it starts the workers (threads of
// this process, or forked processes when one process cannot hold enough
// sockets), moves the shared phase from connecting to warmup to the steady
// window to stop, samples the server processes at the window's edges, shows
// progress, and merges what the workers measured into one report.
#include "load.hpp"
#include "options.hpp"
#include "publish.hpp"
#include "report.hpp"

#include "herald/net.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <poll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

using namespace herald::bench;
using clock_type = std::chrono::steady_clock;

volatile std::sig_atomic_t interrupted = 0;

struct proc_sample {
    bool ok = false;
    std::uint64_t cpu_us = 0;
    std::uint64_t rss_kib = 0;
};

// utime and stime are fields 14 and 15 of /proc/PID/stat, counted after the
// command name, which is in parentheses and may itself contain spaces.
proc_sample sample(int pid) {
    proc_sample s;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    std::FILE* f = std::fopen(path, "r");
    if (!f)
        return s;
    char buf[1024];
    const auto n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = '\0';
    const char* p = std::strrchr(buf, ')');
    if (!p)
        return s;
    unsigned long utime = 0, stime = 0;
    if (std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) !=
        2)
        return s;
    const auto tick = std::uint64_t(::sysconf(_SC_CLK_TCK));
    s.cpu_us = (std::uint64_t(utime) + stime) * 1'000'000 / tick;

    std::snprintf(path, sizeof path, "/proc/%d/status", pid);
    f = std::fopen(path, "r");
    if (!f)
        return s;
    char line[256];
    while (std::fgets(line, sizeof line, f))
        if (std::sscanf(line, "VmRSS: %lu kB", &s.rss_kib) == 1)
            break;
    std::fclose(f);
    s.ok = true;
    return s;
}

proc_sample sample_all(const std::vector<int>& pids) {
    proc_sample total;
    total.ok = !pids.empty();
    for (int pid : pids) {
        const auto s = sample(pid);
        total.ok = total.ok && s.ok;
        total.cpu_us += s.cpu_us;
        total.rss_kib += s.rss_kib;
    }
    return total;
}

struct totals {
    std::uint64_t started = 0, opened = 0, failed = 0, closed = 0, events = 0, errors = 0;
};

totals sum_live(control_block& control) {
    totals t;
    for (unsigned i = 0; i < control.slots; ++i) {
        const auto& l = control.live()[i];
        t.started += l.started.get();
        t.opened += l.opened.get();
        t.failed += l.failed.get();
        t.closed += l.closed.get();
        t.events += l.events.get();
        t.errors += l.errors.get();
    }
    return t;
}

const char* phase_name(phase p) {
    switch (p) {
    case phase::connecting:
        return "connecting";
    case phase::warmup:
        return "warmup";
    case phase::steady:
        return "steady";
    case phase::drain:
        return "draining";
    case phase::stop:
        return "stopping";
    }
    return "";
}

bool write_all(int fd, const void* data, std::size_t n) {
    auto p = static_cast<const char*>(data);
    while (n) {
        const auto w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= std::size_t(w);
    }
    return true;
}

// A forked worker: its share of the load, then its result down the pipe.
[[noreturn]] void worker_main(const config& cfg, control_block& control, unsigned index,
                              const std::string& address, const std::vector<std::string>& anchors,
                              int out) {
    std::signal(SIGINT, SIG_IGN); // the controller decides when to stop
    const auto r =
        std::make_unique<result>(run_worker_process(cfg, control, index, address, anchors));
    const bool ok = write_all(out, r.get(), sizeof(result));
    ::close(out);
    std::_Exit(ok ? 0 : 3);
}

// Reads every worker's result; each pipe carries exactly one `result`.
bool collect(std::vector<int>& fds, std::vector<pid_t>& pids, result& merged,
             std::chrono::seconds limit) {
    std::vector<std::unique_ptr<result>> results;
    std::vector<std::size_t> got(fds.size(), 0);
    for (std::size_t i = 0; i < fds.size(); ++i)
        results.push_back(std::make_unique<result>());
    const auto deadline = clock_type::now() + limit;
    std::size_t done = 0;
    while (done < fds.size() && clock_type::now() < deadline) {
        std::vector<pollfd> p;
        std::vector<std::size_t> which;
        for (std::size_t i = 0; i < fds.size(); ++i)
            if (fds[i] >= 0) {
                p.push_back(pollfd{fds[i], POLLIN, 0});
                which.push_back(i);
            }
        if (::poll(p.data(), p.size(), 100) <= 0)
            continue;
        for (std::size_t k = 0; k < p.size(); ++k) {
            if (!p[k].revents)
                continue;
            const auto i = which[k];
            auto* bytes = reinterpret_cast<char*>(results[i].get());
            const auto n = ::read(fds[i], bytes + got[i], sizeof(result) - got[i]);
            if (n > 0)
                got[i] += std::size_t(n);
            if (n <= 0 || got[i] == sizeof(result)) {
                ::close(fds[i]);
                fds[i] = -1;
                ++done;
            }
        }
    }
    bool all = true;
    for (std::size_t i = 0; i < fds.size(); ++i) {
        if (got[i] == sizeof(result))
            merged.merge(*results[i]);
        else
            all = false;
        if (fds[i] >= 0)
            ::close(fds[i]);
    }
    for (auto pid : pids) {
        int status = 0;
        const auto until = clock_type::now() + std::chrono::seconds(5);
        while (::waitpid(pid, &status, WNOHANG) == 0) {
            if (clock_type::now() > until) {
                ::kill(pid, SIGKILL);
                ::waitpid(pid, &status, 0);
                all = false;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    return all;
}

std::string resolve(const url_parts& where, std::string& error) {
    herald::net::io_context ctx;
    herald::tcp::resolver resolver(ctx);
    herald::error_code ec;
    const auto results = resolver.resolve(where.host, std::to_string(where.port), ec);
    if (ec || results.empty()) {
        error = "cannot resolve '" + where.host + "': " + ec.message();
        return {};
    }
    for (const auto& e : results)
        if (e.endpoint().address().is_v4())
            return e.endpoint().address().to_string();
    return results.begin()->endpoint().address().to_string();
}

} // namespace

int main(int argc, char** argv) {
    auto cli = parse_command_line(argc, argv);
    if (cli.exit_code)
        return *cli.exit_code;
    const config& cfg = cli.cfg;

    // Every stream is a descriptor: take the whole hard limit, and refuse a
    // share that cannot fit rather than fail thousands of connects.
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    const auto per_process = (cfg.streams + cfg.processes - 1) / cfg.processes;
    if (limit.rlim_cur != RLIM_INFINITY && per_process + 32 > limit.rlim_cur) {
        std::fprintf(stderr,
                     "herald-bench: %llu streams per process need more descriptors than the "
                     "limit of %llu: use --processes %llu or more\n",
                     static_cast<unsigned long long>(per_process),
                     static_cast<unsigned long long>(limit.rlim_cur),
                     static_cast<unsigned long long>(cfg.streams / (limit.rlim_cur - 32) + 1));
        return 2;
    }
    std::string error;
    const auto address = resolve(cfg.where, error);
    if (address.empty()) {
        std::fprintf(stderr, "herald-bench: %s\n", error.c_str());
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGINT, [](int) { interrupted = 1; });

    // The publisher lives in this process; with --replay it publishes the
    // history before any stream opens, and the streams resume from it.
    std::unique_ptr<publisher> pub;
    std::vector<std::string> anchors;
    if (cfg.publishing()) {
        const auto pub_address = resolve(cfg.publish_where, error);
        if (pub_address.empty()) {
            std::fprintf(stderr, "herald-bench: %s\n", error.c_str());
            return 2;
        }
        pub = std::make_unique<publisher>(cfg, pub_address);
        if (cfg.replay > 0 && !pub->prefill(anchors, error)) {
            std::fprintf(stderr, "herald-bench: %s\n", error.c_str());
            return 2;
        }
    }

    // The control block is shared memory, so forked workers see the phase
    // and the controller sees their live counters without any messages.
    const unsigned slots = cfg.processes * cfg.threads;
    const std::uint64_t failed_table = cfg.publishing() ? cfg.topics : 0;
    const auto bytes = control_block::bytes_for(slots, failed_table);
    void* mem = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        std::perror("herald-bench: mmap");
        return 2;
    }
    auto& control = *new (mem) control_block;
    for (unsigned i = 0; i < slots; ++i)
        new (control.live() + i) live_counters;
    control.slots = slots;
    control.topics = failed_table;

    summary sum;
    sum.server.pids = cfg.server_pids;
    const auto before = sample_all(cfg.server_pids);

    const auto t0 = clock_type::now();
    control.t0_ns = t0.time_since_epoch().count();
    sum.t0_unix_us = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    control.set(phase::connecting);

    std::vector<pid_t> children;
    std::vector<int> pipes;
    std::unique_ptr<result> local;
    std::thread local_worker;
    std::atomic<bool> local_done{false};
    if (cfg.processes == 1) {
        local = std::make_unique<result>();
        local_worker = std::thread([&] {
            *local = run_worker_process(cfg, control, 0, address, anchors);
            local_done = true;
        });
    } else {
        std::fflush(nullptr);
        for (unsigned i = 0; i < cfg.processes; ++i) {
            int fds[2];
            if (::pipe(fds) != 0) {
                std::perror("herald-bench: pipe");
                return 2;
            }
            const pid_t pid = ::fork();
            if (pid == 0) {
                ::close(fds[0]);
                for (int fd : pipes)
                    ::close(fd);
                worker_main(cfg, control, i, address, anchors, fds[1]);
            }
            ::close(fds[1]);
            if (pid < 0) {
                std::perror("herald-bench: fork");
                ::close(fds[0]);
                control.set(phase::stop);
                break;
            }
            children.push_back(pid);
            pipes.push_back(fds[0]);
        }
    }
    auto workers_gone = [&] {
        if (cfg.processes == 1)
            return local_done.load();
        for (auto pid : children) {
            siginfo_t info{};
            if (::waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
                info.si_pid == 0)
                return false; // still running
        }
        return true;
    };

    const bool show_progress = cfg.progress && ::isatty(2);
    const double schedule_s = cfg.ramp > 0 ? double(cfg.streams) / cfg.ramp : 0.0;
    const auto connect_deadline = t0 + std::chrono::milliseconds(std::int64_t(schedule_s * 1000)) +
                                  cfg.timeout + std::chrono::seconds(2);
    auto phase_start = t0;
    auto window_start = t0;
    auto next_progress = t0 + std::chrono::seconds(1);
    auto next_rss = t0;
    std::uint64_t last_events = 0;
    proc_sample at_start;

    for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        const auto now = clock_type::now();
        const auto live = sum_live(control);
        const auto p = control.get();
        if (interrupted || workers_gone()) {
            sum.interrupted = interrupted != 0;
            break;
        }
        if (p == phase::connecting) {
            if (live.opened + live.failed >= cfg.streams || now >= connect_deadline) {
                if (live.opened == cfg.streams)
                    sum.all_opened_us = std::uint64_t(
                        std::chrono::duration_cast<std::chrono::microseconds>(now - t0).count());
                control.set(phase::warmup);
                phase_start = now;
            }
        } else if (p == phase::warmup) {
            if (now - phase_start >= cfg.warmup) {
                at_start = sample_all(cfg.server_pids);
                sum.server.rss_max_kib = at_start.rss_kib;
                window_start = clock_type::now();
                control.set(phase::steady);
                if (pub)
                    pub->start();
                next_rss = window_start + std::chrono::seconds(1);
            }
        } else if (p == phase::steady) {
            if (now >= next_rss) {
                sum.server.rss_max_kib =
                    std::max(sum.server.rss_max_kib, sample_all(cfg.server_pids).rss_kib);
                next_rss += std::chrono::seconds(1);
            }
            const bool all_ended = cfg.expect_end && live.opened + live.failed >= cfg.streams &&
                                   live.closed >= live.opened;
            if (now - window_start >= cfg.duration || all_ended)
                break;
        }
        if (show_progress && now >= next_progress) {
            std::fprintf(stderr,
                         "\r[%6.1fs] %-10s open %llu/%llu  events/s %llu  errors %llu\x1b[K",
                         std::chrono::duration<double>(now - t0).count(), phase_name(p),
                         static_cast<unsigned long long>(live.opened - live.closed),
                         static_cast<unsigned long long>(cfg.streams),
                         static_cast<unsigned long long>(live.events - last_events),
                         static_cast<unsigned long long>(live.errors));
            last_events = live.events;
            next_progress += std::chrono::seconds(1);
        }
    }

    // The window ends here, for the server figures and the workers alike.
    const bool had_window = control.get() == phase::steady;
    const auto window_end = clock_type::now();
    const auto at_end = sample_all(cfg.server_pids);
    if (pub) {
        // No update after the window; the streams get --drain to receive
        // what is still on its way (and the publisher to hear its last
        // answers, up to --timeout) before losses are judged.
        pub->stop_new();
        control.set(phase::drain);
        const auto drain_end = window_end + cfg.drain;
        const auto give_up = drain_end + cfg.timeout;
        for (;;) {
            const auto now = clock_type::now();
            if (interrupted || workers_gone() || (now >= drain_end && pub->finished()) ||
                now >= give_up)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        pub->join();
        sum.drain_s = std::chrono::duration<double>(clock_type::now() - window_end).count();
        control.published = pub->handed_out();
        const auto& failed = pub->failed_per_topic();
        for (std::uint64_t i = 0; i < failed_table && i < failed.size(); ++i)
            control.failed()[i] = failed[i];
        sum.pub = pub->result();
        sum.publishing = true;
    }
    control.set(phase::stop);
    if (show_progress)
        std::fprintf(stderr, "\r\x1b[K");

    bool complete = true;
    if (cfg.processes == 1) {
        local_worker.join();
        sum.r = *local;
    } else {
        complete = collect(pipes, children, sum.r, std::chrono::seconds(60));
    }
    if (!complete)
        std::fprintf(stderr,
                     "herald-bench: a worker process did not report; figures are partial\n");

    if (had_window) {
        sum.window_s = std::chrono::duration<double>(window_end - window_start).count();
        sum.server.sampled = before.ok && at_start.ok && at_end.ok;
        sum.server.rss_before_kib = before.rss_kib;
        sum.server.rss_start_kib = at_start.rss_kib;
        sum.server.rss_end_kib = at_end.rss_kib;
        sum.server.rss_max_kib = std::max(sum.server.rss_max_kib, at_end.rss_kib);
        sum.server.cpu_window_us = at_end.cpu_us - std::min(at_end.cpu_us, at_start.cpu_us);
    }
    const auto out = cfg.json ? render_json(cfg, sum) : render_text(cfg, sum);
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    return sum.r.error_total() == 0 && sum.pub.error_total() == 0 && complete && !sum.interrupted
               ? 0
               : 1;
}
