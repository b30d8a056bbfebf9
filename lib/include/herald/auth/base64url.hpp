// herald/auth/base64url.hpp — the base64url encoding of JWS (RFC 7515 §2).
//
// JWS compact serialisation uses base64url without padding. Decoding is
// strict: one spelling per byte string, so a token cannot be re-encoded into
// a different string that verifies the same (a second valid spelling would
// defeat any cache or replay list keyed by the token text).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace herald::auth {

/// Encodes `bytes` as base64url without padding.
std::string base64url_encode(std::string_view bytes);

/// Decodes base64url text. Empty when the text has a character outside
/// `A-Z a-z 0-9 - _` (padding `=` included), a length of 4n+1, or non-zero
/// unused bits in its last character (a non-canonical spelling).
std::optional<std::string> base64url_decode(std::string_view text);

} // namespace herald::auth
