// tests/support/tokens.hpp — signed tokens for the tests that talk to the hub
// (HS256: the key is a shared secret, so a test signs what the hub verifies).
#pragma once

#include "catch.hpp"
#include "herald/auth/signer.hpp"

#include <string>

namespace herald::test {

/// `claims` (a JSON object) signed with HS256 under `key`.
inline std::string hs256_token(const std::string& key, const std::string& claims) {
    std::string error;
    const auto s = auth::signer::create(auth::algorithm::hs256, key, error);
    INFO(error);
    REQUIRE(s);
    return s->sign(claims);
}

} // namespace herald::test
