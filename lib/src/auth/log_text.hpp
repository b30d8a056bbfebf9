// log_text.hpp (internal) — token text made safe to quote in a log line.
#pragma once

#include <string>
#include <string_view>

namespace herald::auth::detail {

/// `text` quoted, with anything but printable ASCII (and `"`, `\`) shown as
/// `?`, and cut to `max` bytes: a refusal's detail may quote what a token
/// said, and a token must not be able to forge log lines.
inline std::string log_text(std::string_view text, std::size_t max = 64) {
    std::string out = "\"";
    for (std::size_t i = 0; i < text.size() && i < max; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        out += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? char(c) : '?';
    }
    if (text.size() > max)
        out += "...";
    out += '"';
    return out;
}

} // namespace herald::auth::detail
