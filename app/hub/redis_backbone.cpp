#include "hub/redis_backbone.hpp"

#include "herald/redis/error.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>

namespace herald::app {
namespace {

// How a worker's coroutine awaits work it hands to the Redis thread. Not
// plain use_awaitable: that connects the awaiting coroutine's cancellation
// slot to the spawned one, and the worker's thread (cutting or shutting down
// its subscribers) would then write cancellation state that the Redis thread
// reads: a data race (TSan caught it in a cut during a resume). The work
// runs to its end (a command has its own timeout); the awaiting coroutine
// sees its own cancellation once it resumes.
auto on_redis_thread() {
    return net::bind_cancellation_slot(net::cancellation_slot(), net::use_awaitable);
}

// Numbers, stores, maps and fans out one update, atomically: a node that
// sees the reply knows every other node will see the message, and that the
// stream holds the update for resumes.
//   KEYS: seq, epoch, stream, ids, channel
//   ARGV: history size, an epoch to use if none is set, update id, update bytes
// The stream's entry ids are <position>-0, so a position is an XRANGE bound.
// Trimming is exact (not MAXLEN ~): the entries evicted are read first, so
// their ids leave the id hash with them.
constexpr std::string_view publish_script = R"lua(
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  epoch = ARGV[2]
  redis.call('SET', KEYS[2], epoch)
end
local seq = redis.call('INCR', KEYS[1])
local max = tonumber(ARGV[1])
if max > 0 then
  redis.call('XADD', KEYS[3], seq .. '-0', 'i', ARGV[3], 'u', ARGV[4])
  redis.call('HSETNX', KEYS[4], ARGV[3], seq)
  local excess = redis.call('XLEN', KEYS[3]) - max
  if excess > 0 then
    for _, e in ipairs(redis.call('XRANGE', KEYS[3], '-', '+', 'COUNT', excess)) do
      local id = e[2][2]
      if redis.call('HGET', KEYS[4], id) == string.match(e[1], '^%d+') then
        redis.call('HDEL', KEYS[4], id)
      end
    end
    redis.call('XTRIM', KEYS[3], 'MAXLEN', max)
  end
end
redis.call('PUBLISH', KEYS[5], epoch .. '\n' .. seq .. '\n' .. ARGV[4])
return {epoch, seq}
)lua";

// Reads the history in one consistent snapshot: the epoch, the last
// position, and the entries after a position or after an update id.
//   KEYS: seq, epoch, stream, ids
//   ARGV: mode (head | after | id), position or id, count
// Answers {epoch, last position, found (0: unknown id), entries}.
constexpr std::string_view read_script = R"lua(
local epoch = redis.call('GET', KEYS[2]) or '0'
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
if ARGV[1] == 'head' then return {epoch, last, 1, {}} end
local from = ARGV[2]
if ARGV[1] == 'id' then
  from = redis.call('HGET', KEYS[4], ARGV[2])
  if not from then return {epoch, last, 0, {}} end
end
local start = '(' .. from .. '-0'
if from == '0' then start = '-' end
return {epoch, last, 1, redis.call('XRANGE', KEYS[3], start, '+', 'COUNT', ARGV[3])}
)lua";

constexpr std::size_t catch_up_batch = 1000;

void put_field(std::string& out, std::string_view field) {
    out += std::to_string(field.size());
    out += ':';
    out += field;
}

bool take_field(std::string_view& in, std::string_view& field) {
    const auto colon = in.find(':');
    if (colon == std::string_view::npos || colon == 0)
        return false;
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(in.data(), in.data() + colon, n);
    if (ec != std::errc() || end != in.data() + colon || n > in.size() - colon - 1)
        return false;
    field = in.substr(colon + 1, n);
    in.remove_prefix(colon + 1 + n);
    return true;
}

std::string random_node_id() {
    std::random_device device;
    const std::uint64_t n = (std::uint64_t(device()) << 32) | device();
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(n));
    return text;
}

bool to_number(std::string_view text, std::uint64_t& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

// A message on the channel: "<epoch>\n<position>\n<update bytes>".
std::shared_ptr<hub::update> decode_message(std::string_view payload,
                                            const std::shared_ptr<const match::url>& base) {
    const auto first = payload.find('\n');
    const auto second = first == std::string_view::npos ? first : payload.find('\n', first + 1);
    if (second == std::string_view::npos)
        return nullptr;
    std::uint64_t epoch = 0, position = 0;
    if (!to_number(payload.substr(0, first), epoch) ||
        !to_number(payload.substr(first + 1, second - first - 1), position))
        return nullptr;
    auto u = decode_update(payload.substr(second + 1), base);
    if (u) {
        u->epoch = epoch;
        u->position = position;
    }
    return u;
}

// A stream entry: [ "<position>-0", [ "i", id, "u", bytes ] ].
std::shared_ptr<hub::update> decode_entry(const redis::reply& entry, std::uint64_t epoch,
                                          const std::shared_ptr<const match::url>& base) {
    if (!entry.is_array() || entry.elements.size() != 2 || !entry.elements[1].is_array() ||
        entry.elements[1].elements.size() != 4)
        return nullptr;
    const std::string_view stream_id = entry.elements[0].str;
    std::uint64_t position = 0;
    if (!to_number(stream_id.substr(0, stream_id.find('-')), position))
        return nullptr;
    auto u = decode_update(entry.elements[1].elements[3].str, base);
    if (u) {
        u->epoch = epoch;
        u->position = position;
    }
    return u;
}

} // namespace

std::string encode_update(const hub::update& u) {
    std::string out;
    out.reserve(u.encoded.size() + u.id.size() + 32);
    put_field(out, u.id);
    put_field(out, u.is_private ? "1" : "0");
    put_field(out, std::to_string(u.topics.size()));
    for (const auto& t : u.topics)
        put_field(out, t.value());
    put_field(out, u.encoded);
    return out;
}

std::shared_ptr<hub::update> decode_update(std::string_view bytes,
                                           const std::shared_ptr<const match::url>& base) {
    std::string_view id, privacy, count_text, field;
    std::uint64_t count = 0;
    if (!take_field(bytes, id) || !take_field(bytes, privacy) || !take_field(bytes, count_text) ||
        !to_number(count_text, count) || count == 0 || count > bytes.size())
        return nullptr;
    auto u = std::make_shared<hub::update>();
    u->id = id;
    u->is_private = privacy == "1";
    u->topics.reserve(count);
    for (std::uint64_t i = 0; i < count; ++i) {
        if (!take_field(bytes, field))
            return nullptr;
        // Resolved now, on the backbone's thread: match::topic parses
        // lazily, and the update is about to be shared between workers.
        (void)u->topics.emplace_back(std::string(field), base).as_url();
    }
    if (!take_field(bytes, field) || !bytes.empty())
        return nullptr;
    u->encoded = field;
    return u;
}

struct redis_backbone::history_read {
    bool ok = false;
    bool found = false;
    std::uint64_t epoch = 0;
    std::uint64_t last = 0;
    std::vector<std::shared_ptr<hub::update>> updates;
};

redis_backbone::redis_backbone(redis_backbone_options opts, const hub::hub_location& location,
                               logger& log, std::function<void()> drop_all)
    : opts_(std::move(opts))
    , base_(location.base())
    , log_(log)
    , drop_all_(std::move(drop_all))
    , seq_key_(opts_.prefix + "seq")
    , epoch_key_(opts_.prefix + "epoch")
    , stream_key_(opts_.prefix + "stream")
    , ids_key_(opts_.prefix + "ids")
    , channel_(opts_.prefix + "updates")
    , node_id_(random_node_id())
    , nodes_key_(opts_.prefix + "nodes")
    , alive_key_(opts_.prefix + "node:" + node_id_)
    , node_subscriptions_key_(opts_.prefix + "subscriptions:" + node_id_)
    , client_(ctx_.get_executor(), opts_.connect, opts_.retry)
    , subscriber_(
          ctx_.get_executor(), opts_.connect, {channel_},
          redis::subscriber_options{opts_.retry, opts_.max_queued, std::chrono::milliseconds(5000)})
    , random_(std::random_device{}()) {}

redis_backbone::~redis_backbone() {
    stop();
}

void redis_backbone::start(fan_out deliver) {
    deliver_ = std::move(deliver);
    const auto report = [this](const char* what) {
        return [this, what](std::exception_ptr e) {
            if (!e)
                return;
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                log_.error(what, " failed: ", ex.what());
            }
        };
    };
    client_.start();
    subscriber_.start();
    net::co_spawn(ctx_, receive(), report("redis receiver"));
    net::co_spawn(ctx_, watch_readiness(), report("redis readiness"));
    if (opts_.share_subscriptions)
        net::co_spawn(ctx_, keep_alive(), report("redis node liveness"));
    thread_ = std::thread([this] { ctx_.run(); });
}

void redis_backbone::stop() {
    if (stopped_.exchange(true))
        return;
    ready_ = false;
    net::co_spawn(ctx_, farewell(), net::detached);
    if (!thread_.joinable())
        return;
    // Everything on the thread ends once the client and subscriber stop;
    // a bounded wait, then a hard stop, so a shutdown cannot hang here.
    for (int i = 0; i < 300 && !ctx_.stopped(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ctx_.stop();
    thread_.join();
}

awaitable<redis::exec_result> redis_backbone::run_script(bool publishing,
                                                         std::vector<std::string> args) {
    // EVALSHA once the script's SHA1 is known (SCRIPT LOAD tells it after
    // the first EVAL); on NOSCRIPT (a restarted or flushed Redis), EVAL again,
    // which caches the script in Redis again (one extra round trip, once).
    static const std::string publish_body(publish_script), read_body(read_script);
    const auto& body = publishing ? publish_body : read_body;
    std::vector<std::string_view> argv;
    argv.reserve(args.size() + 2);
    const std::string& sha = publishing ? publish_sha_ : read_sha_;
    if (!sha.empty()) {
        argv.push_back("EVALSHA");
        argv.push_back(sha);
        argv.insert(argv.end(), args.begin(), args.end());
        auto r = co_await client_.exec(std::span<const std::string_view>(argv));
        if (r.ec || !r.value.is_error() || !r.value.str.starts_with("NOSCRIPT"))
            co_return r;
    }
    argv.clear();
    argv.push_back("EVAL");
    argv.push_back(body);
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = co_await client_.exec(std::span<const std::string_view>(argv));
    if (!r.ec && !r.value.is_error() && sha.empty()) {
        // Learn the SHA1 for next time: SCRIPT LOAD answers it (the script
        // is cached by the EVAL already, so this costs one round trip once).
        const std::array<std::string_view, 3> load{"SCRIPT", "LOAD", body};
        auto loaded = co_await client_.exec(std::span<const std::string_view>(load));
        if (!loaded.ec && loaded.value.kind == redis::reply::type::bulk_string)
            (publishing ? publish_sha_ : read_sha_) = loaded.value.str;
    }
    co_return r;
}

awaitable<hub_backbone::publish_status> redis_backbone::publish(std::shared_ptr<hub::update> u) {
    auto id = u->id;
    auto body = encode_update(*u);
    auto stored = net::co_spawn(ctx_, store(std::move(id), std::move(body)), on_redis_thread());
    co_return co_await std::move(stored);
}

awaitable<hub_backbone::publish_status> redis_backbone::store(std::string id, std::string body) {
    std::uint64_t candidate = 0;
    while (candidate == 0) // 0 means "no epoch"
        candidate = random_();
    // Named before the co_await: GCC 12 miscompiles braced lists inside it.
    std::vector<std::string> args{"5",
                                  seq_key_,
                                  epoch_key_,
                                  stream_key_,
                                  ids_key_,
                                  channel_,
                                  std::to_string(opts_.history_size),
                                  std::to_string(candidate),
                                  std::move(id),
                                  std::move(body)};
    auto r = co_await run_script(true, std::move(args));
    if (r.ec) {
        errors_.fetch_add(1, std::memory_order_relaxed);
        log_.warn("publish refused: Redis: ", r.ec.message());
        co_return publish_status::unavailable;
    }
    if (r.value.is_error()) {
        errors_.fetch_add(1, std::memory_order_relaxed);
        log_.error("publish refused: Redis answered ", redis::preview(r.value));
        co_return publish_status::unavailable;
    }
    co_return publish_status::stored;
}

awaitable<redis_backbone::history_read> redis_backbone::read(std::string mode, std::string value,
                                                             std::size_t count) {
    history_read out;
    std::vector<std::string> args{
        "4",      seq_key_,        epoch_key_,       stream_key_,
        ids_key_, std::move(mode), std::move(value), std::to_string(count)};
    auto r = co_await run_script(false, std::move(args));
    if (r.ec || r.value.is_error()) {
        errors_.fetch_add(1, std::memory_order_relaxed);
        log_.warn("history read failed: ", r.ec ? r.ec.message() : redis::preview(r.value));
        co_return out;
    }
    const auto& v = r.value;
    if (!v.is_array() || v.elements.size() != 4 || !v.elements[3].is_array() ||
        !to_number(v.elements[0].str, out.epoch)) {
        log_.error("history read: unexpected reply ", redis::preview(v));
        co_return out;
    }
    out.last = std::uint64_t(std::max(0LL, v.elements[1].integer));
    out.found = v.elements[2].integer == 1;
    for (const auto& entry : v.elements[3].elements) {
        auto u = decode_entry(entry, out.epoch, base_);
        if (!u) {
            log_.error("history read: undecodable entry ", redis::preview(entry));
            continue;
        }
        out.updates.push_back(std::move(u));
    }
    out.ok = true;
    co_return out;
}

awaitable<hub_backbone::replay> redis_backbone::resume(bool requested, std::string last_event_id,
                                                       wanted_fn wanted) {
    replay r;
    if (!requested)
        co_return r; // nothing to replay, nothing covered: every live update is new
    const bool earliest = last_event_id == "earliest";
    auto reading =
        net::co_spawn(ctx_,
                      read(earliest ? "after" : "id", earliest ? std::string("0") : last_event_id,
                           opts_.history_size + 1),
                      on_redis_thread());
    auto h = co_await std::move(reading);
    // Back on the subscriber's worker.
    if (!h.ok) {
        r.unavailable = true;
        co_return r;
    }
    r.epoch = h.epoch;
    r.last_position = h.last;
    if (!h.found) {
        // Never published, evicted, or from an epoch Redis lost: the draft's
        // rule for unknown ids.
        r.response_last_event_id = "earliest";
        co_return r;
    }
    r.response_last_event_id = std::move(last_event_id);
    for (auto& u : h.updates)
        if (wanted(*u))
            r.updates.push_back(std::move(u));
    co_return r;
}

void redis_backbone::handle(std::shared_ptr<hub::update> u) {
    // Positions arrive in order on the channel; the catch-up after a
    // reconnection reads some of them again from the stream.
    if (u->epoch == last_epoch_ && u->position <= last_position_)
        return;
    last_epoch_ = u->epoch;
    last_position_ = u->position;
    u->sequence = ++sequence_;
    // The publish→delivery latency metric counts from here on other nodes.
    u->accepted_at = std::chrono::steady_clock::now();
    deliver_(std::move(u));
}

awaitable<bool> redis_backbone::catch_up() {
    // The subscriber can be back before the command connection is.
    if (!co_await client_.wait_connected(opts_.connect.connect_timeout))
        co_return false;
    if (!initialised_) {
        // First start: only what comes from now on concerns this node.
        auto head = co_await read("head", "0", 0);
        if (!head.ok)
            co_return false;
        last_epoch_ = head.epoch;
        last_position_ = head.last;
        initialised_ = true;
        co_return true;
    }
    for (;;) {
        auto batch = co_await read("after", std::to_string(last_position_), catch_up_batch);
        if (!batch.ok)
            co_return false;
        if (batch.epoch != last_epoch_) {
            // Redis lost its data (restarted empty, flushed): the new epoch's
            // updates are all new here. Start from its beginning.
            log_.warn("Redis history epoch changed: ", last_epoch_, " -> ", batch.epoch);
            last_epoch_ = batch.epoch;
            last_position_ = 0;
            continue;
        }
        const bool gap = batch.updates.empty()
                             ? batch.last > last_position_
                             : batch.updates.front()->position > last_position_ + 1;
        if (gap) {
            // Updates this node never saw are gone from the stream too: its
            // subscribers cannot be brought up to date. They are cut, and
            // their clients resume (by id: from the stream, or `earliest`).
            log_.warn("missed updates no longer in the Redis stream (after position ",
                      last_position_, "): dropping this node's subscribers");
            drop_all_();
            if (batch.updates.empty())
                last_position_ = batch.last;
        }
        const auto n = batch.updates.size();
        for (auto& u : batch.updates)
            handle(std::move(u));
        if (n < catch_up_batch)
            co_return true;
    }
}

awaitable<void> redis_backbone::receive() {
    for (;;) {
        auto event = co_await subscriber_.next();
        switch (event.kind) {
        case redis::subscriber_event::type::subscribed:
            // Messages published while this node was not subscribed are in
            // the stream: read them now, before the next message (which the
            // subscriber holds meanwhile). Retried until it works or the
            // subscription breaks again (then the next `subscribed` retries).
            caught_up_ = false;
            for (int attempt = 0; !stopped_ && !caught_up_; ++attempt) {
                caught_up_ = co_await catch_up();
                if (!caught_up_) {
                    net::steady_timer pause(ctx_, std::chrono::milliseconds(100));
                    (void)co_await pause.async_wait(use_tuple);
                    if (!subscriber_.is_subscribed())
                        break;
                }
            }
            if (caught_up_)
                log_.info("Redis: subscribed and caught up at position ", last_position_);
            break;
        case redis::subscriber_event::type::message:
            if (auto u = decode_message(event.payload, base_))
                handle(std::move(u));
            else
                log_.error("Redis: undecodable message on ", event.channel);
            break;
        case redis::subscriber_event::type::disconnected:
            caught_up_ = false;
            errors_.fetch_add(1, std::memory_order_relaxed);
            log_.warn("Redis: subscriber disconnected: ", event.ec.message());
            break;
        case redis::subscriber_event::type::stopped:
            co_return;
        }
        ready_ = caught_up_ && subscriber_.is_subscribed() && client_.is_connected();
    }
}

awaitable<void> redis_backbone::watch_readiness() {
    // The command connection comes and goes on its own: look at it often.
    while (!stopped_) {
        ready_ = caught_up_ && subscriber_.is_subscribed() && client_.is_connected();
        ticker_.expires_after(std::chrono::milliseconds(100));
        (void)co_await ticker_.async_wait(use_tuple);
    }
}

} // namespace herald::app

namespace herald::app {

awaitable<void> redis_backbone::farewell() {
    ticker_.cancel();
    alive_ticker_.cancel();
    if (opts_.share_subscriptions && client_.is_connected()) {
        // A node that stops cleanly takes its subscriptions with it at once,
        // rather than after --redis-node-ttl (best effort: bounded by
        // --redis-timeout, and stop() waits at most 3 s for all of this).
        redis::pipeline p;
        p.push("DEL", node_subscriptions_key_, alive_key_).push("SREM", nodes_key_, node_id_);
        (void)co_await client_.exec(p);
    }
    subscriber_.stop();
    client_.stop();
}

awaitable<void> redis_backbone::share_subscription(std::string id,
                                                   std::optional<std::string> record) {
    auto written = net::co_spawn(ctx_, write_subscription(std::move(id), std::move(record)),
                                 on_redis_thread());
    co_await std::move(written);
}

awaitable<void> redis_backbone::write_subscription(std::string id,
                                                   std::optional<std::string> record) {
    // On the backbone's thread, in the callers' order: the mirror first, so
    // a rewrite started after this sees the change.
    redis::pipeline p;
    if (record) {
        p.push("HSET", node_subscriptions_key_, id, *record);
        // A first subscription creates the hash: it expires with the node.
        p.push("PEXPIRE", node_subscriptions_key_, std::to_string(opts_.node_ttl.count()));
        mine_.insert_or_assign(std::move(id), std::move(*record));
    } else {
        p.push("HDEL", node_subscriptions_key_, id);
        mine_.erase(id);
    }
    if (rewrite_)
        co_return; // the next refresh writes the whole hash anyway
    const auto r = co_await client_.exec(p);
    if (r.ec || r.values.empty() || r.values.front().is_error()) {
        // Redis may hold a stale hash now: the next refresh rewrites it.
        rewrite_ = true;
        errors_.fetch_add(1, std::memory_order_relaxed);
    }
}

awaitable<void> redis_backbone::keep_alive() {
    const auto ttl = std::to_string(opts_.node_ttl.count());
    const auto period = std::max(opts_.node_ttl / 3, std::chrono::milliseconds(50));
    while (!stopped_) {
        if (client_.is_connected()) {
            // A new connection may be to a Redis that restarted empty.
            if (client_.connects() != connects_seen_) {
                connects_seen_ = client_.connects();
                rewrite_ = true;
            }
            redis::pipeline p;
            // GET: the old value, nil if the key had expired: then a reader
            // may have taken this node for dead and deleted its hash.
            p.push("SET", alive_key_, "1", "PX", ttl, "GET").push("SADD", nodes_key_, node_id_);
            const bool rewriting = rewrite_;
            if (rewriting) {
                p.push("DEL", node_subscriptions_key_);
                std::vector<std::string_view> hset{"HSET", node_subscriptions_key_};
                for (const auto& [id, record] : mine_) {
                    hset.push_back(id);
                    hset.push_back(record);
                }
                if (!mine_.empty())
                    p.push(std::span<const std::string_view>(hset));
                rewrite_ = false; // writes queued after this one are applied after it
            }
            p.push("PEXPIRE", node_subscriptions_key_, ttl);
            const auto r = co_await client_.exec(p);
            const bool failed =
                r.ec || std::any_of(r.values.begin(), r.values.end(),
                                    [](const redis::reply& v) { return v.is_error(); });
            if (failed) {
                rewrite_ = true;
                errors_.fetch_add(1, std::memory_order_relaxed);
                log_.warn("Redis: could not refresh this node's subscriptions: ",
                          r.ec ? r.ec.message() : std::string("an error reply"));
            } else if (!rewriting && r.values.front().is_null()) {
                rewrite_ = true;
                continue;
            }
        }
        // Not connected yet (or again): look again soon, to be listed soon.
        alive_ticker_.expires_after(client_.is_connected() && !rewrite_
                                        ? period
                                        : std::min(period, std::chrono::milliseconds(100)));
        (void)co_await alive_ticker_.async_wait(use_tuple);
    }
}

awaitable<std::optional<std::vector<std::string>>> redis_backbone::shared_subscriptions() {
    auto reading = net::co_spawn(ctx_, read_subscriptions(), on_redis_thread());
    co_return co_await std::move(reading);
}

awaitable<std::optional<std::vector<std::string>>> redis_backbone::read_subscriptions() {
    const auto members = co_await client_.exec("SMEMBERS", nodes_key_);
    if (members.ec || !members.value.is_array()) {
        errors_.fetch_add(1, std::memory_order_relaxed);
        co_return std::nullopt;
    }
    std::vector<std::string> nodes;
    redis::pipeline p;
    for (const auto& member : members.value.elements) {
        nodes.push_back(member.str);
        p.push("EXISTS", opts_.prefix + "node:" + member.str)
            .push("HVALS", opts_.prefix + "subscriptions:" + member.str);
    }
    std::vector<std::string> records;
    if (nodes.empty())
        co_return records;
    const auto r = co_await client_.exec(p);
    if (r.ec || r.values.size() != 2 * nodes.size()) {
        errors_.fetch_add(1, std::memory_order_relaxed);
        co_return std::nullopt;
    }
    redis::pipeline forget;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const auto& alive = r.values[2 * i];
        const auto& values = r.values[2 * i + 1];
        if (alive.is_error() || values.is_error()) {
            errors_.fetch_add(1, std::memory_order_relaxed);
            co_return std::nullopt;
        }
        if (alive.integer == 0) {
            // Its liveness expired: the node died (or lost Redis for longer
            // than the TTL; its next refresh brings it back whole).
            forget.push("SREM", nodes_key_, nodes[i])
                .push("DEL", opts_.prefix + "subscriptions:" + nodes[i]);
            continue;
        }
        for (const auto& v : values.elements)
            records.push_back(v.str);
    }
    if (!forget.empty())
        (void)co_await client_.exec(forget); // tidying: the next reader retries
    co_return records;
}

} // namespace herald::app
