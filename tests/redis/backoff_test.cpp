#include "herald/redis/backoff.hpp"

#include "catch.hpp"

using namespace herald::redis;
using std::chrono::milliseconds;

TEST_CASE("backoff doubles from the initial delay up to the cap", "[backoff]") {
    backoff b({milliseconds(50), milliseconds(2000), false});
    for (long expected : {50, 100, 200, 400, 800, 1600, 2000, 2000})
        CHECK(b.next() == milliseconds(expected));
    b.reset();
    CHECK(b.next() == milliseconds(50));
}

TEST_CASE("jitter keeps each delay between half and all of its step", "[backoff]") {
    backoff b({milliseconds(50), milliseconds(2000), true}, 12345);
    long step = 50;
    bool varied = false;
    long previous = -1;
    for (int i = 0; i < 40; ++i) {
        const auto d = b.next().count();
        CHECK(d >= step / 2);
        CHECK(d <= step);
        if (step == 2000 && previous >= 0 && d != previous)
            varied = true;
        if (step == 2000)
            previous = d;
        step = std::min(step * 2, 2000L);
    }
    CHECK(varied);
}
