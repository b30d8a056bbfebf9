// Tokens signed by the reference hub's test suite (golang-jwt), verified here:
// the keys, certificates and tokens are copied from dunglas/mercure,
// authorization_deprecated_test.go (authTestData), and the expectations from
// its TestAuthorizeAuthorizationHeader, ...WithCert, ...Namespaced and
// ...WrongAlgorithm.
#include "herald/auth/verifier.hpp"

#include "auth_support.hpp"
#include "catch.hpp"

#include <vector>

using namespace herald::auth;

namespace {

struct vector_set {
    const char* alg;
    const char* public_key; // an HMAC secret for HS256
    const char* certificate;
    const char* valid_empty;
    const char* valid;
    const char* valid_for_cert;
    const char* valid_namespaced;
};

const vector_set vectors[] = {
    {"HS256", R"(!ChangeMe!)", R"()",
     "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30._esyynAyo2Z6PyGe0mM_SuQ3c-C7sMQJ1YxVLvlj80A",
     "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
     "eyJtZXJjdXJlIjp7InB1Ymxpc2giOlsiZm9vIiwiYmFyIl0sInN1YnNjcmliZSI6WyJmb28iLCJiYXoiXX19."
     "e7USPnr2YHHqLYSu9-jEVsynuTXGtAQUDAZuzoR8lxQ",
     "", ""},
    {"RS256",
     R"(-----BEGIN PUBLIC KEY-----
MIGeMA0GCSqGSIb3DQEBAQUAA4GMADCBiAKBgHVwuJsFmzsFnOkGj+OgAp4lTNqR
CF0RZSmjY+ECWOJ3sSEzQ8qtkJe61uSjr/PKmqvBxxex0YtUL7waSS4jvq3ws8Bm
WIxK2GqoAVjLjK8HzThSPQpgv2AjiEXD6iAERHeySLGjYAUgfMrVJ01J5fNSL+O+
bCd7nPuNAyYHCOOHAgMBAAE=
-----END PUBLIC KEY-----
)",
     R"(-----BEGIN CERTIFICATE-----
MIIChDCCAe0CCQDlJhrdK2G+pDANBgkqhkiG9w0BAQsFADCBhTELMAkGA1UEBhMC
VVMxEzARBgNVBAgMCkNhbGlmb3JuaWExFjAUBgNVBAcMDVNhbiBGcmFuY2lzY28x
EjAQBgNVBAoMCUFjbWUsIEluYzEUMBIGA1UEAwwLZXhhbXBsZS5jb20xHzAdBgkq
hkiG9w0BCQEWEGFjbWVAZXhhbXBsZS5jb20wIBcNMjAxMjIxMTYxNjM2WhgPMzAy
MDA0MjMxNjE2MzZaMIGFMQswCQYDVQQGEwJVUzETMBEGA1UECAwKQ2FsaWZvcm5p
YTEWMBQGA1UEBwwNU2FuIEZyYW5jaXNjbzESMBAGA1UECgwJQWNtZSwgSW5jMRQw
EgYDVQQDDAtleGFtcGxlLmNvbTEfMB0GCSqGSIb3DQEJARYQYWNtZUBleGFtcGxl
LmNvbTCBnjANBgkqhkiG9w0BAQEFAAOBjAAwgYgCgYB1cLibBZs7BZzpBo/joAKe
JUzakQhdEWUpo2PhAljid7EhM0PKrZCXutbko6/zypqrwccXsdGLVC+8GkkuI76t
8LPAZliMSthqqAFYy4yvB804Uj0KYL9gI4hFw+ogBER3skixo2AFIHzK1SdNSeXz
Ui/jvmwne5z7jQMmBwjjhwIDAQABMA0GCSqGSIb3DQEBCwUAA4GBABosw/cIJkKr
KKBRFBiYuZEeilRHVP2UiUzC8dAASLyw7r63Fg8J7NEN5bYFNdNw1uvvteMryjYu
t+4Iti/mSObpG8FbNb/pOkSJjuJvAxnAIL8iM/DbF28a0SfWiluu5Nk/PciJXLU4
Utb8p35tfj97usdiEB0AN8ray4wZbVWj
-----END CERTIFICATE-----
)",
     "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.e30."
     "YbkSeO9GIBYedph1uSQz0Y6zp1NwDEB8O7ek3cc3Vw4Fjh6DwrJAwmXoNSqT6FhHDv14QG70qPIuyzsR0Q9nHFo7hGEqE"
     "8E85F8z3Pj5eBjHKBMJFno7jww514Vyp35c490ZHD6_d3F9PmxWrPkKezc1mcwlCegwiMJIS2CeR7k",
     "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9."
     "eyJtZXJjdXJlIjp7InB1Ymxpc2giOlsiZm9vIiwiYmFyIl0sInN1YnNjcmliZSI6WyJmb28iLCJiYXoiXX19.B-"
     "ZBdmCbtDaP27wB_DvF9xIetQm88M2Q1d-LP2DZoEHrz6lYDuHkgXzSDnFdbLCZ653e0r_"
     "VOaKxe2Pc6R4F0ok2vksC6P5gHhqIUcQuTSlzNFyTrg4tyy4mMkcm1h85te9gkV4LR6TABfZpFPqqIS4t7fpCMxvtAkyf"
     "_RR5Fq4",
     "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IkxIbzlPMmNNUzBqbzRsQWwtRk11ayJ9."
     "eyJodHRwczovL21lcmN1cmUucm9ja3MvIjp7InB1Ymxpc2giOlsiZm9vIiwiYmFyIl0sInN1YnNjcmliZSI6WyJmb28iL"
     "CJiYXoiXX0sImlzcyI6Imh0dHBzOi8vbWVyY3VyZS10ZXN0LmV1LmF1dGgwLmNvbS8iLCJzdWIiOiJhdXRoMHw1ZmRjM2"
     "U4OGUzYjA0YjAwNzZhNTQxM2MiLCJhdWQiOlsiaHR0cHM6Ly9tZXJjdXJlLnJvY2tzL2FwaSIsImh0dHBzOi8vbWVyY3V"
     "yZS10ZXN0LmV1LmF1dGgwLmNvbS91c2VyaW5mbyJdLCJpYXQiOjE2MDgyNzAxMTQsImF6cCI6IjMwMWh6bUJBMnZ5Zzdn"
     "SlZiSEVMUlRDell0dUJrVU52Iiwic2NvcGUiOiJvcGVuaWQgcHJvZmlsZSBlbWFpbCJ9.QAZKFSYpDJ39Cln-"
     "khjyjVzKJkiSCO4o9qIzw395fuP09rPfoLYcbdEoWg_pHN6GqO6oDNr9I2RR7p0FGhZAamXVtZzSd2V8Fv-"
     "BM0TfUBeJbb0sCMaSA2Nv3izs2dk_0zoQjGFH_LSNExGkJjwKLBj059GT6o_abtr2iz_77A8",
     "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9."
     "eyJodHRwczovL21lcmN1cmUucm9ja3MvIjp7InB1Ymxpc2giOlsiZm9vIiwiYmFyIl0sInN1YnNjcmliZSI6WyJmb28iL"
     "CJiYXoiXX19.SmTVZkxlNbzHlaF4MfA3Fp5d1W2COmHlYPgc6SodAJOQtHh1Uxz0jkhA611w0OSwCaA8C5gqUd-"
     "GgekgHVPCBkIzV0qPmmhhJpTtotkeCX3N7oBOJOi58xXouNCNt0vnUH6xACqiZJq_FhNG9ZqP5saa4xNd1E-"
     "F1E9Vo1mFji4"},
    {"ES256",
     R"(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEOnSJ6Iht/FleVEz4s3ZFGcWQCM/I
rX2Ld/0veRv8vTAm3NU/fErGzL/raNhOxt+BcXqZ6IpQQ4aWOFZh3hDd+Q==
-----END PUBLIC KEY-----
)",
     R"(-----BEGIN CERTIFICATE-----
MIICYjCCAgmgAwIBAgIUXRW9kusU+9K8dehUwIMiRYfJjC8wCgYIKoZIzj0EAwIw
gYUxCzAJBgNVBAYTAlVTMRMwEQYDVQQIDApDYWxpZm9ybmlhMRYwFAYDVQQHDA1T
YW4gRnJhbmNpc2NvMRIwEAYDVQQKDAlBY21lLCBJbmMxFDASBgNVBAMMC2V4YW1w
bGUuY29tMR8wHQYJKoZIhvcNAQkBFhBhY21lQGV4YW1wbGUuY29tMCAXDTI0MDkx
NDA3MjEzM1oYDzMwMjAwODIzMDcyMTMzWjCBhTELMAkGA1UEBhMCVVMxEzARBgNV
BAgMCkNhbGlmb3JuaWExFjAUBgNVBAcMDVNhbiBGcmFuY2lzY28xEjAQBgNVBAoM
CUFjbWUsIEluYzEUMBIGA1UEAwwLZXhhbXBsZS5jb20xHzAdBgkqhkiG9w0BCQEW
EGFjbWVAZXhhbXBsZS5jb20wWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQ6dIno
iG38WV5UTPizdkUZxZAIz8itfYt3/S95G/y9MCbc1T98SsbMv+to2E7G34Fxepno
ilBDhpY4VmHeEN35o1MwUTAdBgNVHQ4EFgQUfE5wC1hbiE60iRLKmevGqbeMSyww
HwYDVR0jBBgwFoAUfE5wC1hbiE60iRLKmevGqbeMSywwDwYDVR0TAQH/BAUwAwEB
/zAKBggqhkjOPQQDAgNHADBEAiB84zB7sZrNN8KzDO1JgeS8h2mtUeceAqnCnBwZ
krdhhAIgQg4ytVMOy0m51tnOJ+B9nq9keVwNlsJOf7rwGVpRlFQ=
-----END CERTIFICATE-----
)",
     "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.e30.hINnU7MroT7vlOH_DHCesipKULonewy_jnc7pNBrqCD-C9I-"
     "FjFOK8dBwbb1zG9nppYvvMDt5filtIwvcVDZUw",
     "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9."
     "eyJtZXJjdXJlIjp7InB1Ymxpc2giOlsiZm9vIiwiYmFyIl0sInN1YnNjcmliZSI6WyJmb28iLCJiYXoiXX19."
     "5iVzGj4lm-MxaqKGOcBUdu3nAajsH1H0nq2mTyOdc9dvEyRqkKWShK-cK6KC5rkKv7vWNt8gRjR4-aV5ckvRzA",
     "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9."
     "eyJodHRwczovL21lcmN1cmUucm9ja3MvIjp7InB1Ymxpc2giOlsiZm9vIiwiYmFyIl0sInN1YnNjcmliZSI6WyJmb28iL"
     "CJiYXoiXX0sImlzcyI6Imh0dHBzOi8vbWVyY3VyZS10ZXN0LmV1LmF1dGgwLmNvbS8iLCJzdWIiOiJhdXRoMHw1ZmRjM2"
     "U4OGUzYjA0YjAwNzZhNTQxM2MiLCJhdWQiOlsiaHR0cHM6Ly9tZXJjdXJlLnJvY2tzL2FwaSIsImh0dHBzOi8vbWVyY3V"
     "yZS10ZXN0LmV1LmF1dGgwLmNvbS91c2VyaW5mbyJdLCJpYXQiOjE2MDgyNzAxMTQsImF6cCI6IjMwMWh6bUJBMnZ5Zzdn"
     "SlZiSEVMUlRDell0dUJrVU52Iiwic2NvcGUiOiJvcGVuaWQgcHJvZmlsZSBlbWFpbCJ9."
     "iyOpr6Dxgs5yBKuUKJFvbTTaFRo65r55eEHQfWgGt0H0iRzCx5D3kheDe29Da1aRClRfunrpoxhpr8EqeO7Pxg",
     "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9."
     "eyJodHRwczovL21lcmN1cmUucm9ja3MvIjp7InB1Ymxpc2giOlsiZm9vIiwiYmFyIl0sInN1YnNjcmliZSI6WyJmb28iL"
     "CJiYXoiXX19.MczmR4h4eS_cetXZ-cP8NwONOpYzDec-Wijl0u78n9GCnqYFmYbWczln250fFuYYqbnHAbtX_"
     "br84YxBdoQv3Q"},
    {"EdDSA",
     R"(-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAKdgAvlExrnPk8TYc9cNuk4fmruFOd88FYgg9M6SQKm4=
-----END PUBLIC KEY-----
)",
     R"(-----BEGIN CERTIFICATE-----
MIICIzCCAdWgAwIBAgIUJ1OPv+s3BuDm6amXrQimaDEq9AowBQYDK2VwMIGFMQsw
CQYDVQQGEwJVUzETMBEGA1UECAwKQ2FsaWZvcm5pYTEWMBQGA1UEBwwNU2FuIEZy
YW5jaXNjbzESMBAGA1UECgwJQWNtZSwgSW5jMRQwEgYDVQQDDAtleGFtcGxlLmNv
bTEfMB0GCSqGSIb3DQEJARYQYWNtZUBleGFtcGxlLmNvbTAgFw0yNDA5MTQwNjE2
MjdaGA8zMDIwMDgyMzA2MTYyN1owgYUxCzAJBgNVBAYTAlVTMRMwEQYDVQQIDApD
YWxpZm9ybmlhMRYwFAYDVQQHDA1TYW4gRnJhbmNpc2NvMRIwEAYDVQQKDAlBY21l
LCBJbmMxFDASBgNVBAMMC2V4YW1wbGUuY29tMR8wHQYJKoZIhvcNAQkBFhBhY21l
QGV4YW1wbGUuY29tMCowBQYDK2VwAyEAKdgAvlExrnPk8TYc9cNuk4fmruFOd88F
Ygg9M6SQKm6jUzBRMB0GA1UdDgQWBBS75Y11AoWgeHyumy6sNTJCozENuDAfBgNV
HSMEGDAWgBS75Y11AoWgeHyumy6sNTJCozENuDAPBgNVHRMBAf8EBTADAQH/MAUG
AytlcANBANLnIRgPfKYAzigLMsUOgEoZ80tMFimhsZpgsJ2pmmzjXoX5+Zaah+kj
x3wF0MFr23e1kD/sOFatjV6h5sBZNQo=
-----END CERTIFICATE-----
)",
     "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.e30.p6y-JMVdkSrjtj1qChGi8Z5PQnAu8GiTJsq8_Txp7Yg_"
     "RATrJi6IgDlNaobyaxaHy_ypwS4G4RTmQ9mlPwFNDQ",
     "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9."
     "eyJtZXJjdXJlIjp7InB1Ymxpc2giOlsiZm9vIiwiYmFyIl0sInN1YnNjcmliZSI6WyJmb28iLCJiYXoiXX19."
     "A2EbfgruNGekfK-VTPDX_MsrYlJdvZcAF4K5i9aKy4US2Syo4tmn9yT7aYBBdRZNBkRDqhF1sF1u26pvMLlNAw",
     "",
     "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9."
     "eyJodHRwczovL21lcmN1cmUucm9ja3MvIjp7InB1Ymxpc2giOlsiZm9vIiwiYmFyIl0sInN1YnNjcmliZSI6WyJmb28iL"
     "CJiYXoiXX19.yBpIkxTSACRxEpFSiDOVhpSNRbhvhJy2ds90MycP9mK7oxiyRVyvZkRHRwbH26haa7PhR-"
     "HRzw828mGids2xDA"},
};

// The reference keys are small (a 10-byte secret, an RSA modulus of 1023
// bits): accepted only because these options lower herald's minimums.
verifier_options legacy_options() {
    verifier_options o;
    o.min_hmac_key_bytes = 1;
    o.min_rsa_bits = 1023;
    return o;
}

std::vector<std::string> patterns(const std::vector<selector>& selectors) {
    std::vector<std::string> out;
    for (const auto& s : selectors) {
        CHECK(s.type == "topic");
        out.push_back(s.pattern);
    }
    return out;
}

verifier make(const vector_set& v, const char* key) {
    std::string error;
    auto verifier = verifier::create(*algorithm_from_name(v.alg), key, legacy_options(), error);
    INFO(error);
    REQUIRE(verifier);
    return *verifier;
}

} // namespace

TEST_CASE("the reference hub's tokens verify with its keys, for all four algorithms") {
    for (const auto& v : vectors) {
        INFO(v.alg);
        const auto verifier = make(v, v.public_key);
        const auto empty = verifier.verify(v.valid_empty, auth_test::now());
        INFO(empty.detail);
        CHECK(empty.ok());
        CHECK(empty.token.grants.source == claims_source::none);

        const auto result = verifier.verify(v.valid, auth_test::now());
        INFO(result.detail);
        REQUIRE(result.ok());
        CHECK(result.token.typ == "JWT");
        CHECK(result.token.grants.source == claims_source::mercure_claim);
        CHECK(patterns(result.token.grants.publish) == std::vector<std::string>{"foo", "bar"});
        CHECK(patterns(result.token.grants.subscribe) == std::vector<std::string>{"foo", "baz"});
    }
}

TEST_CASE("the reference hub's namespaced https://mercure.rocks/ claim is read like mercure") {
    for (const auto& v : vectors) {
        if (*v.valid_namespaced == '\0')
            continue;
        INFO(v.alg);
        const auto result = make(v, v.public_key).verify(v.valid_namespaced, auth_test::now());
        INFO(result.detail);
        REQUIRE(result.ok());
        CHECK(patterns(result.token.grants.publish) == std::vector<std::string>{"foo", "bar"});
        CHECK(patterns(result.token.grants.subscribe) == std::vector<std::string>{"foo", "baz"});
    }
}

TEST_CASE("the reference hub's certificate tokens verify with the certificates' keys") {
    for (const auto& v : vectors) {
        if (*v.valid_for_cert == '\0')
            continue;
        INFO(v.alg);
        const auto result = make(v, v.certificate).verify(v.valid_for_cert, auth_test::now());
        INFO(result.detail);
        REQUIRE(result.ok());
        CHECK(result.token.issuer == "https://mercure-test.eu.auth0.com/");
        CHECK(result.token.subject == "auth0|5fdc3e88e3b04b0076a5413c");
        CHECK(result.token.audience ==
              std::vector<std::string>{"https://mercure.rocks/api",
                                       "https://mercure-test.eu.auth0.com/userinfo"});
        CHECK(patterns(result.token.grants.publish) == std::vector<std::string>{"foo", "bar"});
    }
}

TEST_CASE("an EdDSA certificate verifies the token the reference suite keeps commented out") {
    // golang-jwt cannot read Ed25519 certificates, so authTestData leaves this
    // EdDSA validForCert token in a comment; OpenSSL can.
    const auto& v = vectors[3];
    REQUIRE(std::string_view(v.alg) == "EdDSA");
    const auto result =
        make(v, v.certificate)
            .verify("eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9."
                    "eyJodHRwczovL21lcmN1cmUucm9ja3MvIjp7InB1Ymxpc2giOlsiZm9vIiwiYmFyIl0sInN1YnNjcm"
                    "liZSI6WyJmb28iLCJiYXoiXX0sImlzcyI6Imh0dHBzOi8vbWVyY3VyZS10ZXN0LmV1LmF1dGgwLmNv"
                    "bS8iLCJzdWIiOiJhdXRoMHw1ZmRjM2U4OGUzYjA0YjAwNzZhNTQxM2MiLCJhdWQiOlsiaHR0cHM6Ly"
                    "9tZXJjdXJlLnJvY2tzL2FwaSIsImh0dHBzOi8vbWVyY3VyZS10ZXN0LmV1LmF1dGgwLmNvbS91c2Vy"
                    "aW5mbyJdLCJpYXQiOjE2MDgyNzAxMTQsImF6cCI6IjMwMWh6bUJBMnZ5ZzdnSlZiSEVMUlRDell0dU"
                    "JrVU52Iiwic2NvcGUiOiJvcGVuaWQgcHJvZmlsZSBlbWFpbCJ9.FBWmpbdYpuU58d3p-e_RPu-"
                    "Szzj_ZPbZtwvHbUD6nQJOe83RTrsBbVpVnI54ISG6D4N5c2mLeksC_I7OAw1KCA",
                    auth_test::now());
    INFO(result.detail);
    REQUIRE(result.ok());
    CHECK(result.token.subject == "auth0|5fdc3e88e3b04b0076a5413c");
}

TEST_CASE("a reference token is refused by the next algorithm's verifier, by its alg") {
    const auto n = std::size(vectors);
    for (std::size_t i = 0; i < n; ++i) {
        const auto& next = vectors[(i + 1) % n];
        INFO(vectors[i].alg << " against " << next.alg);
        const auto result = make(next, next.public_key).verify(vectors[i].valid, auth_test::now());
        CHECK(result.error == token_error::unsupported_alg);
    }
}

TEST_CASE("a reference token with its signature's last bytes changed is refused") {
    // TestBearerErrorInvalidToken in bearererror_test.go does the same.
    for (const auto& v : vectors) {
        INFO(v.alg);
        std::string token = v.valid;
        token.replace(token.size() - 6, 6, "123456");
        const auto result = make(v, v.public_key).verify(token, auth_test::now());
        CHECK_FALSE(result.ok());
        CHECK((result.error == token_error::bad_signature ||
               result.error == token_error::bad_base64));
    }
}

TEST_CASE("the reference hub's small keys are refused under herald's default minimums") {
    std::string error;
    CHECK_FALSE(verifier::create(algorithm::hs256, vectors[0].public_key, {}, error));
    CHECK(error.find("shorter than 32 bytes") != std::string::npos);
    CHECK_FALSE(verifier::create(algorithm::rs256, vectors[1].public_key, {}, error));
    CHECK(error.find("2048") != std::string::npos);
}
