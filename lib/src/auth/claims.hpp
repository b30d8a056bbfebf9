// claims.hpp (internal) — Mercure's grants read from a token's claims.
#pragma once

#include "herald/auth/permissions.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace herald::auth::detail {

/// Reads the grants of `claims` (a JSON object) into `out`, as `mode` says.
/// False when a claim is malformed or over a limit, with the reason in
/// `detail`: the whole token is then refused, never partly accepted.
bool read_permissions(const nlohmann::json& claims, claims_mode mode,
                      const permission_limits& limits, permissions& out, std::string& detail);

} // namespace herald::auth::detail
