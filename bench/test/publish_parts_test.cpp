// The I/O-free parts of publishing: the sequence tracker, topic names and the
// URL template, the data stamp, the schedule, the publish request, and the
// report's n/a for what was not measured.
#include "publish_format.hpp"
#include "report.hpp"
#include "sequence.hpp"

#include "catch.hpp"

#include <string>

using namespace herald::bench;

TEST_CASE("a sequence received in order has no loss, duplicate or reorder") {
    sequence_tracker t;
    t.start(0);
    for (std::uint64_t i = 0; i < 1000; ++i)
        t.on(i);
    t.finish(1000, 0);
    CHECK(t.lost() == 0);
    CHECK(t.duplicates() == 0);
    CHECK(t.out_of_order() == 0);
}

TEST_CASE("a gap counts as lost until the missing update arrives, then as out of order") {
    sequence_tracker t;
    t.start(0);
    for (std::uint64_t i : {0, 1, 4, 5})
        t.on(i);
    CHECK(t.lost() == 2);
    t.on(3);
    CHECK(t.lost() == 1);
    CHECK(t.out_of_order() == 1);
    t.on(3); // again: now a duplicate, not a second fill
    CHECK(t.duplicates() == 1);
    CHECK(t.lost() == 1);
    t.on(5);
    CHECK(t.duplicates() == 2);
    t.finish(6, 0);
    CHECK(t.lost() == 1); // 2 never came
}

TEST_CASE("an update that arrives however late fills its gap, and an old one seen before is a "
          "duplicate") {
    sequence_tracker t;
    t.start(0);
    t.on(0);
    t.on(100); // 1..99 missing
    CHECK(t.lost() == 99);
    for (std::uint64_t i = 101; i < 5000; ++i)
        t.on(i);
    t.on(3); // 4900 updates late: still a fill, not a duplicate
    CHECK(t.lost() == 98);
    CHECK(t.out_of_order() == 1);
    t.on(50); // splits the gap in two
    t.on(1);  // the lower gap's start
    t.on(99); // the upper gap's end
    CHECK(t.lost() == 95);
    CHECK(t.out_of_order() == 4);
    for (std::uint64_t seq : {0ULL, 3ULL, 50ULL, 1ULL, 99ULL, 100ULL, 4000ULL})
        t.on(seq);
    CHECK(t.duplicates() == 7);
    CHECK(t.lost() == 95);
    for (std::uint64_t i = 2; i < 99; ++i)
        t.on(i); // every remaining hole, plus 3 and 50 again
    CHECK(t.lost() == 0);
    CHECK(t.out_of_order() == 4 + 95);
    CHECK(t.duplicates() == 9);
}

TEST_CASE("a stream with more gaps than the tracker keeps forgets the oldest ones") {
    sequence_tracker t;
    t.start(0);
    // Every other update lost: one gap per update received.
    for (std::uint64_t i = 1; i <= 2 * (sequence_tracker::max_gaps + 10); i += 2)
        t.on(i);
    const auto lost = t.lost();
    CHECK(lost == sequence_tracker::max_gaps + 10);
    t.on(0); // its gap was forgotten: counted as a duplicate, still lost
    CHECK(t.duplicates() == 1);
    CHECK(t.lost() == lost);
    t.on(2 * (sequence_tracker::max_gaps + 10) - 2); // a recent gap: filled
    CHECK(t.lost() == lost - 1);
    CHECK(t.out_of_order() == 1);
}

TEST_CASE("at the end the missing tail is lost, except updates the hub refused") {
    sequence_tracker t;
    t.start(5); // the stream resumed: 0..4 were before it
    for (std::uint64_t i = 5; i < 10; ++i)
        t.on(i);
    t.finish(13, 0);
    CHECK(t.lost() == 3);
    sequence_tracker u;
    u.start(0);
    u.on(0);
    u.on(2); // 1 was refused by the hub: nobody should have it
    u.finish(3, 1);
    CHECK(u.lost() == 0);
    sequence_tracker v;
    v.start(0);
    v.finish(0, 0);
    CHECK(v.lost() == 0);
}

TEST_CASE("topics are percent-encoded into the URL template, everywhere it says {topic}") {
    const auto topic = topic_name("https://bench.example/t", 7);
    CHECK(topic == "https://bench.example/t/7");
    CHECK(percent_encode(topic) == "https%3A%2F%2Fbench.example%2Ft%2F7");
    CHECK(percent_encode("a b&c=d+e%f~g") == "a%20b%26c%3Dd%2Be%25f~g");
    CHECK(percent_encode("é") == "%C3%A9");
    CHECK(expand_template("/.well-known/mercure?topic={topic}", topic) ==
          "/.well-known/mercure?topic=https%3A%2F%2Fbench.example%2Ft%2F7");
    CHECK(expand_template("/sub/{topic}?x={topic}", "a/b") == "/sub/a%2Fb?x=a%2Fb");
    CHECK(expand_template("/sse", "a") == "/sse");
}

TEST_CASE("form encoding follows URLSearchParams: space is +, only *-._ stay") {
    CHECK(form_encode("a b") == "a+b");
    CHECK(form_encode("x*-._~y") == "x*-._%7Ey");
    CHECK(form_encode("a&b=c+d") == "a%26b%3Dc%2Bd");
    CHECK(form_encode("") == "");
}

TEST_CASE("an update's data round-trips its sequence, scheduled time and topic, with padding") {
    const update_stamp in{42, 1'790'000'000'123'456, 9};
    const auto plain = make_data(in, 0);
    CHECK(plain == "42 1790000000123456 9");
    const auto padded = make_data(in, 100);
    CHECK(padded.size() == 100);
    CHECK(padded.substr(0, plain.size() + 2) == plain + " x");
    for (const auto& d : {plain, padded, make_data(in, plain.size() + 1)}) {
        update_stamp out;
        REQUIRE(parse_data(d, out));
        CHECK(out.seq == 42);
        CHECK(out.sched_us == 1'790'000'000'123'456);
        CHECK(out.topic == 9);
    }
    update_stamp out;
    CHECK(!parse_data("hello", out));
    CHECK(!parse_data("1 2", out));
    CHECK(!parse_data("1 2 x", out));
    CHECK(!parse_data("-1 2 3", out));
    CHECK(!parse_data("", out));
}

TEST_CASE("the schedule spaces updates by 1/rate and deals them round-robin over topics") {
    publish_schedule s{1000, 3, 0};
    CHECK(s.due_us(0) == 0);
    CHECK(s.due_us(1) == 1000);
    CHECK(s.due_us(1500) == 1'500'000);
    CHECK(s.topic_of(4) == 1);
    CHECK(s.seq_of(4) == 1);
    CHECK(s.count_before(1'000'000) == 1000); // 0..999 are due before 1 s
    CHECK(s.count_before(1'000'001) == 1001);
    CHECK(s.count_before(0) == 0);
    CHECK(s.count_for_topic(10, 0) == 4); // 0, 3, 6, 9
    CHECK(s.count_for_topic(10, 1) == 3);
    CHECK(s.count_for_topic(10, 2) == 3);
    publish_schedule odd{3, 1, 8}; // a replay of 7 before: live sequence numbers start at 8
    CHECK(odd.seq_of(0) == 8);
    CHECK(odd.count_before(1'000'000) == 3);
    // The count matches due_us exactly, rounding included.
    publish_schedule r{7, 1, 0};
    for (std::uint64_t span : {1ULL, 142'857ULL, 142'858ULL, 999'999ULL, 10'000'000ULL}) {
        const auto n = r.count_before(span);
        CHECK(r.due_us(n) >= span);
        if (n > 0)
            CHECK(r.due_us(n - 1) < span);
    }
}

TEST_CASE("a Mercure publish is a form POST with topic, data, length and bearer token") {
    url_parts where{"127.0.0.1", 4321, "/.well-known/mercure"};
    const auto r = build_publish_request(publish_format::mercure, where, where.target,
                                         "https://x/t/1", "1 2 3", "tok.en.sig");
    const std::string body = "topic=https%3A%2F%2Fx%2Ft%2F1&data=1+2+3";
    CHECK(r.rfind("POST /.well-known/mercure HTTP/1.1\r\nHost: 127.0.0.1:4321\r\n", 0) == 0);
    CHECK(r.find("Content-Type: application/x-www-form-urlencoded\r\n") != std::string::npos);
    CHECK(r.find("Content-Length: " + std::to_string(body.size()) + "\r\n") != std::string::npos);
    CHECK(r.find("Authorization: Bearer tok.en.sig\r\n") != std::string::npos);
    CHECK(r.substr(r.size() - body.size()) == body);
    CHECK(r.find("\r\n\r\n") == r.size() - body.size() - 4);
}

TEST_CASE("an nchan publish posts the data as the body to the channel's URL") {
    url_parts where{"localhost", 80, "/pub?id={topic}"};
    const auto r =
        build_publish_request(publish_format::nchan, where, "/pub?id=a%2Fb", "a/b", "7 8 0", "");
    CHECK(r.rfind("POST /pub?id=a%2Fb HTTP/1.1\r\nHost: localhost\r\n", 0) == 0);
    CHECK(r.find("Content-Length: 5\r\n") != std::string::npos);
    CHECK(r.find("Authorization") == std::string::npos);
    CHECK(r.substr(r.size() - 9) == "\r\n\r\n7 8 0");
}

TEST_CASE("each format's success status and id") {
    CHECK(publish_accepted(publish_format::mercure, 200));
    CHECK(!publish_accepted(publish_format::mercure, 201));
    CHECK(!publish_accepted(publish_format::mercure, 204));
    CHECK(publish_accepted(publish_format::nchan, 201));
    CHECK(publish_accepted(publish_format::nchan, 202));
    CHECK(!publish_accepted(publish_format::nchan, 403));
    CHECK(published_id(publish_format::mercure, "urn:uuid:1234\n") == "urn:uuid:1234");
    CHECK(published_id(publish_format::nchan,
                       "queued messages: 1\r\nlast requested: -1 sec. ago\r\n"
                       "active subscribers: 1\r\nlast message id: 1796050840:0") == "1796050840:0");
    CHECK(published_id(publish_format::nchan, "queued messages: 1\n").empty());
}

TEST_CASE("a figure the bench could not measure is null in JSON and n/a in text, never 0") {
    config cfg;
    cfg.url = "http://127.0.0.1/sse";
    cfg.expect_interval = std::chrono::seconds(10);
    summary s;
    s.window_s = 10;
    s.r.opened = s.r.open_at_end = 100;
    s.r.window_events = 100; // one event per stream: no gap, so no jitter
    const auto json = render_json(cfg, s);
    INFO(json);
    CHECK(json.find("\"jitter_us\": {\"count\": 0, \"p50\": null, \"p90\": null, \"p99\": null, "
                    "\"p999\": null, \"max\": null, \"mean\": null}") != std::string::npos);
    CHECK(json.find("\"all_opened_ms\": null") != std::string::npos);
    const auto text = render_text(cfg, s);
    INFO(text);
    CHECK(text.find("jitter                 0        n/a") != std::string::npos);

    summary empty;
    const auto j2 = render_json(cfg, empty);
    CHECK(j2.find("\"events_per_s\": null") != std::string::npos);
    CHECK(j2.find("\"window\": {\"seconds\": null") != std::string::npos);
    CHECK(j2.find("\"cpu_us_per_event\": null") != std::string::npos);
    CHECK(j2.find("\"last_open_ms\": null") != std::string::npos);
}

TEST_CASE("publishing's figures are null when nothing could be judged") {
    config cfg;
    cfg.url = "http://127.0.0.1/sub?topic={topic}";
    cfg.publish_url = "http://127.0.0.1/pub";
    summary s;
    s.publishing = true;
    const auto json = render_json(cfg, s);
    INFO(json);
    CHECK(json.find("\"lost\": null, \"duplicates\": null") != std::string::npos);
    CHECK(json.find("\"deliveries_per_s\": null") != std::string::npos);
    CHECK(json.find("\"e2e_us\": {\"count\": 0, \"p50\": null") != std::string::npos);
    const auto text = render_text(cfg, s);
    CHECK(text.find("lost/duplicated/out of order n/a") != std::string::npos);
}

TEST_CASE("the publishing options parse, and a bad publish URL is refused") {
    const char* ok[] = {"herald-bench",
                        "http://127.0.0.1:1/sub?id={topic}",
                        "--publish-url",
                        "http://127.0.0.1:1/pub?id={topic}",
                        "--publish-format",
                        "nchan",
                        "--topics",
                        "1000",
                        "--subscribe-spread",
                        "all",
                        "--publish-rate",
                        "2.5",
                        "--drain",
                        "250ms",
                        "--publishers",
                        "8",
                        "--replay",
                        "100"};
    const auto c = parse_command_line(int(std::size(ok)), ok);
    REQUIRE(!c.exit_code);
    CHECK(c.cfg.publishing());
    CHECK(c.cfg.format == publish_format::nchan);
    CHECK(c.cfg.topics == 1000);
    CHECK(c.cfg.spread_all);
    CHECK(c.cfg.topic_of_stream(1234) == 0);
    CHECK(c.cfg.publish_rate == 2.5);
    CHECK(c.cfg.drain.count() == 250);
    CHECK(c.cfg.publishers == 8);
    CHECK(c.cfg.replay == 100);
    CHECK(c.cfg.publish_where.target == "/pub?id={topic}");

    const char* https[] = {"herald-bench", "http://127.0.0.1:1/sse", "--publish-url",
                           "https://127.0.0.1/pub"};
    CHECK(parse_command_line(int(std::size(https)), https).exit_code.value_or(0) != 0);
    const char* replay_alone[] = {"herald-bench", "http://127.0.0.1:1/sse", "--replay", "3"};
    CHECK(parse_command_line(int(std::size(replay_alone)), replay_alone).exit_code.value_or(0) !=
          0);
}
