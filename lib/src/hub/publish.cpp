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

std::string lowered(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

bool is_special_scheme(std::string_view s) {
    return s == "http" || s == "https" || s == "ws" || s == "wss" || s == "ftp" || s == "file";
}

// The scheme of `s` (RFC 3986 §3.1) without its ':', or empty.
std::string_view scheme_of(std::string_view s) {
    if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0])))
        return {};
    for (std::size_t i = 1; i < s.size(); ++i) {
        const char c = s[i];
        if (c == ':')
            return s.substr(0, i);
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
            return {};
    }
    return {};
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

std::string normalise_path(std::string_view path) {
    auto decoded = decode_unreserved(path);
    auto result = remove_dot_segments(decoded);
    return result.empty() ? "/" : result;
}

// The path of `s` after an optional "//authority": what follows the authority,
// up to '?' or '#'. `s` starts at the authority's slashes.
std::string_view path_after_authority(std::string_view s) {
    s = s.substr(std::min(s.find_first_not_of('/'), s.size()));
    const auto end = s.find_first_of("/?#");
    if (end == std::string_view::npos || s[end] != '/')
        return "/";
    s.remove_prefix(end);
    return s.substr(0, s.find_first_of("?#"));
}

std::string_view before_query(std::string_view s) {
    return s.substr(0, s.find_first_of("?#"));
}

// The resolved, normalised path of `topic` against the hub, or empty when the
// topic names no hierarchical path.
std::optional<std::string> resolved_path(std::string_view topic, const hub_location& hub) {
    // The WHATWG parser strips leading and trailing C0 controls and spaces;
    // controls never get here (the character rule rejects them first).
    while (!topic.empty() && topic.front() == ' ')
        topic.remove_prefix(1);
    while (!topic.empty() && topic.back() == ' ')
        topic.remove_suffix(1);

    const auto scheme_text = scheme_of(topic);
    const auto scheme = lowered(scheme_text);
    std::string text(topic);
    const bool special =
        scheme.empty() ? is_special_scheme(hub.scheme()) : is_special_scheme(scheme);
    if (special) // in special URLs, '\' is a path separator like '/'
        std::replace(text.begin(), text.end(), '\\', '/');
    std::string_view rest(text);

    if (!scheme.empty()) {
        rest.remove_prefix(scheme_text.size() + 1);
        if (special) {
            // "http:x" against an http hub is relative; "https://h/p" is not.
            if (scheme != hub.scheme() || rest.starts_with("//"))
                return normalise_path(path_after_authority(rest));
        } else {
            if (rest.starts_with("//"))
                return normalise_path(path_after_authority(rest));
            if (!rest.starts_with("/"))
                return std::nullopt; // an opaque path (urn:...) is no hub path
            return normalise_path(before_query(rest));
        }
    }
    // A relative reference (RFC 3986 §5.2.2).
    if (rest.starts_with("//"))
        return normalise_path(path_after_authority(rest));
    const auto path = before_query(rest);
    if (path.starts_with("/"))
        return normalise_path(path);
    if (path.empty())
        return hub.path(); // "", "?x", "#x": the hub's own URL
    const auto& base = hub.path();
    std::string merged(base.substr(0, base.rfind('/') + 1));
    merged += path;
    return normalise_path(merged);
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
    const auto scheme = lowered(scheme_of(url));
    if (scheme != "http" && scheme != "https")
        return std::nullopt;
    auto rest = url.substr(scheme.size() + 1);
    if (!rest.starts_with("//") || rest.size() == 2)
        return std::nullopt;
    hub_location hub;
    hub.url_ = url;
    hub.scheme_ = scheme;
    hub.path_ = normalise_path(path_after_authority(rest));
    if (hub.path_.size() > 1 && hub.path_.back() == '/')
        hub.path_.pop_back();
    return hub;
}

bool addresses_reserved_namespace(std::string_view topic, const hub_location& hub) {
    const auto path = resolved_path(topic, hub);
    if (!path)
        return false;
    const auto& base = hub.path();
    if (base == "/")
        return true; // a hub at the root reserves every path
    return *path == base || (path->starts_with(base) && (*path)[base.size()] == '/');
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
    for (const auto* t : topics) {
        if (!is_clean_text(*t))
            return refuse(400, "topic is not UTF-8 or holds control or format characters");
        if (*t == "*")
            return refuse(400, "topic '*' is reserved for the wildcard matcher");
        if (addresses_reserved_namespace(*t, hub))
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
    u->topics.reserve(topics.size());
    for (const auto* t : topics)
        u->topics.push_back(*t);
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
