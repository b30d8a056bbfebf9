#include "herald/hub/publish.hpp"

#include "herald/hub/text.hpp"
#include "herald/sse/encoder.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

namespace herald::hub {
namespace {

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

bool is_unreserved(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

// Decodes %XX only where XX is an unreserved character (RFC 3986 §2.3, §6.2.2.2):
// `%6D` is `m`, but `%2F` stays, because a decoded '/' would be a new segment.
std::string decode_unreserved(std::string_view path) {
    std::string out;
    out.reserve(path.size());
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '%' && i + 2 < path.size()) {
            const int h = hex_value(path[i + 1]), l = hex_value(path[i + 2]);
            if (h >= 0 && l >= 0 && is_unreserved(char(h * 16 + l))) {
                out += char(h * 16 + l);
                i += 2;
                continue;
            }
        }
        out += path[i];
    }
    return out;
}

// RFC 3986 §5.2.4, for paths that start with '/'.
std::string remove_dot_segments(std::string_view in) {
    std::string out;
    while (!in.empty()) {
        if (in.starts_with("../"))
            in.remove_prefix(3);
        else if (in.starts_with("./"))
            in.remove_prefix(2);
        else if (in.starts_with("/./"))
            in.remove_prefix(2);
        else if (in == "/.")
            in = "/";
        else if (in.starts_with("/../") || in == "/..") {
            in = in.size() == 3 ? std::string_view("/") : in.substr(3);
            const auto slash = out.rfind('/');
            out.resize(slash == std::string::npos ? 0 : slash);
        } else if (in == "." || in == "..")
            in = {};
        else {
            const auto next = in.find('/', 1);
            const auto segment = in.substr(0, next);
            out += segment;
            in.remove_prefix(segment.size());
        }
    }
    return out;
}

// The WHATWG parser already removed dot segments, but only those spelt with
// '.' or "%2e": decoding `%2E`-style unreserved escapes can make new ones
// ("/.well-known/x/%2E%2E/mercure" is fine for it, not for the rule), so
// they are removed again after decoding.
std::string normalise_path(std::string_view path) {
    auto result = remove_dot_segments(decode_unreserved(path));
    return result.empty() ? "/" : result;
}

bool has_only_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::uint64_t saturating_number(std::string_view digits) {
    std::uint64_t n = 0;
    for (char c : digits) {
        const std::uint64_t d = std::uint64_t(c - '0');
        if (n > (std::numeric_limits<std::int64_t>::max() - d) / 10)
            return std::numeric_limits<std::int64_t>::max();
        n = n * 10 + d;
    }
    return n;
}

publish_result refuse(int status, std::string message) {
    return {nullptr, {status, std::move(message)}};
}

} // namespace

std::optional<hub_location> hub_location::parse(std::string_view url) {
    auto parsed = match::url::parse(url);
    if (!parsed || (parsed->protocol() != "http" && parsed->protocol() != "https") ||
        parsed->hostname().empty())
        return std::nullopt;
    hub_location hub;
    hub.url_ = url;
    hub.scheme_ = parsed->protocol();
    hub.path_ = normalise_path(parsed->pathname());
    if (hub.path_.size() > 1 && hub.path_.back() == '/')
        hub.path_.pop_back();
    hub.base_ = std::make_shared<const match::url>(std::move(*parsed));
    return hub;
}

bool addresses_reserved_namespace(const match::topic& topic, const hub_location& hub) {
    const auto* resolved = topic.as_url();
    if (!resolved)
        return false; // not a URL reference: it cannot name a hub path
    const auto pathname = resolved->pathname();
    if (!pathname.starts_with("/"))
        return false; // an opaque path (urn:..., mailto:...) names no hub path
    const auto path = normalise_path(pathname);
    const auto& base = hub.path();
    if (base == "/")
        return true; // a hub at the root reserves every path
    return path == base || (path.starts_with(base) && path[base.size()] == '/');
}

bool addresses_reserved_namespace(std::string_view topic, const hub_location& hub) {
    return addresses_reserved_namespace(match::topic(std::string(topic), hub.base()), hub);
}

publish_result validate_publish(const std::vector<http::form_field>& fields,
                                const hub_location& hub, const publish_limits& limits,
                                id_generator& ids) {
    std::vector<const std::string*> topics;
    const std::string *id = nullptr, *type = nullptr, *retry = nullptr, *data = nullptr;
    bool is_private = false;
    for (const auto& f : fields) {
        const auto& n = f.name;
        const bool bounded = n == "topic" || n == "id" || n == "type" || n == "retry";
        if (bounded && f.value.size() > limits.max_field_bytes)
            return refuse(413, "field '" + n + "' is longer than " +
                                   std::to_string(limits.max_field_bytes) + " bytes");
        if (n == "topic") {
            if (topics.size() == limits.max_topics)
                return refuse(413, "more than " + std::to_string(limits.max_topics) + " topics");
            topics.push_back(&f.value);
        } else if (n == "id" && !id && !f.value.empty()) // empty: the hub makes one
            id = &f.value;
        else if (n == "type" && !type)
            type = &f.value;
        else if (n == "retry" && !retry)
            retry = &f.value;
        else if (n == "data" && !data)
            data = &f.value;
        else if (n == "private")
            is_private = true;
    }

    if (topics.empty())
        return refuse(400, "missing topic");
    std::vector<match::topic> prepared;
    prepared.reserve(topics.size());
    for (const auto* t : topics) {
        if (!is_clean_text(*t))
            return refuse(400, "topic is not UTF-8 or holds control or format characters");
        if (*t == "*")
            return refuse(400, "topic '*' is reserved for the wildcard matcher");
        // Resolving it here, once, also makes the topic safe to share between
        // workers: match::topic parses lazily, on its first as_url().
        auto& topic = prepared.emplace_back(*t, hub.base());
        if (addresses_reserved_namespace(topic, hub))
            return refuse(400, "topic is in the hub's reserved namespace");
    }
    if (id) {
        if (!is_clean_text(*id))
            return refuse(400, "id is not UTF-8 or holds control or format characters");
        if (id->starts_with("#"))
            return refuse(400, "id must not start with '#'");
        if (*id == "earliest")
            return refuse(400, "id 'earliest' is reserved");
    }
    if (type) {
        if (!is_clean_text(*type))
            return refuse(400, "type is not UTF-8 or holds control or format characters");
        if (*type == "mercure")
            return refuse(400, "type 'mercure' is reserved for the hub");
    }
    if (retry && !has_only_digits(*retry))
        return refuse(400, "retry must be ASCII digits");
    if (data && !sse::is_valid_utf8(*data))
        return refuse(400, "data is not valid UTF-8");

    auto u = std::make_shared<update>();
    u->id = id ? *id : ids.next();
    u->topics = std::move(prepared);
    u->is_private = is_private;
    if (type)
        u->type = *type;
    if (retry)
        u->retry_ms = saturating_number(*retry);

    sse::event e;
    e.id = u->id;
    e.type = u->type;
    if (u->retry_ms)
        e.retry = std::chrono::milliseconds(static_cast<std::int64_t>(*u->retry_ms));
    if (data)
        e.data = *data;
    if (auto ec = sse::encode(e, u->encoded))
        return refuse(400, "update cannot be encoded: " + ec.message()); // checked above; defence
    return {std::move(u), {}};
}

} // namespace herald::hub
