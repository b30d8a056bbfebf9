#include "json.hpp"

#include <string>
#include <unordered_set>
#include <vector>

namespace herald::auth::detail {

nlohmann::json parse_strict(std::string_view text, std::size_t max_depth) {
    using event = nlohmann::json::parse_event_t;
    std::size_t depth = 0;
    bool refused = false;
    // One set of member names per open container; arrays get an unused one
    // so that the stack follows the nesting.
    std::vector<std::unordered_set<std::string>> names;
    const auto callback = [&](int, event e, nlohmann::json& parsed) {
        switch (e) {
        case event::object_start:
        case event::array_start:
            if (++depth > max_depth)
                refused = true;
            names.emplace_back();
            break;
        case event::object_end:
        case event::array_end:
            if (depth > 0)
                --depth;
            if (!names.empty())
                names.pop_back();
            break;
        case event::key:
            if (!names.empty() && !names.back().insert(parsed.get<std::string>()).second)
                refused = true;
            break;
        case event::value:
            break;
        }
        return true;
    };
    auto value = nlohmann::json::parse(text.begin(), text.end(), callback,
                                       /*allow_exceptions=*/false, /*ignore_comments=*/false);
    if (refused)
        return nlohmann::json(nlohmann::json::value_t::discarded);
    return value;
}

} // namespace herald::auth::detail
