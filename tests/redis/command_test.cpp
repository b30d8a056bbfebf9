#include "herald/redis/command.hpp"

#include "catch.hpp"
#include "herald/redis/reply_parser.hpp"

#include <stdexcept>
#include <string>
#include <vector>

using namespace herald::redis;

TEST_CASE("a command is an array of bulk strings", "[command]") {
    const std::vector<std::string_view> args{"SET", "key", "value"};
    CHECK(format_command(args) == "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n");
}

TEST_CASE("arguments are binary-safe, empty ones included", "[command]") {
    const std::string binary("a\r\n\0b", 5);
    const std::vector<std::string_view> args{"SET", binary, std::string_view{}};
    const auto formatted = format_command(args);
    CHECK(formatted == std::string("*3\r\n$3\r\nSET\r\n$5\r\na\r\n\0b\r\n$0\r\n\r\n", 30));
    // The same bytes read back as a reply give the arguments again.
    reply_parser p;
    p.feed(formatted);
    auto r = p.next();
    REQUIRE(r);
    REQUIRE(r->elements.size() == 3);
    CHECK(r->elements[1].str == binary);
    CHECK(r->elements[2].str.empty());
}

TEST_CASE("append_command queues commands back to back", "[command]") {
    std::string out;
    const std::vector<std::string_view> ping{"PING"};
    const std::vector<std::string_view> incr{"INCR", "n"};
    append_command(out, ping);
    append_command(out, incr);
    CHECK(out == "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n");
}

TEST_CASE("an empty command is refused: Redis would not answer it", "[command]") {
    CHECK_THROWS_AS(format_command({}), std::invalid_argument);
}

TEST_CASE("a pipeline holds its commands back to back and counts them", "[command]") {
    pipeline p;
    CHECK(p.empty());
    p.push("MULTI").push("INCR", std::string("n")).push("EXEC");
    CHECK(p.size() == 3);
    CHECK(p.payload() ==
          "*1\r\n$5\r\nMULTI\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n*1\r\n$4\r\nEXEC\r\n");
    CHECK(!p.breaks_reply_matching());
    p.push("psubscribe", "x*");
    CHECK(p.breaks_reply_matching());
    p.clear();
    CHECK(p.empty());
    CHECK(p.payload().empty());
    CHECK(!p.breaks_reply_matching());
}

TEST_CASE("commands that change how Redis replies are recognised in any case", "[command]") {
    auto breaks = [](std::vector<std::string_view> args) { return breaks_reply_matching(args); };
    CHECK(breaks({"SUBSCRIBE", "a"}));
    CHECK(breaks({"ssubscribe", "a"}));
    CHECK(breaks({"Monitor"}));
    CHECK(breaks({"client", "Reply", "SKIP"}));
    CHECK(!breaks({"CLIENT", "SETNAME", "x"}));
    CHECK(!breaks({"PUBLISH", "subscribe", "x"}));
    CHECK(!breaks({"SUBSCRIBER"}));
    CHECK(!breaks({}));
}
