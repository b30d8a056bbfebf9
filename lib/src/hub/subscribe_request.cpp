#include "herald/hub/subscribe_request.hpp"

#include "herald/hub/text.hpp"

namespace herald::hub {
namespace {

bool starts_with_match_ci(std::string_view name) {
    static constexpr std::string_view prefix = "match";
    if (name.size() < prefix.size())
        return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = name[i];
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
        if (c != prefix[i])
            return false;
    }
    return true;
}

subscribe_parse_result refuse(std::string message) {
    return {std::nullopt, {400, std::move(message)}};
}

} // namespace

subscribe_parse_result parse_subscribe(const std::vector<http::form_field>& query,
                                       std::optional<std::string_view> last_event_id_header,
                                       const subscribe_limits& limits) {
    subscribe_request request;
    const std::string *draft08_id = nullptr, *draft07_id = nullptr;
    for (const auto& f : query) {
        std::optional<matcher_kind> kind;
        if (f.name == "match" || f.name == "match_exact")
            kind = matcher_kind::exact;
        else if (f.name == "match_urlpattern")
            kind = matcher_kind::urlpattern;
        else if (f.name == "topic")
            kind = matcher_kind::uritemplate;
        else if (starts_with_match_ci(f.name))
            return refuse("unsupported matcher parameter (the match prefix is reserved)");
        else if (f.name == "last_event_id" && !draft08_id)
            draft08_id = &f.value;
        else if (f.name == "lastEventID" && !draft07_id)
            draft07_id = &f.value;

        if (!kind)
            continue;
        if (request.matchers.size() == limits.max_matchers)
            return refuse("more than " + std::to_string(limits.max_matchers) + " matchers");
        if (f.value.size() > limits.max_matcher_length)
            return refuse("a matcher is longer than " + std::to_string(limits.max_matcher_length) +
                          " bytes");
        if (!is_clean_text(f.value))
            return refuse("a matcher is not UTF-8 or holds control or format characters");
        request.matchers.push_back({*kind, f.value});
    }
    if (request.matchers.empty())
        return refuse("missing match parameter");

    if (last_event_id_header)
        request.resume = {true, std::string(*last_event_id_header)};
    else if (draft08_id)
        request.resume = {true, *draft08_id};
    else if (draft07_id)
        request.resume = {true, *draft07_id};
    return {std::move(request), {}};
}

} // namespace herald::hub
