// RFC 6570 conformance, in reverse: every expansion listed by the
// uri-templates/uritemplate-test suite must match its template, and every
// template the suite calls invalid must fail to compile. The suite's files are
// copied unchanged into tests/match/data/ (see data/README.md for the commit).
#include "herald/match/uri_template.hpp"

#include "herald/match/matcher.hpp"

#include "catch.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <string>

using namespace herald::match;

namespace {

nlohmann::json load(const std::string& name) {
    std::ifstream in(std::string(HERALD_TEST_DATA) + "/uritemplate-test-" + name);
    REQUIRE(in);
    return nlohmann::json::parse(in);
}

struct counts {
    int templates = 0;
    int expansions = 0;
    int matched = 0;
    int excluded = 0;
};

// Every (template, expansion) pair of a positive suite file must match,
// through uri_template and through the matcher facade alike.
counts run_positive(const std::string& file) {
    counts c;
    const nlohmann::json suite = load(file);
    for (const auto& [group, body] : suite.items()) {
        for (const auto& tc : body.at("testcases")) {
            const std::string tmpl = tc.at(0).get<std::string>();
            std::vector<std::string> expected;
            if (tc.at(1).is_string()) {
                expected.push_back(tc.at(1).get<std::string>());
            } else if (tc.at(1).is_array()) {
                for (const auto& e : tc.at(1)) {
                    expected.push_back(e.get<std::string>());
                }
            } else {
                // `false`: an expansion error; none in the positive files.
                ++c.excluded;
                continue;
            }
            ++c.templates;
            std::string error;
            auto t = uri_template::compile(tmpl, error);
            INFO(file << " / " << group << ": " << tmpl << " -> " << error);
            REQUIRE(t);
            auto m = compile(matcher_type::uritemplate, tmpl);
            REQUIRE(m.matcher);
            for (const std::string& e : expected) {
                INFO("expansion: " << e << "\nregex: " << t->regex());
                ++c.expansions;
                const bool ok = t->matches(e);
                CHECK(ok);
                CHECK(m.matcher->matches(topic(e)));
                c.matched += ok ? 1 : 0;
            }
        }
    }
    return c;
}

} // namespace

TEST_CASE("every RFC 6570 overview example (section 1.2) matches its template") {
    const counts c = run_positive("spec-examples.json");
    CHECK(c.templates == 64);
    CHECK(c.expansions == 139);
    CHECK(c.matched == c.expansions);
    CHECK(c.excluded == 0);
}

TEST_CASE("every RFC 6570 section 3.2 example matches its template") {
    const counts c = run_positive("spec-examples-by-section.json");
    CHECK(c.templates == 117);
    CHECK(c.expansions == 192);
    CHECK(c.matched == c.expansions);
    CHECK(c.excluded == 0);
}

TEST_CASE("every extended uritemplate-test case matches its template") {
    const counts c = run_positive("extended-tests.json");
    CHECK(c.templates == 53);
    CHECK(c.expansions == 58);
    CHECK(c.matched == c.expansions);
    CHECK(c.excluded == 0);
}

TEST_CASE("the suite's invalid templates fail to compile, with a message") {
    // Two cases are valid syntax: their expansion fails only because `keys`
    // holds a map, and a prefix applies to strings. As matchers they compile
    // (what a map value may not expand to, a string value may).
    const std::set<std::string> value_dependent{"{keys:1}", "{+keys:1}"};
    const nlohmann::json suite = load("negative-tests.json");
    int refused = 0, excluded = 0;
    for (const auto& [group, body] : suite.items()) {
        for (const auto& tc : body.at("testcases")) {
            const std::string tmpl = tc.at(0).get<std::string>();
            REQUIRE(tc.at(1) == false);
            std::string error;
            auto t = uri_template::compile(tmpl, error);
            INFO(tmpl);
            if (value_dependent.count(tmpl)) {
                CHECK(t);
                ++excluded;
                continue;
            }
            CHECK_FALSE(t);
            CHECK_FALSE(error.empty());
            auto m = compile(matcher_type::uritemplate, tmpl);
            CHECK_FALSE(m.matcher);
            CHECK(m.error.rfind("invalid URI template: ", 0) == 0);
            refused += t ? 0 : 1;
        }
    }
    CHECK(refused == 34);
    CHECK(excluded == 2);
}
