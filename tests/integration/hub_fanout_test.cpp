// A worker's fan-out yields: it writes to a bounded number of subscribers per
// turn of its event loop, and what happens between turns (subscribers
// leaving, more updates arriving) neither touches a freed subscriber nor
// reorders anyone's updates. The worker is driven by hand, one handler at a
// time (io_context::poll_one), over real loopback sockets.
#include "catch.hpp"
#include "hub/hub.hpp"
#include "log.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace herald;
using app::hub_subscriber;

/// One subscriber of `topic` on a worker, with the client end of its socket.
/// Its writer is not running: `waiting` says it sleeps, so the worker writes
/// straight to the socket, as it does for an idle stream. The client end
/// belongs to another io_context, never run: its readiness must not count as
/// one of the worker's handlers.
struct fake_stream {
    tcp::socket server_end;
    tcp::socket client_end;
    app::connection_control control;
    std::unique_ptr<hub_subscriber> subscriber;

    fake_stream(net::io_context& ctx, net::io_context& client_ctx, tcp::acceptor& acceptor,
                match::matcher_ptr matcher)
        : server_end(ctx)
        , client_end(client_ctx) {
        client_end.connect(acceptor.local_endpoint());
        acceptor.accept(server_end);
        server_end.non_blocking(true);
        std::vector<match::matcher_ptr> matchers{std::move(matcher)};
        subscriber = std::make_unique<hub_subscriber>(
            hub::subscription(std::move(matchers), {}, {}), server_end, control);
        subscriber->waiting = true;
    }

    bool written_to() const { return subscriber->last_write != never; }

    /// Everything the client has been sent so far (the sends are done: on
    /// loopback the bytes are in the client's receive queue).
    std::string received() {
        std::string all;
        client_end.non_blocking(true);
        char buffer[4096];
        for (;;) {
            error_code ec;
            const auto n = client_end.read_some(net::buffer(buffer), ec);
            if (ec)
                return all;
            all.append(buffer, n);
        }
    }

    std::chrono::steady_clock::time_point never = std::chrono::steady_clock::time_point::min();
};

class fanout_fixture {
public:
    static constexpr const char* topic = "https://example.com/books/1";

    explicit fanout_fixture(std::size_t subscribers, std::size_t per_turn)
        : log_(app::log_level::off)
        , hub_(options(), log_)
        , acceptor_(ctx_, {net::ip::make_address("127.0.0.1"), 0}) {
        hub_.attach(ctx_, worker_);
        worker_.subscribers_per_turn = per_turn;
        const auto matcher = hub_.compile({hub::matcher_kind::exact, topic}).matcher;
        for (std::size_t i = 0; i < subscribers; ++i) {
            streams_.push_back(
                std::make_unique<fake_stream>(ctx_, client_ctx_, acceptor_, matcher));
            auto& s = *streams_.back()->subscriber;
            s.last_write = streams_.back()->never;
            worker_.add(s);
        }
    }

    ~fanout_fixture() {
        for (auto& s : streams_)
            if (s->subscriber)
                worker_.remove(*s->subscriber);
    }

    /// An update of `topic` with the given id, numbered after the last.
    void publish(const std::string& id) {
        auto u = std::make_shared<hub::update>();
        u->sequence = u->position = ++sequence_;
        u->id = id;
        u->topics.emplace_back(topic);
        u->encoded = "id: " + id + "\ndata: x\n\n";
        worker_.enqueue(std::move(u));
    }

    /// Runs one handler of the worker's loop.
    void one_turn() { REQUIRE(ctx_.poll_one() == 1); }
    /// Runs every handler ready, until there is none.
    void all_turns() {
        ctx_.restart();
        ctx_.poll();
    }

    std::size_t written() const {
        std::size_t n = 0;
        for (const auto& s : streams_)
            n += s->subscriber && s->written_to() ? 1 : 0;
        return n;
    }

    /// The subscriber leaves: unregistered, and its memory freed at once (a
    /// stream's frame goes as soon as it ends), so ASan sees a late touch.
    void leave(std::size_t i) {
        worker_.remove(*streams_[i]->subscriber);
        streams_[i]->subscriber.reset();
    }

    fake_stream& stream(std::size_t i) { return *streams_[i]; }
    std::size_t size() const { return streams_.size(); }

private:
    static app::options options() {
        app::options o;
        o.level = app::log_level::off;
        return o;
    }

    net::io_context ctx_;
    net::io_context client_ctx_;
    app::logger log_;
    app::hub_node hub_;
    app::hub_worker worker_;
    tcp::acceptor acceptor_;
    std::vector<std::unique_ptr<fake_stream>> streams_;
    std::uint64_t sequence_ = 0;
};

} // namespace

TEST_CASE("a fan-out writes to at most subscribers_per_turn subscribers in one turn of the loop") {
    fanout_fixture hub(10, 4);
    hub.publish("a");
    hub.one_turn();
    CHECK(hub.written() == 4);
    hub.one_turn();
    CHECK(hub.written() == 8);
    hub.one_turn();
    CHECK(hub.written() == 10);
    for (std::size_t i = 0; i < hub.size(); ++i)
        CHECK(hub.stream(i).received() == "id: a\ndata: x\n\n");
}

TEST_CASE("a subscriber that leaves while a fan-out is paused is skipped, and the rest still get "
          "the update") {
    SECTION("one update, written straight from its bytes") {
        fanout_fixture hub(10, 4);
        hub.publish("a");
        hub.one_turn();
        REQUIRE(hub.written() == 4);
        REQUIRE_FALSE(hub.stream(7).written_to());
        hub.leave(7);
        hub.all_turns();
        for (std::size_t i = 0; i < hub.size(); ++i)
            CHECK(hub.stream(i).received() == (i == 7 ? "" : "id: a\ndata: x\n\n"));
    }
    SECTION("a batch, queued per subscriber and written in one send each") {
        fanout_fixture hub(10, 4);
        hub.publish("a");
        hub.publish("b");
        hub.one_turn();
        REQUIRE(hub.written() == 4);
        REQUIRE_FALSE(hub.stream(9).written_to());
        hub.leave(9);
        hub.all_turns();
        for (std::size_t i = 0; i < hub.size(); ++i)
            CHECK(hub.stream(i).received() ==
                  (i == 9 ? "" : "id: a\ndata: x\n\nid: b\ndata: x\n\n"));
    }
}

TEST_CASE("updates that arrive while a fan-out is paused reach every subscriber after it, in "
          "order") {
    fanout_fixture hub(10, 3);
    hub.publish("a");
    hub.one_turn(); // a: 3 of 10 written, the rest posted
    hub.publish("b");
    hub.publish("c");
    hub.one_turn(); // a: 6 of 10
    hub.one_turn(); // the drain: b and c wait behind a
    CHECK(hub.written() == 6);
    hub.all_turns();
    for (std::size_t i = 0; i < hub.size(); ++i)
        CHECK(hub.stream(i).received() == "id: a\ndata: x\n\nid: b\ndata: x\n\nid: c\ndata: x\n\n");
}
