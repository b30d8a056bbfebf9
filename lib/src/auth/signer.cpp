#include "herald/auth/signer.hpp"

#include "herald/auth/base64url.hpp"
#include "keys.hpp"

#include <nlohmann/json.hpp>

namespace herald::auth {

struct signer::key {
    std::string secret;
    detail::pkey_ptr pkey;
};

signer::signer(algorithm alg, std::shared_ptr<const key> k)
    : alg_(alg)
    , key_(std::move(k)) {}

std::optional<signer> signer::create(algorithm alg, std::string_view key_material,
                                     std::string& error) {
    auto k = std::make_shared<key>();
    if (alg == algorithm::hs256) {
        if (key_material.empty()) {
            error = "the HS256 secret is empty";
            return std::nullopt;
        }
        k->secret = std::string(key_material);
    } else {
        k->pkey = detail::load_private_key(key_material, error);
        // Signing checks only the key's type: key sizes are the verifier's policy.
        if (!k->pkey || !detail::key_fits(alg, k->pkey.get(), 0, error))
            return std::nullopt;
    }
    return signer(alg, std::move(k));
}

std::string signer::sign(std::string_view claims_json, std::string_view typ) const {
    nlohmann::json header = {{"alg", std::string(name(alg_))}};
    if (!typ.empty())
        header["typ"] = std::string(typ);
    return sign_with_header(header.dump(), claims_json);
}

std::string signer::sign_with_header(std::string_view header_json,
                                     std::string_view claims_json) const {
    std::string token = base64url_encode(header_json);
    token += '.';
    token += base64url_encode(claims_json);
    std::string signature;
    if (alg_ == algorithm::hs256) {
        signature = detail::hmac_sha256(key_->secret, token);
    } else if (auto s = detail::sign_asymmetric(alg_, key_->pkey.get(), token)) {
        signature = std::move(*s);
    }
    token += '.';
    token += base64url_encode(signature);
    return token;
}

} // namespace herald::auth
