// The verifier, attacks first. Besides RFC 7515/7519/8725 cases, these carry
// over dunglas/mercure's authorization_test.go (TestAuthorizeRejectsNonAccessToken,
// TestAuthorizeAcceptsMixedCaseATJWTType, TestAuthorizeRejectsWrongAudience,
// TestAuthorizeRejectsMissingAudience, TestAuthorizeRejectsMissingExpiration,
// TestAuthorizeRejectsUntrustedIssuer, TestAuthorizeAcceptsTrustedIssuer) and
// jwtkeyfunc_test.go (empty and invalid RSA keys).
#include "herald/auth/verifier.hpp"

#include "auth_support.hpp"
#include "catch.hpp"
#include "herald/auth/base64url.hpp"
#include "herald/auth/signer.hpp"

#include <nlohmann/json.hpp>
#include <openssl/hmac.h>

#include <atomic>
#include <cstring>
#include <thread>

using namespace herald::auth;
using auth_test::now;
using auth_test::now_seconds;
using auth_test::read_data;
using nlohmann::json;

namespace {

json claims_valid_for_an_hour() {
    return {{"iss", "https://example.com"},
            {"sub", "urn:uuid:bb3de268-05b0-4c65-b44e-8f9acefc29d6"},
            {"aud", "https://hub.example.com/.well-known/mercure"},
            {"iat", now_seconds - 60},
            {"exp", now_seconds + 3600}};
}

std::string hs256(const json& claims, std::string_view typ = "at+jwt") {
    return auth_test::hs256_signer().sign(claims.dump(), typ);
}

std::string hs256_header(const json& header, const json& claims) {
    return auth_test::hs256_signer().sign_with_header(header.dump(), claims.dump());
}

token_error error_of(const verifier& v, std::string_view token) {
    const auto r = v.verify(token, now());
    INFO(r.detail);
    return r.error;
}

struct key_pair {
    algorithm alg;
    const char* private_key;
    const char* public_key;
    const char* other_private_key;
};

const key_pair key_pairs[] = {
    {algorithm::rs256, "rsa_private.pem", "rsa_public.pem", "rsa_other_private.pem"},
    {algorithm::es256, "ec_private.pem", "ec_public.pem", "ec_other_private.pem"},
    {algorithm::eddsa, "ed25519_private.pem", "ed25519_public.pem", nullptr},
};

} // namespace

TEST_CASE("a valid token of each algorithm verifies, with its registered claims read") {
    const auto claims = claims_valid_for_an_hour().dump();
    std::vector<std::pair<signer, verifier>> pairs;
    pairs.emplace_back(auth_test::hs256_signer(), auth_test::hs256_verifier());
    for (const auto& kp : key_pairs)
        pairs.emplace_back(auth_test::make_signer(kp.alg, read_data(kp.private_key)),
                           auth_test::make_verifier(kp.alg, read_data(kp.public_key)));
    for (const auto& [s, v] : pairs) {
        INFO(name(s.alg()));
        const auto r = v.verify(s.sign(claims), now());
        INFO(r.detail);
        REQUIRE(r.ok());
        CHECK(r.token.typ == "at+jwt");
        CHECK(r.token.issuer == "https://example.com");
        CHECK(r.token.subject == "urn:uuid:bb3de268-05b0-4c65-b44e-8f9acefc29d6");
        CHECK(r.token.audience ==
              std::vector<std::string>{"https://hub.example.com/.well-known/mercure"});
        REQUIRE(r.token.expires_at);
        CHECK(*r.token.expires_at == now() + std::chrono::hours(1));
        CHECK_FALSE(r.token.not_before);
        CHECK(r.token.grants.source == claims_source::none);
    }
}

TEST_CASE("ES256 signatures are the 64-byte R || S of RFC 7518, not DER") {
    const auto s = auth_test::make_signer(algorithm::es256, read_data("ec_private.pem"));
    const auto token = s.sign(claims_valid_for_an_hour().dump());
    const auto signature = base64url_decode(token.substr(token.rfind('.') + 1));
    REQUIRE(signature);
    CHECK(signature->size() == 64);
}

TEST_CASE("a token signed with another key of the same algorithm is refused") {
    const auto claims = claims_valid_for_an_hour().dump();
    for (const auto& kp : key_pairs) {
        if (!kp.other_private_key)
            continue;
        INFO(name(kp.alg));
        const auto other = auth_test::make_signer(kp.alg, read_data(kp.other_private_key));
        const auto v = auth_test::make_verifier(kp.alg, read_data(kp.public_key));
        CHECK(error_of(v, other.sign(claims)) == token_error::bad_signature);
    }
    const auto other_secret =
        auth_test::make_signer(algorithm::hs256, "another secret of 32 bytes or more!!");
    CHECK(error_of(auth_test::hs256_verifier(), other_secret.sign(claims)) ==
          token_error::bad_signature);
}

TEST_CASE("an RS256 verifier also takes a PKCS#1 public key or a certificate") {
    const auto s = auth_test::make_signer(algorithm::rs256, read_data("rsa_private.pem"));
    const auto token = s.sign(claims_valid_for_an_hour().dump());
    CHECK(auth_test::make_verifier(algorithm::rs256, read_data("rsa_public_pkcs1.pem"))
              .verify(token, now())
              .ok());
    CHECK(auth_test::make_verifier(algorithm::rs256, read_data("rsa_cert.pem"))
              .verify(token, now())
              .ok());
    const auto es = auth_test::make_signer(algorithm::es256, read_data("ec_private.pem"));
    CHECK(auth_test::make_verifier(algorithm::es256, read_data("ec_cert.pem"))
              .verify(es.sign(claims_valid_for_an_hour().dump()), now())
              .ok());
}

TEST_CASE("a changed header, payload or signature breaks the signature") {
    const auto token = hs256(claims_valid_for_an_hour());
    const auto v = auth_test::hs256_verifier();
    const auto dot1 = token.find('.');
    const auto dot2 = token.rfind('.');
    // Claims with a different subject, keeping the original signature.
    auto claims = claims_valid_for_an_hour();
    claims["sub"] = "someone else";
    const auto forged =
        token.substr(0, dot1 + 1) + base64url_encode(claims.dump()) + token.substr(dot2);
    CHECK(error_of(v, forged) == token_error::bad_signature);
    // The same header re-spelled (whitespace) is another signing input.
    const auto respelled =
        base64url_encode(R"({ "alg":"HS256","typ":"at+jwt"})") + token.substr(dot1);
    CHECK(error_of(v, respelled) == token_error::bad_signature);
    // A truncated or empty signature.
    CHECK(error_of(v, token.substr(0, token.size() - 3)) == token_error::bad_signature);
    CHECK(error_of(v, token.substr(0, dot2 + 1)) == token_error::bad_signature);
}

TEST_CASE("an ES256 signature of the wrong length or in DER is refused") {
    const auto s = auth_test::make_signer(algorithm::es256, read_data("ec_private.pem"));
    const auto v = auth_test::make_verifier(algorithm::es256, read_data("ec_public.pem"));
    const auto token = s.sign(claims_valid_for_an_hour().dump());
    const auto dot2 = token.rfind('.');
    const auto raw = *base64url_decode(token.substr(dot2 + 1));
    CHECK(error_of(v, token.substr(0, dot2 + 1) + base64url_encode(raw.substr(0, 63))) ==
          token_error::bad_signature);
    CHECK(error_of(v, token.substr(0, dot2 + 1) + base64url_encode(raw + std::string(1, '\0'))) ==
          token_error::bad_signature);
    // R = S = 0 must not pass.
    CHECK(error_of(v, token.substr(0, dot2 + 1) + base64url_encode(std::string(64, '\0'))) ==
          token_error::bad_signature);
    // A DER ECDSA-Sig-Value of the right R and S, as OpenSSL makes it.
    std::string der = "\x30\x44\x02\x20" + raw.substr(0, 32) + "\x02\x20" + raw.substr(32);
    if ((raw[0] & 0x80) == 0 && (raw[32] & 0x80) == 0)
        CHECK(error_of(v, token.substr(0, dot2 + 1) + base64url_encode(der)) ==
              token_error::bad_signature);
}

TEST_CASE("alg none is refused, however it is spelled and whatever the signature") {
    const auto v = auth_test::hs256_verifier();
    const auto claims = base64url_encode(claims_valid_for_an_hour().dump());
    for (const char* alg : {"none", "None", "NONE", "nOnE"}) {
        INFO(alg);
        const auto header = base64url_encode(json{{"alg", alg}, {"typ", "at+jwt"}}.dump());
        CHECK(error_of(v, header + "." + claims + ".") == token_error::unsupported_alg);
        CHECK(error_of(v, header + "." + claims + ".c2ln") == token_error::unsupported_alg);
    }
}

TEST_CASE("a header without alg, or with alg of another type, is refused") {
    const auto v = auth_test::hs256_verifier();
    const auto claims = claims_valid_for_an_hour();
    CHECK(error_of(v, hs256_header({{"typ", "at+jwt"}}, claims)) == token_error::unsupported_alg);
    CHECK(error_of(v, hs256_header({{"alg", 256}}, claims)) == token_error::unsupported_alg);
    CHECK(error_of(v, hs256_header({{"alg", {"HS256"}}}, claims)) == token_error::unsupported_alg);
    CHECK(error_of(v, hs256_header({{"alg", "hs256"}}, claims)) == token_error::unsupported_alg);
    CHECK(error_of(v, hs256_header({{"alg", "HS384"}}, claims)) == token_error::unsupported_alg);
}

TEST_CASE("algorithm confusion: an HS256 token keyed with the RSA public key is refused") {
    // The classic attack: the public key is public, so an attacker computes
    // HMAC-SHA-256 with its PEM text as the secret and hopes the verifier
    // takes its algorithm from the token.
    const auto pem = read_data("rsa_public.pem");
    const auto header = base64url_encode(R"({"alg":"HS256","typ":"at+jwt"})");
    const auto input = header + "." + base64url_encode(claims_valid_for_an_hour().dump());
    unsigned char mac[32];
    unsigned int size = 0;
    HMAC(EVP_sha256(), pem.data(), static_cast<int>(pem.size()),
         reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &size);
    const auto forged =
        input + "." + base64url_encode(std::string(reinterpret_cast<char*>(mac), size));

    const auto rs = auth_test::make_verifier(algorithm::rs256, pem);
    CHECK(error_of(rs, forged) == token_error::unsupported_alg);
    const auto es = auth_test::make_verifier(algorithm::es256, read_data("ec_public.pem"));
    CHECK(error_of(es, forged) == token_error::unsupported_alg);

    // And a hub cannot be configured into the vulnerable state: a PEM block
    // is refused as an HS256 secret.
    std::string error;
    CHECK_FALSE(verifier::create(algorithm::hs256, pem, {}, error));
    CHECK(error.find("PEM") != std::string::npos);
}

TEST_CASE("algorithm confusion: asymmetric tokens are refused by an HS256 verifier") {
    const auto claims = claims_valid_for_an_hour().dump();
    const auto v = auth_test::hs256_verifier();
    for (const auto& kp : key_pairs) {
        INFO(name(kp.alg));
        const auto s = auth_test::make_signer(kp.alg, read_data(kp.private_key));
        CHECK(error_of(v, s.sign(claims)) == token_error::unsupported_alg);
    }
    // RS256 and ES256 between themselves.
    const auto rs = auth_test::make_signer(algorithm::rs256, read_data("rsa_private.pem"));
    const auto es_v = auth_test::make_verifier(algorithm::es256, read_data("ec_public.pem"));
    CHECK(error_of(es_v, rs.sign(claims)) == token_error::unsupported_alg);
}

TEST_CASE("a verifier refuses a key that does not fit its algorithm") {
    std::string error;
    CHECK_FALSE(verifier::create(algorithm::rs256, read_data("ec_public.pem"), {}, error));
    CHECK(error == "RS256 needs an RSA key");
    CHECK_FALSE(verifier::create(algorithm::es256, read_data("rsa_public.pem"), {}, error));
    CHECK(error == "ES256 needs an EC key on P-256");
    CHECK_FALSE(verifier::create(algorithm::es256, read_data("ec384_public.pem"), {}, error));
    CHECK(error == "ES256 needs an EC key on P-256");
    CHECK_FALSE(verifier::create(algorithm::eddsa, read_data("ec_public.pem"), {}, error));
    CHECK_FALSE(verifier::create(algorithm::rs256, read_data("rsa1024_public.pem"), {}, error));
    CHECK(error == "the RSA key is shorter than 2048 bits");
    verifier_options small;
    small.min_rsa_bits = 1024;
    CHECK(verifier::create(algorithm::rs256, read_data("rsa1024_public.pem"), small, error));
    CHECK_FALSE(verifier::create(algorithm::rs256, "not a key", {}, error));
    CHECK_FALSE(verifier::create(algorithm::rs256, "", {}, error));
    // A private key is not a public key.
    CHECK_FALSE(verifier::create(algorithm::rs256, read_data("rsa_private.pem"), {}, error));
}

TEST_CASE("an HS256 secret shorter than the hash is refused unless the minimum is lowered") {
    std::string error;
    CHECK_FALSE(verifier::create(algorithm::hs256, "short", {}, error));
    CHECK_FALSE(verifier::create(algorithm::hs256, std::string(31, 'k'), {}, error));
    CHECK(verifier::create(algorithm::hs256, std::string(32, 'k'), {}, error));
    verifier_options lowered;
    lowered.min_hmac_key_bytes = 5;
    CHECK(verifier::create(algorithm::hs256, "short", lowered, error));
    lowered.min_hmac_key_bytes = 0;
    CHECK_FALSE(verifier::create(algorithm::hs256, "", lowered, error));
}

TEST_CASE("typ may be absent, JWT or at+jwt by default, in any case, application/ or not") {
    const auto v = auth_test::hs256_verifier();
    const auto claims = claims_valid_for_an_hour();
    for (const char* typ : {"", "JWT", "jwt", "at+jwt", "AT+JWT", "application/at+jwt",
                            "Application/AT+JWT", "application/jwt"}) {
        INFO(typ);
        CHECK(error_of(v, hs256(claims, typ)) == token_error::none);
    }
}

TEST_CASE("typ must be at+jwt under the access_token policy (draft-08, RFC 9068)") {
    verifier_options o;
    o.typ = typ_policy::access_token;
    const auto v = auth_test::hs256_verifier(o);
    const auto claims = claims_valid_for_an_hour();
    CHECK(error_of(v, hs256(claims, "at+jwt")) == token_error::none);
    CHECK(error_of(v, hs256(claims, "application/AT+JWT")) == token_error::none);
    CHECK(error_of(v, hs256(claims, "JWT")) == token_error::bad_typ);
    CHECK(error_of(v, hs256(claims, "")) == token_error::bad_typ);
}

TEST_CASE("another typ is refused: an ID token or a JOSE object is not an access token") {
    const auto v = auth_test::hs256_verifier();
    const auto claims = claims_valid_for_an_hour();
    for (const char* typ : {"JOSE", "id_token+jwt", "at+jwt ", "application/", "at+jwt;q=1",
                            "secevent+jwt", "application/application/at+jwt"}) {
        INFO(typ);
        CHECK(error_of(v, hs256(claims, typ)) == token_error::bad_typ);
    }
    CHECK(error_of(v, hs256_header({{"alg", "HS256"}, {"typ", 1}}, claims)) ==
          token_error::bad_typ);
    CHECK(error_of(v, hs256_header({{"alg", "HS256"}, {"typ", nullptr}}, claims)) ==
          token_error::bad_typ);
}

TEST_CASE("a crit header is refused, empty or not, since no extension is understood") {
    const auto v = auth_test::hs256_verifier();
    const auto claims = claims_valid_for_an_hour();
    CHECK(error_of(v, hs256_header({{"alg", "HS256"}, {"crit", {"exp"}}, {"exp", 1}}, claims)) ==
          token_error::unsupported_crit);
    CHECK(error_of(v, hs256_header({{"alg", "HS256"}, {"crit", json::array()}}, claims)) ==
          token_error::unsupported_crit);
    // RFC 7797 unencoded payloads need crit: refused with it.
    CHECK(error_of(v, hs256_header({{"alg", "HS256"}, {"b64", false}, {"crit", {"b64"}}},
                                   claims)) == token_error::unsupported_crit);
}

TEST_CASE("key material inside the token (jwk, jku, x5u, x5c, kid) is never used") {
    // Signed with the configured key, so valid; then signed with another key
    // that the header names: still only the configured key counts.
    const auto v = auth_test::make_verifier(algorithm::rs256, read_data("rsa_public.pem"));
    const auto other = auth_test::make_signer(algorithm::rs256, read_data("rsa_other_private.pem"));
    const json header = {{"alg", "RS256"},
                         {"jku", "https://attacker.example/jwks.json"},
                         {"x5u", "https://attacker.example/cert.pem"},
                         {"kid", "../../other"},
                         {"jwk", {{"kty", "RSA"}, {"n", "AQAB"}, {"e", "AQAB"}}}};
    CHECK(error_of(v, other.sign_with_header(header.dump(), claims_valid_for_an_hour().dump())) ==
          token_error::bad_signature);
}

TEST_CASE("a token is three non-empty dot-separated parts, no more, no fewer") {
    const auto v = auth_test::hs256_verifier();
    const auto token = hs256(claims_valid_for_an_hour());
    const auto dot1 = token.find('.');
    const auto dot2 = token.rfind('.');
    CHECK(error_of(v, "") == token_error::malformed);
    CHECK(error_of(v, ".") == token_error::malformed);
    CHECK(error_of(v, "..") == token_error::malformed);
    CHECK(error_of(v, "...") == token_error::malformed);
    CHECK(error_of(v, token.substr(0, dot2)) == token_error::malformed); // 2 parts
    CHECK(error_of(v, token + ".") == token_error::malformed);           // 4 parts
    CHECK(error_of(v, token + ".c2ln") == token_error::malformed);       // 4 parts
    CHECK(error_of(v, token.substr(0, dot1) + ".." + token.substr(dot2 + 1)) ==
          token_error::malformed);
    CHECK(error_of(v, token.substr(dot1)) == token_error::malformed); // empty header
    // JWE compact form has five parts.
    CHECK(error_of(v, token + ".a.b") == token_error::malformed);
}

TEST_CASE("trailing garbage, whitespace or padding after a valid token is refused") {
    const auto v = auth_test::hs256_verifier();
    const auto token = hs256(claims_valid_for_an_hour());
    REQUIRE(error_of(v, token) == token_error::none);
    CHECK(error_of(v, token + " ") == token_error::bad_base64);
    CHECK(error_of(v, token + "\n") == token_error::bad_base64);
    CHECK(error_of(v, " " + token) == token_error::bad_base64);
    CHECK(error_of(v, token + "=") == token_error::bad_base64);
    CHECK(error_of(v, token + "==") == token_error::bad_base64);
    CHECK(error_of(v, token + std::string(1, '\0')) == token_error::bad_base64);
    // One more base64url character changes the signature's bytes.
    CHECK(error_of(v, token + "A") != token_error::none);
}

TEST_CASE("padded or non-canonical base64url in the header or claims is refused") {
    const auto v = auth_test::hs256_verifier();
    auto s = auth_test::hs256_signer();
    // A header whose encoding needs padding: 16 bytes.
    const std::string header = R"({"alg":"HS256" })";
    const auto claims = base64url_encode(claims_valid_for_an_hour().dump());
    const auto padded_input = base64url_encode(header) + "==." + claims;
    // Signed over the padded text, so only the encoding is wrong.
    unsigned char mac[32];
    unsigned int size = 0;
    HMAC(EVP_sha256(), auth_test::hs256_secret, int(std::strlen(auth_test::hs256_secret)),
         reinterpret_cast<const unsigned char*>(padded_input.data()), padded_input.size(), mac,
         &size);
    CHECK(error_of(v, padded_input + "." +
                          base64url_encode(std::string(reinterpret_cast<char*>(mac), size))) ==
          token_error::bad_base64);
    // Standard base64's alphabet in the header.
    const auto token = s.sign(claims_valid_for_an_hour().dump());
    auto plus = token;
    plus[2] = '+';
    CHECK(error_of(v, plus) == token_error::bad_base64);
}

TEST_CASE("a header or claims that are not a JSON object are refused") {
    const auto v = auth_test::hs256_verifier();
    auto s = auth_test::hs256_signer();
    const auto claims = claims_valid_for_an_hour().dump();
    CHECK(error_of(v, s.sign_with_header("{", claims)) == token_error::bad_json);
    CHECK(error_of(v, s.sign_with_header("[\"HS256\"]", claims)) == token_error::bad_json);
    CHECK(error_of(v, s.sign_with_header("\"HS256\"", claims)) == token_error::bad_json);
    CHECK(error_of(v, s.sign_with_header(R"({"alg":"HS256"} {})", claims)) ==
          token_error::bad_json);
    CHECK(error_of(v, s.sign_with_header(R"({"alg":"HS256",})", claims)) == token_error::bad_json);
    CHECK(error_of(v, s.sign_with_header(R"({"alg":"HS256"} /* c */)", claims)) ==
          token_error::bad_json);
    const std::string header = R"({"alg":"HS256"})";
    CHECK(error_of(v, s.sign_with_header(header, "[]")) == token_error::bad_json);
    CHECK(error_of(v, s.sign_with_header(header, "null")) == token_error::bad_json);
    CHECK(error_of(v, s.sign_with_header(header, "")) == token_error::malformed);
    CHECK(error_of(v, s.sign_with_header(header, "{\"exp\":1e999}")) == token_error::bad_json);
    CHECK(error_of(v, s.sign_with_header(header, "{\"sub\":\"\xff\"}")) == token_error::bad_json);
    CHECK(error_of(v, s.sign_with_header(header, R"({"sub":"\ud800"})")) == token_error::bad_json);
}

TEST_CASE("a repeated member name is refused: no two parsers may disagree on the token") {
    const auto v = auth_test::hs256_verifier();
    auto s = auth_test::hs256_signer();
    const auto claims = claims_valid_for_an_hour().dump();
    CHECK(error_of(v, s.sign_with_header(R"({"alg":"none","alg":"HS256"})", claims)) ==
          token_error::bad_json);
    CHECK(error_of(v, s.sign_with_header(R"({"alg":"HS256"})", R"({"exp":1,"exp":99999999999})")) ==
          token_error::bad_json);
    // The same name in two different objects is fine.
    CHECK(error_of(v, s.sign_with_header(R"({"alg":"HS256"})", R"({"a":{"x":1},"b":{"x":1}})")) ==
          token_error::none);
}

TEST_CASE("JSON nested deeper than the limit is refused, at the limit accepted") {
    const auto v = auth_test::hs256_verifier();
    auto s = auth_test::hs256_signer();
    const auto nested = [](int depth) {
        std::string inner =
            std::string(std::size_t(depth - 1), '[') + std::string(std::size_t(depth - 1), ']');
        return "{\"x\":" + (depth > 1 ? inner : std::string("1")) + "}";
    };
    CHECK(error_of(v, s.sign_with_header(R"({"alg":"HS256"})", nested(16))) == token_error::none);
    CHECK(error_of(v, s.sign_with_header(R"({"alg":"HS256"})", nested(17))) ==
          token_error::bad_json);
    CHECK(error_of(v, s.sign_with_header(R"({"alg":"HS256"})", nested(4000))) ==
          token_error::too_large);
    verifier_options o;
    o.max_token_bytes = 1 << 20;
    CHECK(error_of(auth_test::hs256_verifier(o),
                   s.sign_with_header(R"({"alg":"HS256"})", nested(100000))) ==
          token_error::bad_json);
}

TEST_CASE("a token over the size limit is refused before it is decoded") {
    const auto v = auth_test::hs256_verifier();
    CHECK(error_of(v, std::string(8 * 1024 + 1, 'A')) == token_error::too_large);
    auto claims = claims_valid_for_an_hour();
    claims["pad"] = std::string(6000, 'x');
    CHECK(error_of(v, hs256(claims)) == token_error::too_large);
    verifier_options o;
    o.max_token_bytes = 16 * 1024;
    CHECK(error_of(auth_test::hs256_verifier(o), hs256(claims)) == token_error::none);
    claims["pad"] = std::string(5000, 'x');
    CHECK(error_of(v, hs256(claims)) == token_error::none);
}

TEST_CASE("exp is enforced: a token is valid strictly before exp") {
    const auto v = auth_test::hs256_verifier();
    auto claims = claims_valid_for_an_hour();
    claims["exp"] = now_seconds;
    CHECK(error_of(v, hs256(claims)) == token_error::expired);
    claims["exp"] = now_seconds - 3600;
    CHECK(error_of(v, hs256(claims)) == token_error::expired);
    claims["exp"] = now_seconds + 1;
    CHECK(error_of(v, hs256(claims)) == token_error::none);
    // Fractional NumericDates.
    claims["exp"] = double(now_seconds) + 0.5;
    const auto r = v.verify(hs256(claims), now());
    REQUIRE(r.ok());
    CHECK(*r.token.expires_at == now() + std::chrono::milliseconds(500));
    claims["exp"] = double(now_seconds) - 0.5;
    CHECK(error_of(v, hs256(claims)) == token_error::expired);
}

TEST_CASE("the leeway extends exp and advances nbf by the same amount") {
    verifier_options o;
    o.leeway = std::chrono::seconds(30);
    const auto v = auth_test::hs256_verifier(o);
    auto claims = claims_valid_for_an_hour();
    claims["exp"] = now_seconds - 29;
    CHECK(error_of(v, hs256(claims)) == token_error::none);
    claims["exp"] = now_seconds - 30;
    CHECK(error_of(v, hs256(claims)) == token_error::expired);
    claims["exp"] = now_seconds + 60;
    claims["nbf"] = now_seconds + 30;
    CHECK(error_of(v, hs256(claims)) == token_error::none);
    claims["nbf"] = now_seconds + 31;
    CHECK(error_of(v, hs256(claims)) == token_error::not_yet_valid);
}

TEST_CASE("nbf is enforced: a token is valid from nbf on") {
    const auto v = auth_test::hs256_verifier();
    auto claims = claims_valid_for_an_hour();
    claims["nbf"] = now_seconds + 1;
    CHECK(error_of(v, hs256(claims)) == token_error::not_yet_valid);
    claims["nbf"] = now_seconds;
    const auto r = v.verify(hs256(claims), now());
    REQUIRE(r.ok());
    CHECK(r.token.not_before == now());
    claims["nbf"] = double(now_seconds) + 0.25;
    CHECK(error_of(v, hs256(claims)) == token_error::not_yet_valid);
}

TEST_CASE("exp is optional unless required (draft-08 requires it)") {
    auto claims = claims_valid_for_an_hour();
    claims.erase("exp");
    const auto r = auth_test::hs256_verifier().verify(hs256(claims), now());
    REQUIRE(r.ok());
    CHECK_FALSE(r.token.expires_at);
    verifier_options o;
    o.require_exp = true;
    CHECK(error_of(auth_test::hs256_verifier(o), hs256(claims)) == token_error::missing_exp);
    claims["exp"] = nullptr;
    CHECK(error_of(auth_test::hs256_verifier(o), hs256(claims)) == token_error::missing_exp);
}

TEST_CASE("exp and nbf far in the future or past are clamped, never overflow") {
    const auto v = auth_test::hs256_verifier();
    auto claims = claims_valid_for_an_hour();
    claims["exp"] = 1e300;
    auto r = v.verify(hs256(claims), now());
    REQUIRE(r.ok());
    CHECK(*r.token.expires_at == std::chrono::system_clock::time_point::max());
    claims["exp"] = 18446744073709551615ull;
    r = v.verify(hs256(claims), now());
    REQUIRE(r.ok());
    CHECK(*r.token.expires_at == std::chrono::system_clock::time_point::max());
    claims["exp"] = -1e300;
    CHECK(error_of(v, hs256(claims)) == token_error::expired);
    claims["exp"] = now_seconds + 60;
    claims["nbf"] = -1e300;
    r = v.verify(hs256(claims), now());
    REQUIRE(r.ok());
    CHECK(*r.token.not_before == std::chrono::system_clock::time_point::min());
    claims["nbf"] = 1e300;
    CHECK(error_of(v, hs256(claims)) == token_error::not_yet_valid);
}

TEST_CASE("registered claims of the wrong JSON type are refused, iat is ignored") {
    const auto v = auth_test::hs256_verifier();
    const auto with = [](const char* name, json value) {
        auto c = claims_valid_for_an_hour();
        c[name] = std::move(value);
        return hs256(c);
    };
    CHECK(error_of(v, with("exp", "1767229200")) == token_error::bad_claims);
    CHECK(error_of(v, with("exp", true)) == token_error::bad_claims);
    CHECK(error_of(v, with("exp", json::array({now_seconds + 60}))) == token_error::bad_claims);
    CHECK(error_of(v, with("nbf", "0")) == token_error::bad_claims);
    CHECK(error_of(v, with("iss", 1)) == token_error::bad_claims);
    CHECK(error_of(v, with("sub", json::object())) == token_error::bad_claims);
    CHECK(error_of(v, with("aud", 1)) == token_error::bad_claims);
    CHECK(error_of(v, with("aud", json::array({"a", 1}))) == token_error::bad_claims);
    CHECK(error_of(v, with("iat", "yesterday")) == token_error::none);
    CHECK(error_of(v, with("iat", now_seconds + 86400)) == token_error::none);
}

TEST_CASE("iss must be one of the trusted issuers when issuers are configured") {
    verifier_options o;
    o.issuers = {"https://example.com", "https://auth.example.com"};
    const auto v = auth_test::hs256_verifier(o);
    auto claims = claims_valid_for_an_hour();
    CHECK(error_of(v, hs256(claims)) == token_error::none);
    claims["iss"] = "https://auth.example.com";
    CHECK(error_of(v, hs256(claims)) == token_error::none);
    claims["iss"] = "https://evil.example.com";
    CHECK(error_of(v, hs256(claims)) == token_error::bad_issuer);
    claims["iss"] = "https://example.com/";
    CHECK(error_of(v, hs256(claims)) == token_error::bad_issuer);
    claims["iss"] = "HTTPS://EXAMPLE.COM";
    CHECK(error_of(v, hs256(claims)) == token_error::bad_issuer);
    claims.erase("iss");
    CHECK(error_of(v, hs256(claims)) == token_error::bad_issuer);
}

TEST_CASE("aud must name the hub when an audience is configured, as a string or in an array") {
    verifier_options o;
    o.audience = "https://hub.example.com/.well-known/mercure";
    const auto v = auth_test::hs256_verifier(o);
    auto claims = claims_valid_for_an_hour();
    CHECK(error_of(v, hs256(claims)) == token_error::none);
    claims["aud"] = {"https://other.example.com", "https://hub.example.com/.well-known/mercure"};
    const auto r = v.verify(hs256(claims), now());
    REQUIRE(r.ok());
    CHECK(r.token.audience.size() == 2);
    claims["aud"] = "https://other.example.com/.well-known/mercure";
    CHECK(error_of(v, hs256(claims)) == token_error::bad_audience);
    claims["aud"] = json::array();
    CHECK(error_of(v, hs256(claims)) == token_error::bad_audience);
    claims.erase("aud");
    CHECK(error_of(v, hs256(claims)) == token_error::bad_audience);
}

TEST_CASE("unverified_issuer reads iss without checking anything, for choosing a verifier") {
    auto claims = claims_valid_for_an_hour();
    CHECK(unverified_issuer(hs256(claims)) == std::optional<std::string>("https://example.com"));
    claims.erase("iss");
    CHECK_FALSE(unverified_issuer(hs256(claims)));
    CHECK_FALSE(unverified_issuer("garbage"));
    CHECK_FALSE(unverified_issuer(std::string(9000, 'a')));
}

TEST_CASE("one verifier serves many threads at once") {
    const auto es = auth_test::make_signer(algorithm::es256, read_data("ec_private.pem"));
    const auto v = auth_test::make_verifier(algorithm::es256, read_data("ec_public.pem"));
    const auto good = es.sign(claims_valid_for_an_hour().dump());
    auto bad = good;
    bad[bad.size() - 3] = bad[bad.size() - 3] == 'A' ? 'B' : 'A';
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 100; ++i) {
                if (!v.verify(good, now()).ok())
                    ++wrong;
                if (v.verify(bad, now()).ok())
                    ++wrong;
            }
        });
    for (auto& t : threads)
        t.join();
    CHECK(wrong == 0);
}

TEST_CASE("the detail of an alg refusal names both algorithms, the token's made safe to log") {
    const auto r = auth_test::hs256_verifier().verify(
        hs256_header({{"alg", "none\r\nforged"}}, claims_valid_for_an_hour()), now());
    CHECK(r.error == token_error::unsupported_alg);
    CHECK(r.detail == "\"alg\" is \"none??forged\", expected HS256");
}

TEST_CASE("draft08_options enforce what draft-08's Token Validation requires") {
    const auto o =
        draft08_options("https://hub.example.com/.well-known/mercure", {"https://example.com"});
    const auto v = auth_test::hs256_verifier(o);
    auto claims = claims_valid_for_an_hour();
    claims["authorization_details"] = {{{"type", "https://mercure.rocks/authorization-detail"},
                                        {"actions", {"subscribe"}},
                                        {"topics", {{{"match", "*"}}}}}};
    claims["mercure"] = {{"publish", {"*"}}};
    const auto r = v.verify(hs256(claims), now());
    REQUIRE(r.ok());
    CHECK(r.token.grants.subscribe.size() == 1);
    CHECK(r.token.grants.publish.empty());
    CHECK(error_of(v, hs256(claims, "JWT")) == token_error::bad_typ);
    auto no_exp = claims;
    no_exp.erase("exp");
    CHECK(error_of(v, hs256(no_exp)) == token_error::missing_exp);
    auto other_aud = claims;
    other_aud["aud"] = "https://other.example.com/.well-known/mercure";
    CHECK(error_of(v, hs256(other_aud)) == token_error::bad_audience);
    auto other_iss = claims;
    other_iss["iss"] = "https://other.example.com";
    CHECK(error_of(v, hs256(other_iss)) == token_error::bad_issuer);
    // The draft-07 claim grants nothing here.
    claims.erase("authorization_details");
    const auto legacy = v.verify(hs256(claims), now());
    REQUIRE(legacy.ok());
    CHECK(legacy.token.grants.source == claims_source::none);
}

TEST_CASE("ES256 signatures whose R or S start with zero bytes round-trip") {
    // One signature in 128 has a leading zero byte in R or S: 2000 of them
    // leave about one chance in 6 million that no padding is exercised.
    const auto s = auth_test::make_signer(algorithm::es256, read_data("ec_private.pem"));
    const auto v = auth_test::make_verifier(algorithm::es256, read_data("ec_public.pem"));
    int zero_led = 0;
    for (int i = 0; i < 2000; ++i) {
        auto claims = claims_valid_for_an_hour();
        claims["jti"] = i;
        const auto token = s.sign(claims.dump());
        const auto raw = *base64url_decode(token.substr(token.rfind('.') + 1));
        REQUIRE(raw.size() == 64);
        zero_led += raw[0] == '\0' || raw[32] == '\0';
        REQUIRE(v.verify(token, now()).ok());
    }
    CHECK(zero_led > 0);
}
