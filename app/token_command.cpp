#include "token_command.hpp"

#include "herald/auth/signer.hpp"
#include "herald/auth/verifier.hpp"
#include "herald/duration.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace herald::app {
namespace {

// The token carries both claim styles, so draft-07 and draft-08 hubs (herald
// reads either) accept it: `mercure` with `publish`/`subscribe` selector
// lists, and `authorization_details` with one detail per action.
std::string make_claims(const std::vector<std::string>& publish,
                        const std::vector<std::string>& subscribe, std::chrono::seconds ttl,
                        const std::string& subject, const std::string& issuer,
                        const std::string& audience) {
    nlohmann::json claims = nlohmann::json::object();
    if (!issuer.empty())
        claims["iss"] = issuer;
    if (!subject.empty())
        claims["sub"] = subject;
    if (!audience.empty())
        claims["aud"] = audience;
    if (ttl.count() > 0) {
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        claims["exp"] = now + ttl.count();
    }
    nlohmann::json mercure = nlohmann::json::object();
    nlohmann::json details = nlohmann::json::array();
    const auto add = [&](const char* action, const std::vector<std::string>& topics) {
        if (topics.empty())
            return;
        mercure[action] = topics;
        nlohmann::json matchers = nlohmann::json::array();
        for (const auto& t : topics)
            matchers.push_back({{"match", t}});
        details.push_back({{"type", "https://mercure.rocks/authorization-detail"},
                           {"actions", {action}},
                           {"topics", matchers}});
    };
    add("publish", publish);
    add("subscribe", subscribe);
    claims["mercure"] = mercure;
    claims["authorization_details"] = details;
    return claims.dump();
}

} // namespace

std::optional<int> run_token_command(int argc, const char* const* argv) {
    if (argc < 2 || std::string_view(argv[1]) != "token")
        return std::nullopt;

    CLI::App cli{"Make an access token for herald's hub (a JWS, printed on stdout).\n"
                 "Example: herald token --key \"$KEY\" --publish '*' --subscribe '*'",
                 "herald token"};
    std::string key, key_file, alg_name = "HS256", ttl_text = "1h", subject, issuer, audience;
    std::vector<std::string> publish, subscribe;
    auto* key_opt = cli.add_option("--key", key,
                                   "HS256: the shared secret (the hub's "
                                   "--publisher-jwt-key or --subscriber-jwt-key)");
    cli.add_option("--key-file", key_file, "RS256/ES256: the PEM private key")->excludes(key_opt);
    cli.add_option("--jwt-algorithm", alg_name, "HS256, RS256 or ES256")->capture_default_str();
    cli.add_option("--publish", publish,
                   "a topic matcher the token may publish to (repeatable; "
                   "'*' for every topic)");
    cli.add_option("--subscribe", subscribe,
                   "a topic matcher whose private updates the token may receive (repeatable)");
    cli.add_option("--ttl", ttl_text, "lifetime (exp claim); 0: no expiry")->capture_default_str();
    cli.add_option("--subject", subject, "the sub claim");
    cli.add_option("--issuer", issuer, "the iss claim");
    cli.add_option("--audience", audience, "the aud claim");
    try {
        cli.parse(argc - 1, argv + 1);
    } catch (const CLI::ParseError& e) {
        return cli.exit(e);
    }

    const auto alg = auth::algorithm_from_name(alg_name);
    if (!alg) {
        std::fprintf(stderr, "herald token: --jwt-algorithm: unknown algorithm '%s'\n",
                     alg_name.c_str());
        return 2;
    }
    const auto ttl = parse_duration(ttl_text);
    if (!ttl) {
        std::fprintf(stderr, "herald token: --ttl: '%s' is not a duration (1h, 30m, 0)\n",
                     ttl_text.c_str());
        return 2;
    }
    if (publish.empty() && subscribe.empty()) {
        std::fprintf(stderr, "herald token: give --publish and/or --subscribe\n");
        return 2;
    }
    std::string material = key;
    if (!key_file.empty()) {
        std::ifstream in(key_file, std::ios::binary);
        if (!in) {
            std::fprintf(stderr, "herald token: --key-file: cannot read '%s'\n", key_file.c_str());
            return 2;
        }
        std::ostringstream text;
        text << in.rdbuf();
        material = text.str();
        if (material.empty()) {
            std::fprintf(stderr, "herald token: --key-file: '%s' holds no key\n", key_file.c_str());
            return 2;
        }
    }
    if (material.empty()) {
        std::fprintf(stderr, "herald token: give --key (HS256) or --key-file (RS256, ES256)\n");
        return 2;
    }
    std::string error;
    const auto signer = auth::signer::create(*alg, material, error);
    if (!signer) {
        std::fprintf(stderr, "herald token: %s: %s\n", key_file.empty() ? "--key" : "--key-file",
                     error.c_str());
        return 2;
    }
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(*ttl);
    std::cout << signer->sign(make_claims(publish, subscribe, seconds, subject, issuer, audience))
              << '\n';
    return 0;
}

} // namespace herald::app
