#include "keys.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <climits>
#include <cstring>

namespace herald::auth::detail {
namespace {

struct bio_free {
    void operator()(BIO* p) const noexcept { BIO_free(p); }
};
using bio_ptr = std::unique_ptr<BIO, bio_free>;

struct x509_free {
    void operator()(X509* p) const noexcept { X509_free(p); }
};

struct md_ctx_free {
    void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
};
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, md_ctx_free>;

struct ecdsa_sig_free {
    void operator()(ECDSA_SIG* p) const noexcept { ECDSA_SIG_free(p); }
};
using ecdsa_sig_ptr = std::unique_ptr<ECDSA_SIG, ecdsa_sig_free>;

struct decoder_free {
    void operator()(OSSL_DECODER_CTX* p) const noexcept { OSSL_DECODER_CTX_free(p); }
};

bio_ptr memory_bio(std::string_view data) {
    if (data.size() > INT_MAX)
        return nullptr;
    return bio_ptr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

const unsigned char* bytes(std::string_view s) noexcept {
    return reinterpret_cast<const unsigned char*>(s.data());
}

// The digest each algorithm signs with; Ed25519 hashes internally (NULL).
const EVP_MD* digest_for(algorithm alg) noexcept {
    return alg == algorithm::eddsa ? nullptr : EVP_sha256();
}

constexpr std::size_t es256_half = 32;

// RFC 7518 §3.4: JWS carries R || S, each 32 bytes big-endian; OpenSSL
// verifies a DER ECDSA-Sig-Value.
std::optional<std::string> raw_to_der(std::string_view raw) {
    if (raw.size() != 2 * es256_half)
        return std::nullopt;
    ecdsa_sig_ptr sig(ECDSA_SIG_new());
    if (!sig)
        return std::nullopt;
    BIGNUM* r = BN_bin2bn(bytes(raw), es256_half, nullptr);
    BIGNUM* s = BN_bin2bn(bytes(raw) + es256_half, es256_half, nullptr);
    if (!r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
        BN_free(r);
        BN_free(s);
        return std::nullopt;
    }
    unsigned char* der = nullptr;
    const int size = i2d_ECDSA_SIG(sig.get(), &der);
    if (size <= 0)
        return std::nullopt;
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
    OPENSSL_free(der);
    return out;
}

std::optional<std::string> der_to_raw(std::string_view der) {
    const unsigned char* p = bytes(der);
    ecdsa_sig_ptr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
    if (!sig)
        return std::nullopt;
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    std::string out(2 * es256_half, '\0');
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    if (BN_bn2binpad(r, o, es256_half) != es256_half ||
        BN_bn2binpad(s, o + es256_half, es256_half) != es256_half)
        return std::nullopt;
    return out;
}

} // namespace

pkey_ptr load_public_key(std::string_view pem, std::string& error) {
    // SubjectPublicKeyInfo ("PUBLIC KEY"), the usual form.
    if (auto bio = memory_bio(pem)) {
        if (EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr)) {
            ERR_clear_error();
            return pkey_ptr(key);
        }
    }
    // A certificate: its subject's key.
    if (auto bio = memory_bio(pem)) {
        std::unique_ptr<X509, x509_free> cert(
            PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (cert) {
            ERR_clear_error();
            if (EVP_PKEY* key = X509_get_pubkey(cert.get()))
                return pkey_ptr(key);
            error = "the certificate's public key cannot be read";
            return nullptr;
        }
    }
    // PKCS#1 "RSA PUBLIC KEY".
    EVP_PKEY* key = nullptr;
    std::unique_ptr<OSSL_DECODER_CTX, decoder_free> decoder(OSSL_DECODER_CTX_new_for_pkey(
        &key, "PEM", "type-specific", "RSA", EVP_PKEY_PUBLIC_KEY, nullptr, nullptr));
    if (decoder) {
        const unsigned char* data = bytes(pem);
        std::size_t size = pem.size();
        if (OSSL_DECODER_from_data(decoder.get(), &data, &size) == 1 && key) {
            ERR_clear_error();
            return pkey_ptr(key);
        }
    }
    EVP_PKEY_free(key);
    ERR_clear_error();
    error = "not a PEM public key (PUBLIC KEY, RSA PUBLIC KEY) or certificate";
    return nullptr;
}

pkey_ptr load_private_key(std::string_view pem, std::string& error) {
    if (auto bio = memory_bio(pem)) {
        if (EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)) {
            ERR_clear_error();
            return pkey_ptr(key);
        }
    }
    ERR_clear_error();
    error = "not an unencrypted PEM private key";
    return nullptr;
}

bool key_fits(algorithm alg, EVP_PKEY* key, unsigned min_rsa_bits, std::string& error) {
    switch (alg) {
    case algorithm::hs256:
        error = "HS256 takes a shared secret, not a key pair";
        return false;
    case algorithm::rs256:
        if (!EVP_PKEY_is_a(key, "RSA")) {
            error = "RS256 needs an RSA key";
            return false;
        }
        if (EVP_PKEY_get_bits(key) < static_cast<int>(min_rsa_bits)) {
            error = "the RSA key is shorter than " + std::to_string(min_rsa_bits) + " bits";
            return false;
        }
        return true;
    case algorithm::es256: {
        char group[64] = {};
        std::size_t size = 0;
        if (!EVP_PKEY_is_a(key, "EC") ||
            EVP_PKEY_get_group_name(key, group, sizeof group, &size) != 1 ||
            std::strcmp(group, SN_X9_62_prime256v1) != 0) {
            ERR_clear_error();
            error = "ES256 needs an EC key on P-256";
            return false;
        }
        return true;
    }
    case algorithm::eddsa:
        if (!EVP_PKEY_is_a(key, "ED25519")) {
            error = "EdDSA needs an Ed25519 key";
            return false;
        }
        return true;
    }
    return false;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes(data), data.size(), out,
              &size))
        return {};
    return std::string(reinterpret_cast<const char*>(out), size);
}

bool verify_asymmetric(algorithm alg, EVP_PKEY* key, std::string_view signing_input,
                       std::string_view signature) {
    std::string der;
    if (alg == algorithm::es256) {
        auto converted = raw_to_der(signature);
        if (!converted)
            return false;
        der = std::move(*converted);
        signature = der;
    }
    // A context per call: the key is shared read-only between threads.
    md_ctx_ptr ctx(EVP_MD_CTX_new());
    const bool ok = ctx &&
                    EVP_DigestVerifyInit(ctx.get(), nullptr, digest_for(alg), nullptr, key) == 1 &&
                    EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(),
                                     bytes(signing_input), signing_input.size()) == 1;
    ERR_clear_error();
    return ok;
}

std::optional<std::string> sign_asymmetric(algorithm alg, EVP_PKEY* key,
                                           std::string_view signing_input) {
    md_ctx_ptr ctx(EVP_MD_CTX_new());
    std::size_t size = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, digest_for(alg), nullptr, key) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &size, bytes(signing_input), signing_input.size()) !=
            1) {
        ERR_clear_error();
        return std::nullopt;
    }
    std::string out(size, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &size,
                       bytes(signing_input), signing_input.size()) != 1) {
        ERR_clear_error();
        return std::nullopt;
    }
    out.resize(size);
    if (alg == algorithm::es256)
        return der_to_raw(out);
    return out;
}

} // namespace herald::auth::detail
