#include "herald/duration.hpp"

#include "catch.hpp"

using namespace std::chrono_literals;
using herald::parse_duration;

TEST_CASE("durations are read with a unit: ms, s, m or h") {
    CHECK(parse_duration("250ms") == 250ms);
    CHECK(parse_duration("2s") == 2000ms);
    CHECK(parse_duration("1.5s") == 1500ms);
    CHECK(parse_duration("1m") == 60'000ms);
    CHECK(parse_duration("1h") == 3'600'000ms);
}

TEST_CASE("zero needs no unit, any other bare number is refused") {
    CHECK(parse_duration("0") == 0ms);
    CHECK_FALSE(parse_duration("2"));
}

TEST_CASE("malformed durations are refused, not guessed") {
    for (const char* text : {"", "s", "2x", "-1s", "1..5s", ".s", "2 s", "2S", "1e3ms", "1s2"})
        CHECK_FALSE(parse_duration(text));
}

TEST_CASE("absurdly long durations are refused instead of overflowing") {
    CHECK_FALSE(parse_duration("999999999999999999h"));
}
