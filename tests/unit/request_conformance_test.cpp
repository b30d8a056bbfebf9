// The request parser against the conformance table: one test case per row,
// each fed whole and split at every byte offset.
#include "herald/http/request_parser.hpp"

#include "catch.hpp"
#include "herald/error.hpp"
#include "request_conformance_cases.hpp"
#include "split.hpp"

#include <array>
#include <string>
#include <utility>

namespace {

using herald::http::request_parser;
using herald::test::conformance_case;
using herald::test::outcome;
using status = request_parser::status;

const char* describe(status s) {
    switch (s) {
    case status::done:
        return "done";
    case status::need_more:
        return "need more";
    case status::error:
        return "error";
    }
    return "?";
}

// Feeds `first` then `second` to a fresh parser, as two reads would, and
// checks the answer against the row. The same checks run for every split, so
// a split-dependent answer fails and names its offset.
void check_split(const conformance_case& c, std::string_view first, std::string_view second) {
    request_parser p(c.limits);
    auto r = p.feed(first);
    std::size_t consumed = r.consumed;
    if (r.state == status::need_more) {
        r = p.feed(second);
        consumed += r.consumed;
    }
    INFO((second.empty() ? "whole input" : "split at " + std::to_string(first.size()))
         << " of " << c.input.size() << " bytes: " << describe(r.state) << ", "
         << p.error().message());

    if (c.expected == outcome::need_more) {
        REQUIRE(r.state == status::need_more);
        CHECK(consumed == c.input.size());
        return;
    }
    if (c.expected == outcome::error) {
        INFO("expected: " << make_error_code(c.error).message());
        REQUIRE(r.state == status::error);
        CHECK(p.error() == c.error);
        return;
    }

    REQUIRE(r.state == status::done);
    const auto& want = c.head;
    const auto& got = p.get();
    CHECK(consumed == c.input.size() - want.trailing);
    CHECK(got.method == want.method);
    CHECK(got.path == want.path);
    CHECK(got.query == want.query);
    CHECK(got.version_major == 1);
    CHECK(got.version_minor == want.minor);
    CHECK(got.framing == want.framing);
    CHECK(got.content_length == want.content_length);
    CHECK(herald::http::is_known_method(got.method) == want.known_method);
    if (!want.field.empty()) {
        REQUIRE(got.header(want.field).has_value());
        CHECK(*got.header(want.field) == want.value);
    }
}

void check_case(const conformance_case& c) {
    if (c.expected == outcome::error) {
        // The status the server answers is part of the rule.
        CHECK(herald::http_status_for(c.error) == c.status);
    }
    herald::test::for_each_split(c.input, [&c](std::string_view first, std::string_view second) {
        check_split(c, first, second);
    });
}

template <std::size_t I>
void run_case() {
    check_case(herald::test::conformance_cases[I]);
}

template <std::size_t... I>
constexpr auto make_runners(std::index_sequence<I...>) {
    return std::array<void (*)(), sizeof...(I)>{&run_case<I>...};
}

// One Catch2 test case per row, named by the row, so that ctest lists each
// rule on its own and a failure names it. Catch2 rejects duplicate names at
// start-up, so every row's name must be unique.
[[maybe_unused]] const bool registered = [] {
    static constexpr auto runners =
        make_runners(std::make_index_sequence<herald::test::conformance_case_count>{});
    for (std::size_t i = 0; i < runners.size(); ++i)
        REGISTER_TEST_CASE(runners[i], herald::test::conformance_cases[i].name, "[conformance]");
    return true;
}();

} // namespace

TEST_CASE("the conformance table has at least 80 rows, valid and invalid") {
    std::size_t valid = 0, invalid = 0;
    for (const auto& c : herald::test::conformance_cases)
        (c.expected == outcome::error ? invalid : valid) += 1;
    CHECK(valid + invalid >= 80);
    CHECK(valid >= 20);
    CHECK(invalid >= 40);
}
