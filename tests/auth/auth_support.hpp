// Helpers for the auth tests: test keys from data/, signers, a fixed clock.
#pragma once

#include "herald/auth/signer.hpp"
#include "herald/auth/verifier.hpp"

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace auth_test {

inline std::string read_data(const std::string& file) {
    std::ifstream in(std::string(HERALD_TEST_DATA) + "/" + file, std::ios::binary);
    if (!in)
        throw std::runtime_error("missing test data " + file);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// A fixed "now": 2026-01-01T00:00:00Z.
inline constexpr long long now_seconds = 1767225600;
inline std::chrono::system_clock::time_point now() {
    return std::chrono::system_clock::time_point(std::chrono::seconds(now_seconds));
}

inline constexpr const char* hs256_secret = "0123456789abcdef0123456789abcdef-herald";

inline herald::auth::signer make_signer(herald::auth::algorithm alg, const std::string& key) {
    std::string error;
    auto s = herald::auth::signer::create(alg, key, error);
    if (!s)
        throw std::runtime_error("signer: " + error);
    return *s;
}

inline herald::auth::verifier make_verifier(herald::auth::algorithm alg, const std::string& key,
                                            const herald::auth::verifier_options& options = {}) {
    std::string error;
    auto v = herald::auth::verifier::create(alg, key, options, error);
    if (!v)
        throw std::runtime_error("verifier: " + error);
    return *v;
}

inline herald::auth::signer hs256_signer() {
    return make_signer(herald::auth::algorithm::hs256, hs256_secret);
}
inline herald::auth::verifier hs256_verifier(const herald::auth::verifier_options& options = {}) {
    return make_verifier(herald::auth::algorithm::hs256, hs256_secret, options);
}

} // namespace auth_test
