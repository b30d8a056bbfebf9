// Runs the web-platform-tests URL parsing data (see data/README.md) against
// url::parse: each input either fails, or gives exactly the expected href and
// components, byte for byte.
#include "herald/match/url.hpp"

#include "catch.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>

using herald::match::url;
using nlohmann::json;

TEST_CASE("every web-platform-tests URL parsing case gives the standard's URL, byte for byte") {
    std::ifstream file(std::string(HERALD_TEST_DATA) + "/urltestdata.json");
    REQUIRE(file);
    const json cases = json::parse(file);

    std::size_t run = 0, passed = 0;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const json& c = cases[i];
        if (!c.is_object())
            continue; // comments
        ++run;
        INFO("case " << i << ": " << c.dump());
        std::optional<url> base;
        if (c.at("base").is_string()) {
            base = url::parse(c.at("base").get<std::string>());
            CHECK(base);
            if (!base)
                continue;
        }
        auto parsed = url::parse(c.at("input").get<std::string>(), base ? &*base : nullptr);
        if (c.value("failure", false)) {
            CHECK_FALSE(parsed);
            if (!parsed)
                ++passed;
            continue;
        }
        CHECK(parsed);
        if (!parsed)
            continue;
        const std::string port(parsed->port()), search(parsed->search()), hash(parsed->hash());
        const std::string host = std::string(parsed->hostname()) + (port.empty() ? "" : ":" + port);
        bool ok = true;
        auto expect = [&](const char* name, const std::string& actual) {
            const std::string expected = c.at(name).get<std::string>();
            INFO(name);
            CHECK(actual == expected);
            ok = ok && actual == expected;
        };
        expect("href", parsed->href());
        expect("protocol", std::string(parsed->protocol()) + ":");
        expect("username", std::string(parsed->username()));
        expect("password", std::string(parsed->password()));
        expect("host", host);
        expect("hostname", std::string(parsed->hostname()));
        expect("port", port);
        expect("pathname", std::string(parsed->pathname()));
        expect("search", search.empty() ? "" : "?" + search);
        expect("hash", hash.empty() ? "" : "#" + hash);
        if (ok)
            ++passed;
    }
    std::cout << "URL parsing WPT: " << run << " cases run, " << passed << " passed\n";
}
