#include "herald/redis/reply_parser.hpp"

#include "catch.hpp"
#include "herald/redis/error.hpp"
#include "split.hpp"

#include <string>
#include <vector>

using herald::redis::reply;
using herald::redis::reply_parser;
namespace errc = herald::redis;

namespace {

struct parsed {
    std::vector<reply> replies;
    std::error_code ec;
};

parsed parse_all(reply_parser& p) {
    parsed out;
    while (auto r = p.next())
        out.replies.push_back(std::move(*r));
    out.ec = p.error();
    return out;
}

// Feeds `input` whole and split at every offset; every way must give `expected`.
void check_every_split(std::string_view input, const std::vector<reply>& expected) {
    herald::test::for_each_split(input, [&](std::string_view first, std::string_view second) {
        reply_parser p;
        p.feed(first);
        auto got = parse_all(p);
        p.feed(second);
        auto rest = parse_all(p);
        got.replies.insert(got.replies.end(), rest.replies.begin(), rest.replies.end());
        INFO("split at " << first.size() << " of " << input.size());
        REQUIRE(!rest.ec);
        REQUIRE(got.replies == expected);
        REQUIRE(p.buffered() == 0);
    });
}

std::error_code error_of(std::string_view input) {
    reply_parser p;
    p.feed(input);
    (void)parse_all(p);
    return p.error();
}

} // namespace

TEST_CASE("every reply type parses the same however the bytes are split", "[reply_parser]") {
    const std::string input = "+OK\r\n"
                              "-ERR unknown command 'FOO'\r\n"
                              ":42\r\n"
                              ":-7\r\n"
                              "$5\r\nhello\r\n"
                              "$0\r\n\r\n"
                              "$-1\r\n"
                              "*-1\r\n"
                              "*0\r\n"
                              "*2\r\n$1\r\na\r\n:1\r\n";
    check_every_split(input, {
                                 reply::simple("OK"),
                                 reply::error_reply("ERR unknown command 'FOO'"),
                                 reply::number(42),
                                 reply::number(-7),
                                 reply::bulk("hello"),
                                 reply::bulk(""),
                                 reply::null_bulk(),
                                 reply::null_array(),
                                 reply::array({}),
                                 reply::array({reply::bulk("a"), reply::number(1)}),
                             });
}

TEST_CASE("nested arrays keep their shape and order, down to hiredis's depth limit",
          "[reply_parser]") {
    // An XRANGE reply: [[id, [field, value, field, value]], ...].
    const std::string xrange = "*2\r\n"
                               "*2\r\n$3\r\n1-0\r\n*4\r\n$1\r\nk\r\n$1\r\nv\r\n$1\r\nn\r\n$-1\r\n"
                               "*2\r\n$3\r\n2-0\r\n*-1\r\n";
    check_every_split(xrange,
                      {reply::array({
                          reply::array({reply::bulk("1-0"),
                                        reply::array({reply::bulk("k"), reply::bulk("v"),
                                                      reply::bulk("n"), reply::null_bulk()})}),
                          reply::array({reply::bulk("2-0"), reply::null_array()}),
                      })});

    // Eight levels of arrays parse; nine are refused by hiredis (its task
    // stack has nine slots, one for the innermost element).
    std::string deep;
    for (int i = 0; i < 8; ++i)
        deep += "*1\r\n";
    deep += ":1\r\n";
    reply expected = reply::number(1);
    for (int i = 0; i < 8; ++i)
        expected = reply::array({expected});
    check_every_split(deep, {expected});
    CHECK(error_of("*1\r\n" + deep) == errc::errc::protocol_error);
}

TEST_CASE("binary bulk strings keep CR, LF and NUL bytes", "[reply_parser]") {
    const std::string payload("a\r\nb\0c\r\n", 8);
    const std::string input = "$8\r\n" + payload + "\r\n";
    check_every_split(input, {reply::bulk(payload)});
}

TEST_CASE("a large bulk string arrives intact in small pieces", "[reply_parser]") {
    std::string payload(1 << 20, 'x');
    for (std::size_t i = 0; i < payload.size(); i += 4099)
        payload[i] = static_cast<char>(i % 251);
    const std::string input = "$" + std::to_string(payload.size()) + "\r\n" + payload + "\r\n";
    reply_parser p;
    std::vector<reply> got;
    for (std::size_t i = 0; i < input.size(); i += 1500) {
        p.feed(std::string_view(input).substr(i, 1500));
        auto r = parse_all(p);
        REQUIRE(!r.ec);
        got.insert(got.end(), r.replies.begin(), r.replies.end());
        if (i + 1500 < input.size())
            REQUIRE(got.empty());
    }
    REQUIRE(got.size() == 1);
    CHECK(got[0].kind == reply::type::bulk_string);
    CHECK(got[0].str == payload);
}

TEST_CASE("pub/sub pushes are arrays a subscriber can recognise", "[reply_parser]") {
    const std::string input =
        "*3\r\n$9\r\nsubscribe\r\n$7\r\nupdates\r\n:1\r\n"
        "*3\r\n$7\r\nmessage\r\n$7\r\nupdates\r\n$12\r\n{\"id\":\"1\"}\r\n\r\n"
        "*2\r\n$4\r\npong\r\n$0\r\n\r\n";
    check_every_split(
        input, {reply::array({reply::bulk("subscribe"), reply::bulk("updates"), reply::number(1)}),
                reply::array({reply::bulk("message"), reply::bulk("updates"),
                              reply::bulk("{\"id\":\"1\"}\r\n")}),
                reply::array({reply::bulk("pong"), reply::bulk("")})});
}

TEST_CASE("malformed input is a protocol error, and the parser stays failed", "[reply_parser]") {
    for (std::string_view bad : {
             "?what\r\n",       // unknown type byte
             ":12a\r\n",        // integer with junk
             "$abc\r\n",        // bulk length not a number
             "$-2\r\n",         // bulk length below -1
             "*-2\r\n",         // array length below -1
             "*2147483648\r\n", // array length over INT_MAX
             "*x\r\n",          // array length not a number
         }) {
        INFO(bad);
        reply_parser p;
        p.feed(bad);
        CHECK(!p.next());
        CHECK(p.error() == errc::errc::protocol_error);
        CHECK(!p.error_message().empty());
        p.feed("+OK\r\n");
        CHECK(!p.next()); // no resynchronisation after a broken stream
        p.reset();
        p.feed("+OK\r\n");
        CHECK(p.next() == reply::simple("OK"));
    }
}

TEST_CASE("replies before a protocol error are delivered, the rest is not", "[reply_parser]") {
    reply_parser p;
    p.feed("+OK\r\n:1\r\n!bad\r\n+LATER\r\n");
    CHECK(p.next() == reply::simple("OK"));
    CHECK(p.next() == reply::number(1));
    CHECK(!p.next());
    CHECK(p.error() == errc::errc::protocol_error);
}

TEST_CASE("a huge announced array costs memory only as its elements arrive", "[reply_parser]") {
    // hiredis's own reply objects would allocate 16 GiB for the slots here.
    reply_parser p;
    p.feed("*2147483647\r\n:1\r\n:2\r\n");
    CHECK(!p.next());
    CHECK(!p.error());
    CHECK(p.buffered() == 0);
}

TEST_CASE("an element larger than the limit fails instead of buffering forever", "[reply_parser]") {
    reply_parser p(1024);
    p.feed("$1000000\r\n");
    p.feed(std::string(1000, 'x'));
    CHECK(!p.next());
    CHECK(!p.error()); // 1010 bytes held: under the limit
    p.feed(std::string(100, 'x'));
    CHECK(!p.next());
    CHECK(p.error() == errc::errc::reply_too_large);

    reply_parser line(1024);
    line.feed("+" + std::string(2000, 'y')); // a status line that never ends
    CHECK(!line.next());
    CHECK(line.error() == errc::errc::reply_too_large);

    // Within the limit, many replies in one feed are fine: completed elements
    // do not count.
    reply_parser many(1024);
    std::string input;
    for (int i = 0; i < 1000; ++i)
        input += "$3\r\nabc\r\n";
    many.feed(input);
    int count = 0;
    while (many.next())
        ++count;
    CHECK(count == 1000);
    CHECK(!many.error());
}

TEST_CASE("a moved parser keeps its partial input", "[reply_parser]") {
    reply_parser a;
    a.feed("*2\r\n:1\r\n");
    reply_parser b(std::move(a));
    b.feed(":2\r\n");
    CHECK(b.next() == reply::array({reply::number(1), reply::number(2)}));
    reply_parser c;
    c = std::move(b);
    c.feed("+OK\r\n");
    CHECK(c.next() == reply::simple("OK"));
}

TEST_CASE("to_string shows replies readably", "[reply]") {
    CHECK(to_string(reply::array({reply::bulk("a\n"), reply::number(2), reply::null_bulk(),
                                  reply::error_reply("ERR x"), reply::simple("OK")})) ==
          "[\"a\\x0a\", (integer) 2, (nil), (error) ERR x, OK]");
}

TEST_CASE("preview cuts long replies for error messages", "[reply]") {
    CHECK(preview(reply::bulk(std::string(1000, 'a')), 10) == "\"aaaaaaaaa...");
    CHECK(preview(reply::number(5)) == "(integer) 5");
}
