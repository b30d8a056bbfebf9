// herald/auth/permissions.hpp — what an access token allows: Mercure's grants.
//
// Two claim styles exist. Draft-08 (the current specification) carries an
// RFC 9396 `authorization_details` array; its entries of type
// `https://mercure.rocks/authorization-detail` hold `actions` and a topic
// matcher list `topics: [{"match": ..., "match_type": ...}]`, and optionally a
// `payload` object. Draft-07 (hubs up to v0.24) carries a `mercure` claim (or
// its namespaced twin `https://mercure.rocks/`) with `publish` and
// `subscribe` arrays of topic selectors and a token-wide `payload`.
//
// Both are read into one shape, in token order. This component only reads
// and validates the claims (types, sizes, characters, known matcher types);
// compiling a `urlpattern` or URI template is herald_match's job, and a
// pattern that fails to compile must also make the hub refuse the token
// (invalid_token, never a partial grant).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace herald::auth {

/// One topic matcher from a token.
///
/// `type` is one of:
/// - `"exact"`: byte-for-byte comparison (draft-08 `match_type` exact or absent);
/// - `"urlpattern"`: a WHATWG URL pattern (draft-08);
/// - `"topic"`: a draft-07 topic selector given as a bare string. It matches a
///   topic that is byte-for-byte equal to it OR that matches it as an RFC 6570
///   URI template, which is what the reference hub does with these selectors.
///   The hub compiles it as both an exact matcher and a `uritemplate`.
///
/// Whatever the type, the pattern `*` is the reserved wildcard and matches
/// every topic; it is kept as is, never rewritten.
struct selector {
    std::string type;
    std::string pattern;
    /// The serialised JSON payload of the grant this selector came from:
    /// draft-08 `payload` of a subscribe detail, or (draft-07 object form)
    /// the entry's own `payload`. Empty for publish selectors and for grants
    /// without one.
    std::optional<std::string> payload;

    bool operator==(const selector&) const = default;
};

/// Where permissions came from.
enum class claims_source {
    none,                  ///< neither claim: the token grants nothing
    authorization_details, ///< draft-08
    mercure_claim,         ///< draft-07 `mercure` (or `https://mercure.rocks/`)
};

/// A token's grants.
struct permissions {
    /// Topics the token may publish to: a publish must match one of these
    /// for every topic of the update.
    std::vector<selector> publish;
    /// Topics the token may receive private updates for, in token order.
    /// Draft-08 payload selection ("the payload of the first subscribe
    /// authorization detail whose topics match the subscription's matcher")
    /// is: the payload of the first selector here that matches.
    std::vector<selector> subscribe;
    /// Draft-07 `mercure.payload`, serialised: the token-wide payload, used
    /// when no selector's own payload applies. Empty when absent or null.
    std::optional<std::string> payload;
    claims_source source = claims_source::none;
};

/// Limits on Mercure's claims. Over any, the token is refused (bad_claims),
/// as the specification requires ("Tokens exceeding any such limit MUST be
/// rejected as invalid tokens").
struct permission_limits {
    std::size_t max_details = 100;           ///< Mercure authorization details
    std::size_t max_topics = 100;            ///< topics summed over all details
    std::size_t max_legacy_selectors = 1000; ///< per draft-07 publish/subscribe array
    std::size_t max_pattern_bytes = 4096;    ///< one pattern's length
};

/// Which claim styles a verifier reads.
enum class claims_mode {
    /// `authorization_details` when the token has a non-empty one; otherwise
    /// the draft-07 `mercure` claim. This is the reference hub's precedence
    /// in compatibility mode: the legacy claim is ignored whenever
    /// `authorization_details` is present.
    both,
    draft08, ///< only `authorization_details`; a `mercure` claim grants nothing
    draft07, ///< only the `mercure` claim; `authorization_details` is ignored
};

} // namespace herald::auth
