// libFuzzer target: arbitrary text through herald_auth's token code.
//
// Four shapes of input, picked by the first byte: a raw token (verified by an
// HS256 and an ES256 verifier), claims JSON that the fuzzer's own HS256 key
// signs (so the claims and Mercure grant readers see arbitrary input behind a
// valid signature), a header and claims pair signed the same way, and
// Authorization / Cookie field values. No input may crash, leak or break
// these invariants:
// - base64url decoding is canonical: what decodes re-encodes to the input;
// - extracted tokens and cookie values are slices of the field they came from;
// - an accepted token's selectors have one of the three documented types and
//   a non-expired exp.
#include "herald/auth/base64url.hpp"
#include "herald/auth/bearer.hpp"
#include "herald/auth/signer.hpp"
#include "herald/auth/verifier.hpp"

#include "invariant.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <chrono>
#include <optional>
#include <string>

namespace {

using namespace herald::auth;

using herald::fuzz::expect;
using herald::fuzz::fail;

constexpr const char* secret = "jwt_fuzz secret, 32 bytes or more, for HS256";

// A test-only P-256 key (tests/auth/data/ec_public.pem).
constexpr const char* ec_public = R"(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEPvSr+/dkb83appIMUgCNPjpqDZi8
d8b7pNBGvoCBjzDZYFTyameKEqZLhlRM5j1Ie21AgATrSD/qmrXNHMit6g==
-----END PUBLIC KEY-----
)";

const std::chrono::system_clock::time_point now{std::chrono::seconds(1767225600)};

struct fixture {
    verifier hs256;
    verifier es256;
    signer sign;

    static fixture make() {
        std::string error;
        auto h = verifier::create(algorithm::hs256, secret, {}, error);
        auto e = verifier::create(algorithm::es256, ec_public, {}, error);
        auto s = signer::create(algorithm::hs256, secret, error);
        if (!h || !e || !s)
            fail(error.c_str());
        return {*h, *e, *s};
    }
};

const fixture& the_fixture() {
    static const fixture f = fixture::make();
    return f;
}

bool inside(std::string_view part, std::string_view whole) {
    return part.empty() || (part.data() >= whole.data() &&
                            part.data() + part.size() <= whole.data() + whole.size());
}

void check_accepted(const verify_result& r) {
    if (!r.ok())
        return;
    if (r.token.expires_at)
        expect(*r.token.expires_at > now, "an accepted token has expired");
    for (const auto* list : {&r.token.grants.publish, &r.token.grants.subscribe})
        for (const auto& s : *list)
            expect(s.type == "exact" || s.type == "urlpattern" || s.type == "topic",
                   "a selector has an undocumented type");
}

void check_base64url(std::string_view text) {
    if (const auto decoded = base64url_decode(text))
        expect(base64url_encode(*decoded) == text, "base64url decoding is not canonical");
    const auto encoded = base64url_encode(text);
    const auto back = base64url_decode(encoded);
    expect(back && *back == text, "base64url does not round-trip");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto& f = the_fixture();
    FuzzedDataProvider in(data, size);
    const int shape = in.ConsumeIntegralInRange(0, 3);
    switch (shape) {
    case 0: {
        const auto token = in.ConsumeRemainingBytesAsString();
        check_base64url(token);
        check_accepted(f.hs256.verify(token, now));
        check_accepted(f.es256.verify(token, now));
        (void)unverified_issuer(token);
        break;
    }
    case 1: {
        const auto claims = in.ConsumeRemainingBytesAsString();
        check_accepted(f.hs256.verify(f.sign.sign(claims), now));
        break;
    }
    case 2: {
        const auto header = in.ConsumeRandomLengthString(512);
        const auto claims = in.ConsumeRemainingBytesAsString();
        check_accepted(f.hs256.verify(f.sign.sign_with_header(header, claims), now));
        break;
    }
    default: {
        const auto authorization = in.ConsumeRandomLengthString(1024);
        const auto cookie = in.ConsumeRemainingBytesAsString();
        if (const auto t = bearer_token(authorization))
            expect(!t->empty() && inside(*t, authorization), "bearer token outside its field");
        for (const auto name : {draft08_cookie_name, draft07_cookie_name}) {
            if (const auto v = cookie_value(cookie, name))
                expect(inside(*v, cookie), "cookie value outside its field");
        }
        const auto t = find_token(std::string_view(authorization), std::string_view(cookie));
        expect(t.from == presented_token::source::header, "the header must win");
        const auto c = find_token(std::nullopt, std::string_view(cookie), draft07_cookie_name);
        expect(c.from != presented_token::source::header && inside(c.token, cookie),
               "a cookie token outside its field");
        break;
    }
    }
    return 0;
}
