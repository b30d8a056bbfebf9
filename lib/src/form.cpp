#include "herald/http/form.hpp"

#include "herald/detail/hex.hpp"

namespace herald::http {

std::string percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%' && i + 2 < text.size()) {
            const int hi = herald::detail::hex_value(text[i + 1]);
            const int lo = herald::detail::hex_value(text[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += char(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += (plus_is_space && c == '+') ? ' ' : c;
    }
    return out;
}

std::vector<form_field> parse_form(std::string_view text) {
    std::vector<form_field> fields;
    while (!text.empty()) {
        const auto amp = text.find('&');
        const auto piece = text.substr(0, amp);
        text.remove_prefix(amp == std::string_view::npos ? text.size() : amp + 1);
        if (piece.empty())
            continue;
        const auto eq = piece.find('=');
        const auto name = piece.substr(0, eq);
        const auto value = eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1);
        fields.push_back({percent_decode(name, true), percent_decode(value, true)});
    }
    return fields;
}

} // namespace herald::http
