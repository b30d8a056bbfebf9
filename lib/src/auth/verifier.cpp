#include "herald/auth/verifier.hpp"

#include "claims.hpp"
#include "herald/auth/base64url.hpp"
#include "json.hpp"
#include "keys.hpp"
#include "log_text.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <cmath>

namespace herald::auth {

struct verifier::key {
    std::string secret;    // HS256
    detail::pkey_ptr pkey; // the others
};

namespace {

using json = nlohmann::json;
using clock = std::chrono::system_clock;

struct compact_parts {
    std::string_view header, payload, signature, signing_input;
};

// Exactly three dot-separated parts; header and payload not empty (the
// signature may be, for `alg: none`, which is refused later by name).
std::optional<compact_parts> split(std::string_view token) {
    const auto first = token.find('.');
    if (first == std::string_view::npos)
        return std::nullopt;
    const auto second = token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
        return std::nullopt;
    compact_parts p;
    p.header = token.substr(0, first);
    p.payload = token.substr(first + 1, second - first - 1);
    p.signature = token.substr(second + 1);
    p.signing_input = token.substr(0, second);
    if (p.header.empty() || p.payload.empty())
        return std::nullopt;
    return p;
}

char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

// RFC 7515 §4.1.9: "application/" may be omitted, and media types compare
// case-insensitively.
bool typ_accepted(std::string_view typ, typ_policy policy) {
    constexpr std::string_view prefix = "application/";
    if (typ.size() > prefix.size() && iequals(typ.substr(0, prefix.size()), prefix))
        typ.remove_prefix(prefix.size());
    if (iequals(typ, "at+jwt"))
        return true;
    return policy == typ_policy::jwt_or_access_token && iequals(typ, "jwt");
}

// NumericDate to a time point, clamped to what the clock can represent, so
// that `exp: 1e300` is "never" rather than undefined behaviour.
clock::time_point to_time_point(double seconds) {
    constexpr double limit = 9.0e9; // about year 2255, inside a 64-bit nanosecond clock
    if (seconds >= limit)
        return clock::time_point::max();
    if (seconds <= -limit)
        return clock::time_point::min();
    return clock::time_point(
        std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(seconds)));
}

verify_result fail(token_error e, std::string detail = {}) {
    verify_result r;
    r.error = e;
    r.detail = detail.empty() ? std::string(message(e)) : std::move(detail);
    return r;
}

const json* member(const json& object, const char* name) {
    const auto it = object.find(name);
    return it == object.end() ? nullptr : &*it;
}

} // namespace

std::string_view name(algorithm a) noexcept {
    switch (a) {
    case algorithm::hs256:
        return "HS256";
    case algorithm::rs256:
        return "RS256";
    case algorithm::es256:
        return "ES256";
    case algorithm::eddsa:
        return "EdDSA";
    }
    return "";
}

std::optional<algorithm> algorithm_from_name(std::string_view alg) noexcept {
    for (const auto a : {algorithm::hs256, algorithm::rs256, algorithm::es256, algorithm::eddsa})
        if (name(a) == alg)
            return a;
    return std::nullopt;
}

verifier_options draft08_options(std::string audience, std::vector<std::string> issuers) {
    verifier_options o;
    o.typ = typ_policy::access_token;
    o.require_exp = true;
    o.audience = std::move(audience);
    o.issuers = std::move(issuers);
    o.claims = claims_mode::draft08;
    return o;
}

verifier::verifier(algorithm alg, std::shared_ptr<const key> k, const verifier_options& options)
    : alg_(alg)
    , key_(std::move(k))
    , options_(options) {}

std::optional<verifier> verifier::create(algorithm alg, std::string_view key_material,
                                         const verifier_options& options, std::string& error) {
    auto k = std::make_shared<key>();
    if (alg == algorithm::hs256) {
        if (key_material.empty() || key_material.size() < options.min_hmac_key_bytes) {
            error = "the HS256 secret is shorter than " +
                    std::to_string(std::max<std::size_t>(options.min_hmac_key_bytes, 1)) + " bytes";
            return std::nullopt;
        }
        // Someone who configures a public key as an HMAC secret has set up
        // the algorithm-confusion attack: anyone can sign with public text.
        if (key_material.find("-----BEGIN") != std::string_view::npos) {
            error = "the HS256 secret is a PEM block: use RS256, ES256 or EdDSA with a public key";
            return std::nullopt;
        }
        k->secret = std::string(key_material);
    } else {
        k->pkey = detail::load_public_key(key_material, error);
        if (!k->pkey || !detail::key_fits(alg, k->pkey.get(), options.min_rsa_bits, error))
            return std::nullopt;
    }
    return verifier(alg, std::move(k), options);
}

verify_result verifier::verify(std::string_view token, clock::time_point now) const {
    if (token.size() > options_.max_token_bytes)
        return fail(token_error::too_large);
    const auto parts = split(token);
    if (!parts)
        return fail(token_error::malformed);

    // The header: which algorithm, which type, which extensions.
    const auto header_text = base64url_decode(parts->header);
    if (!header_text)
        return fail(token_error::bad_base64, "the header is not base64url");
    const auto header = detail::parse_strict(*header_text, options_.max_json_depth);
    if (header.is_discarded() || !header.is_object())
        return fail(token_error::bad_json, "the header is not a JSON object");
    const json* alg = member(header, "alg");
    if (!alg || !alg->is_string())
        return fail(token_error::unsupported_alg, "the header has no \"alg\" string");
    if (alg->get_ref<const std::string&>() != name(alg_))
        return fail(token_error::unsupported_alg,
                    "\"alg\" is " + detail::log_text(alg->get_ref<const std::string&>()) +
                        ", expected " + std::string(name(alg_)));
    // RFC 7515 §4.1.11: an extension listed in `crit` that the recipient
    // does not understand makes the JWS invalid, and herald understands none.
    if (member(header, "crit"))
        return fail(token_error::unsupported_crit);
    verify_result result;
    if (const json* typ = member(header, "typ")) {
        if (!typ->is_string() || !typ_accepted(typ->get_ref<const std::string&>(), options_.typ))
            return fail(token_error::bad_typ);
        result.token.typ = typ->get<std::string>();
    } else if (options_.typ == typ_policy::access_token) {
        return fail(token_error::bad_typ, "the header has no \"typ\"");
    }

    // The signature, over the ASCII of `header.payload` as received.
    const auto signature = base64url_decode(parts->signature);
    if (!signature)
        return fail(token_error::bad_base64, "the signature is not base64url");
    bool valid = false;
    if (alg_ == algorithm::hs256) {
        const auto expected = detail::hmac_sha256(key_->secret, parts->signing_input);
        valid = !expected.empty() && signature->size() == expected.size() &&
                CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) == 0;
    } else {
        valid = detail::verify_asymmetric(alg_, key_->pkey.get(), parts->signing_input, *signature);
    }
    if (!valid)
        return fail(token_error::bad_signature);

    // The claims: only read once the signature holds.
    const auto claims_text = base64url_decode(parts->payload);
    if (!claims_text)
        return fail(token_error::bad_base64, "the claims are not base64url");
    const auto claims = detail::parse_strict(*claims_text, options_.max_json_depth);
    if (claims.is_discarded() || !claims.is_object())
        return fail(token_error::bad_json, "the claims are not a JSON object");

    auto& t = result.token;
    const double now_seconds = std::chrono::duration<double>(now.time_since_epoch()).count();
    const double leeway = static_cast<double>(options_.leeway.count());
    if (const json* exp = member(claims, "exp"); exp && !exp->is_null()) {
        if (!exp->is_number())
            return fail(token_error::bad_claims, "\"exp\" is not a number");
        const double value = exp->get<double>();
        // RFC 7519 §4.1.4: valid only while now is before exp.
        if (now_seconds >= value + leeway)
            return fail(token_error::expired);
        t.expires_at = to_time_point(value);
    } else if (options_.require_exp) {
        return fail(token_error::missing_exp);
    }
    if (const json* nbf = member(claims, "nbf"); nbf && !nbf->is_null()) {
        if (!nbf->is_number())
            return fail(token_error::bad_claims, "\"nbf\" is not a number");
        const double value = nbf->get<double>();
        if (now_seconds + leeway < value)
            return fail(token_error::not_yet_valid);
        t.not_before = to_time_point(value);
    }
    if (const json* iss = member(claims, "iss"); iss && !iss->is_null()) {
        if (!iss->is_string())
            return fail(token_error::bad_claims, "\"iss\" is not a string");
        t.issuer = iss->get<std::string>();
    }
    if (!options_.issuers.empty() && std::find(options_.issuers.begin(), options_.issuers.end(),
                                               t.issuer) == options_.issuers.end())
        return fail(token_error::bad_issuer);
    if (const json* sub = member(claims, "sub"); sub && !sub->is_null()) {
        if (!sub->is_string())
            return fail(token_error::bad_claims, "\"sub\" is not a string");
        t.subject = sub->get<std::string>();
    }
    if (const json* aud = member(claims, "aud"); aud && !aud->is_null()) {
        if (aud->is_string()) {
            t.audience.push_back(aud->get<std::string>());
        } else if (aud->is_array()) {
            for (const auto& a : *aud) {
                if (!a.is_string())
                    return fail(token_error::bad_claims,
                                "\"aud\" has a member that is not a string");
                t.audience.push_back(a.get<std::string>());
            }
        } else {
            return fail(token_error::bad_claims, "\"aud\" is neither a string nor an array");
        }
    }
    if (!options_.audience.empty() &&
        std::find(t.audience.begin(), t.audience.end(), options_.audience) == t.audience.end())
        return fail(token_error::bad_audience);

    std::string why;
    if (!detail::read_permissions(claims, options_.claims, options_.limits, t.grants, why))
        return fail(token_error::bad_claims, why);
    return result;
}

std::optional<std::string> unverified_issuer(std::string_view token, std::size_t max_token_bytes) {
    if (token.size() > max_token_bytes)
        return std::nullopt;
    const auto parts = split(token);
    if (!parts)
        return std::nullopt;
    const auto text = base64url_decode(parts->payload);
    if (!text)
        return std::nullopt;
    const auto claims = detail::parse_strict(*text, 16);
    if (claims.is_discarded() || !claims.is_object())
        return std::nullopt;
    const json* iss = member(claims, "iss");
    if (!iss || !iss->is_string())
        return std::nullopt;
    return iss->get<std::string>();
}

} // namespace herald::auth
