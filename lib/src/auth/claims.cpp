#include "claims.hpp"

#include "log_text.hpp"

#include "herald/text.hpp"

#include <cstdint>
#include <string_view>

namespace herald::auth::detail {
namespace {

using json = nlohmann::json;

constexpr std::string_view mercure_detail_type = "https://mercure.rocks/authorization-detail";

bool check_pattern(std::string_view pattern, const permission_limits& limits, std::string& detail) {
    if (pattern.size() > limits.max_pattern_bytes) {
        detail =
            "a topic matcher is longer than " + std::to_string(limits.max_pattern_bytes) + " bytes";
        return false;
    }
    // Valid UTF-8 without controls or format characters: what the
    // specification's topics and matchers may contain. A NUL, say, could cut
    // a pattern short in a C API or a cache key downstream; a format
    // character is invisible, so a pattern carrying one could look like
    // another (the reference hub refuses them too).
    if (!herald::is_clean_text(pattern)) {
        detail = "a topic matcher contains a control or format character";
        return false;
    }
    return true;
}

const json* member(const json& object, const char* name) {
    const auto it = object.find(name);
    if (it == object.end() || it->is_null())
        return nullptr;
    return &*it;
}

// A topic matcher object: {"match": "...", "match_type": "exact"|"urlpattern"}.
// A match_type the hub does not support must refuse the token: the grant
// cannot be evaluated, and skipping it would change what the token allows.
bool read_matcher(const json& entry, const permission_limits& limits, selector& out,
                  std::string& detail) {
    if (!entry.is_object()) {
        detail = "a topic matcher is not an object";
        return false;
    }
    const json* match = member(entry, "match");
    if (!match || !match->is_string()) {
        detail = "a topic matcher has no \"match\" string";
        return false;
    }
    out.pattern = match->get<std::string>();
    out.type = "exact";
    if (const json* type = member(entry, "match_type")) {
        if (!type->is_string()) {
            detail = "a topic matcher's \"match_type\" is not a string";
            return false;
        }
        const auto& name = type->get_ref<const std::string&>();
        if (name != "exact" && name != "urlpattern") {
            detail = "unsupported topic matcher type " + log_text(name);
            return false;
        }
        out.type = name;
    }
    return check_pattern(out.pattern, limits, detail);
}

bool read_details(const json& details, const permission_limits& limits, permissions& out,
                  std::string& detail) {
    if (!details.is_array()) {
        detail = "\"authorization_details\" is not an array";
        return false;
    }
    std::size_t mercure_details = 0;
    std::size_t topics_total = 0;
    for (const auto& entry : details) {
        if (!entry.is_object()) {
            detail = "an authorization detail is not an object";
            return false;
        }
        // RFC 9396 lets other detail types shape their members as they like:
        // entries of another type are skipped, unread.
        const json* type = member(entry, "type");
        if (!type)
            continue;
        if (!type->is_string()) {
            detail = "an authorization detail's \"type\" is not a string";
            return false;
        }
        if (type->get_ref<const std::string&>() != mercure_detail_type)
            continue;
        if (++mercure_details > limits.max_details) {
            detail = "more than " + std::to_string(limits.max_details) +
                     " Mercure authorization details";
            return false;
        }

        bool publish = false;
        bool subscribe = false;
        const json* actions = member(entry, "actions");
        if (!actions || !actions->is_array() || actions->empty()) {
            detail = "a Mercure authorization detail needs a non-empty \"actions\" array";
            return false;
        }
        for (const auto& action : *actions) {
            if (!action.is_string()) {
                detail = "an action is not a string";
                return false;
            }
            // Unknown actions grant nothing but do not invalidate the token.
            const auto& name = action.get_ref<const std::string&>();
            publish = publish || name == "publish";
            subscribe = subscribe || name == "subscribe";
        }

        const json* topics = member(entry, "topics");
        if (!topics || !topics->is_array() || topics->empty()) {
            detail = "a Mercure authorization detail needs a non-empty \"topics\" array";
            return false;
        }
        // Counted before any matcher is read, across all details, so that a
        // token cannot split its matchers to get past the bound.
        topics_total += topics->size();
        if (topics_total > limits.max_topics) {
            detail = "more than " + std::to_string(limits.max_topics) + " topic matchers";
            return false;
        }

        std::optional<std::string> payload;
        if (const json* p = member(entry, "payload")) {
            if (!p->is_object()) {
                detail = "a \"payload\" is not a JSON object";
                return false;
            }
            payload = p->dump();
        }

        for (const auto& topic : *topics) {
            selector s;
            if (!read_matcher(topic, limits, s, detail))
                return false;
            if (s.pattern.empty()) {
                detail = "a topic matcher is empty";
                return false;
            }
            if (publish)
                out.publish.push_back({s.type, s.pattern, std::nullopt});
            if (subscribe)
                out.subscribe.push_back({s.type, s.pattern, payload});
        }
    }
    out.source = claims_source::authorization_details;
    return true;
}

bool read_legacy_selectors(const json& claim, const char* name, const permission_limits& limits,
                           bool keep_payload, std::vector<selector>& out, std::string& detail) {
    const json* list = member(claim, name);
    if (!list)
        return true;
    if (!list->is_array()) {
        detail = std::string("\"mercure.") + name + "\" is not an array";
        return false;
    }
    if (list->size() > limits.max_legacy_selectors) {
        detail = std::string("\"mercure.") + name + "\" has more than " +
                 std::to_string(limits.max_legacy_selectors) + " selectors";
        return false;
    }
    for (const auto& entry : *list) {
        selector s;
        if (entry.is_string()) {
            // Draft-07: exact OR URI template, decided when matching.
            s.type = "topic";
            s.pattern = entry.get<std::string>();
            if (!check_pattern(s.pattern, limits, detail))
                return false;
        } else if (entry.is_object()) {
            // The reference hub's later object form, with a payload per entry.
            if (!read_matcher(entry, limits, s, detail))
                return false;
            if (const json* p = member(entry, "payload"); p && keep_payload)
                s.payload = p->dump();
        } else {
            detail = std::string("a \"mercure.") + name + "\" selector is not a string";
            return false;
        }
        out.push_back(std::move(s));
    }
    return true;
}

bool read_mercure_claim(const json& claims, const permission_limits& limits, permissions& out,
                        std::string& detail) {
    // The namespaced claim, when present, replaces the short one.
    const json* claim = member(claims, "https://mercure.rocks/");
    if (!claim)
        claim = member(claims, "mercure");
    if (!claim)
        return true;
    if (!claim->is_object()) {
        detail = "the \"mercure\" claim is not an object";
        return false;
    }
    if (!read_legacy_selectors(*claim, "publish", limits, false, out.publish, detail) ||
        !read_legacy_selectors(*claim, "subscribe", limits, true, out.subscribe, detail))
        return false;
    if (const json* p = member(*claim, "payload"))
        out.payload = p->dump();
    out.source = claims_source::mercure_claim;
    return true;
}

} // namespace

bool read_permissions(const json& claims, claims_mode mode, const permission_limits& limits,
                      permissions& out, std::string& detail) {
    out = {};
    const json* details =
        mode == claims_mode::draft07 ? nullptr : member(claims, "authorization_details");
    // The legacy claim counts only when the token has no authorization
    // details at all (an empty array is none).
    const bool use_details = details && !(details->is_array() && details->empty());
    bool ok = true;
    if (use_details)
        ok = read_details(*details, limits, out, detail);
    else if (mode != claims_mode::draft08)
        ok = read_mercure_claim(claims, limits, out, detail);
    if (!ok)
        out = {};
    return ok;
}

} // namespace herald::auth::detail
