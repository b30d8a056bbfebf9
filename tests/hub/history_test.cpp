#include "herald/hub/history.hpp"

#include "catch.hpp"

#include <string>

using namespace herald::hub;

namespace {

std::shared_ptr<update> make(std::string id, std::string topic = "t", std::size_t data = 10) {
    auto u = std::make_shared<update>();
    u->id = std::move(id);
    u->topics.emplace_back(std::move(topic));
    u->encoded = "id: " + u->id + "\ndata: " + std::string(data, 'x') + "\n\n";
    return u;
}

update_ptr add(history& h, std::string id, std::string topic = "t", std::size_t data = 10) {
    return h.append(make(std::move(id), std::move(topic), data), [](const update_ptr&) {});
}

std::vector<std::string> ids(const history::replay& r) {
    std::vector<std::string> out;
    for (const auto& u : r.updates)
        out.push_back(u->id);
    return out;
}

const auto all = [](const update&) { return true; };

} // namespace

TEST_CASE("appending numbers updates 1, 2, 3 and calls back under the lock") {
    history h(10, 1 << 20);
    std::vector<std::uint64_t> seen;
    for (int i = 0; i < 3; ++i)
        h.append(make("u" + std::to_string(i)),
                 [&](const update_ptr& u) { seen.push_back(u->sequence); });
    CHECK(seen == std::vector<std::uint64_t>{1, 2, 3});
    CHECK(h.last_sequence() == 3);
    CHECK(h.size() == 3);
}

TEST_CASE("a resume replays what follows the id, and reports the id") {
    history h(10, 1 << 20);
    for (auto id : {"a", "b", "c", "d"})
        add(h, id);
    auto r = h.resume(true, "b", all);
    CHECK(ids(r) == std::vector<std::string>{"c", "d"});
    CHECK(r.response_last_event_id == "b");
    CHECK(r.last_sequence == 4);

    auto last = h.resume(true, "d", all);
    CHECK(last.updates.empty());
    CHECK(last.response_last_event_id == "d");
}

TEST_CASE("earliest replays the whole history, no request replays nothing") {
    history h(10, 1 << 20);
    for (auto id : {"a", "b"})
        add(h, id);
    auto r = h.resume(true, "earliest", all);
    CHECK(ids(r) == std::vector<std::string>{"a", "b"});
    CHECK(r.response_last_event_id == "earliest");

    auto none = h.resume(false, "", all);
    CHECK(none.updates.empty());
    CHECK_FALSE(none.response_last_event_id);
    CHECK(none.last_sequence == 2);
}

TEST_CASE("an unknown id replays nothing and answers earliest") {
    history h(10, 1 << 20);
    add(h, "a");
    auto r = h.resume(true, "never-published", all);
    CHECK(r.updates.empty());
    CHECK(r.response_last_event_id == "earliest");

    history empty(10, 1 << 20);
    CHECK(empty.resume(true, "x", all).response_last_event_id == "earliest");
    CHECK(empty.resume(true, "earliest", all).response_last_event_id == "earliest");
}

TEST_CASE("the count bound evicts the oldest, and an evicted id is unknown") {
    history h(3, 1 << 20);
    for (auto id : {"a", "b", "c", "d", "e"})
        add(h, id);
    CHECK(h.size() == 3);
    CHECK(ids(h.resume(true, "earliest", all)) == std::vector<std::string>{"c", "d", "e"});
    auto evicted = h.resume(true, "b", all);
    CHECK(evicted.updates.empty());
    CHECK(evicted.response_last_event_id == "earliest");
    CHECK(ids(h.resume(true, "c", all)) == std::vector<std::string>{"d", "e"});
}

TEST_CASE("the byte bound evicts the oldest, even the newest alone if it is too big") {
    const auto one = make("x")->footprint();
    history h(100, 3 * one);
    for (auto id : {"a", "b", "c", "d"})
        add(h, id);
    CHECK(h.size() == 3);
    CHECK(h.bytes() <= 3 * one);
    CHECK(ids(h.resume(true, "earliest", all)) == std::vector<std::string>{"b", "c", "d"});

    add(h, "huge", "t", 10 * one);
    CHECK(h.size() == 0);
    CHECK(h.bytes() == 0);
    CHECK(h.last_sequence() == 5);
}

TEST_CASE("a history of size 0 keeps nothing but still numbers updates") {
    history h(0, 1 << 20);
    add(h, "a");
    add(h, "b");
    CHECK(h.size() == 0);
    CHECK(h.last_sequence() == 2);
    CHECK(h.resume(true, "a", all).response_last_event_id == "earliest");
}

TEST_CASE("a repeated id resolves to its oldest occurrence, then to the next once evicted") {
    history h(4, 1 << 20);
    add(h, "dup");
    add(h, "x");
    add(h, "dup");
    add(h, "y");
    CHECK(ids(h.resume(true, "dup", all)) == std::vector<std::string>{"x", "dup", "y"});
    add(h, "z"); // evicts the first "dup"
    CHECK(ids(h.resume(true, "dup", all)) == std::vector<std::string>{"y", "z"});
    add(h, "w"); // evicts "x"
    add(h, "v"); // evicts the second "dup"
    CHECK(h.resume(true, "dup", all).response_last_event_id == "earliest");
}

TEST_CASE("an id published three times resolves to each occurrence in turn as they are evicted") {
    history h(3, 1 << 20);
    add(h, "a");
    add(h, "a");
    add(h, "b");
    CHECK(ids(h.resume(true, "a", all)) == std::vector<std::string>{"a", "b"});
    add(h, "a"); // evicts the first "a"; the second heads the chain now
    CHECK(ids(h.resume(true, "a", all)) == std::vector<std::string>{"b", "a"});
    add(h, "c"); // evicts the second "a"; the third is left
    CHECK(ids(h.resume(true, "a", all)) == std::vector<std::string>{"c"});
    CHECK(ids(h.resume(true, "b", all)) == std::vector<std::string>{"a", "c"});
    add(h, "d"); // evicts "b"
    add(h, "e"); // evicts the last "a"
    CHECK(h.resume(true, "a", all).response_last_event_id == "earliest");
    add(h, "a"); // a new chain for the same id
    CHECK(ids(h.resume(true, "a", all)).empty());
    CHECK(h.resume(true, "a", all).response_last_event_id == "a");
    CHECK(ids(h.resume(true, "d", all)) == std::vector<std::string>{"e", "a"});
}

TEST_CASE("a resume keeps only the updates the subscriber wants") {
    history h(10, 1 << 20);
    add(h, "a", "t1");
    add(h, "b", "t2");
    add(h, "c", "t1");
    auto r =
        h.resume(true, "earliest", [](const update& u) { return u.topics[0].value() == "t1"; });
    CHECK(ids(r) == std::vector<std::string>{"a", "c"});
}
