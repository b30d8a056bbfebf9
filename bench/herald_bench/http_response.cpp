#include "http_response.hpp"

#include <charconv>

namespace herald::bench {
namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = char(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = char(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

// True if the comma-separated list `value` has `token` as its last coding:
// "gzip, chunked" is chunked, "chunked, gzip" is not (RFC 9112 §6.3).
bool last_coding_is(std::string_view value, std::string_view token) noexcept {
    const auto comma = value.rfind(',');
    return iequals(trim(comma == std::string_view::npos ? value : value.substr(comma + 1)), token);
}

} // namespace

head_result parse_response_head(std::string_view bytes, response_head& out, std::size_t max_bytes) {
    // The head ends at the first empty line; a bare LF is accepted as a line
    // end, as every real client does.
    std::size_t end = std::string_view::npos, consumed = 0;
    for (std::size_t i = bytes.find('\n'); i != std::string_view::npos;
         i = bytes.find('\n', i + 1)) {
        const auto next = i + 1;
        if (next < bytes.size() && bytes[next] == '\n') {
            end = i + 1;
            consumed = next + 1;
            break;
        }
        if (next + 1 < bytes.size() && bytes[next] == '\r' && bytes[next + 1] == '\n') {
            end = i + 1;
            consumed = next + 2;
            break;
        }
    }
    if (end == std::string_view::npos)
        return {bytes.size() > max_bytes ? head_status::error : head_status::need_more, 0};
    if (consumed > max_bytes)
        return {head_status::error, 0};

    std::string_view head = bytes.substr(0, end);
    auto next_line = [&head]() {
        const auto lf = head.find('\n');
        auto line = head.substr(0, lf);
        head.remove_prefix(lf == std::string_view::npos ? head.size() : lf + 1);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        return line;
    };

    // Status line: HTTP/1.x SP 3DIGIT SP reason
    const auto status_line = next_line();
    if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[8] != ' ')
        return {head_status::error, 0};
    int status = 0;
    const auto code = status_line.substr(9, 3);
    if (auto [p, ec] = std::from_chars(code.data(), code.data() + 3, status);
        ec != std::errc{} || p != code.data() + 3)
        return {head_status::error, 0};

    out = response_head{};
    out.status = status;
    bool has_length = false;
    while (!head.empty()) {
        const auto line = next_line();
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            return {head_status::error, 0};
        const auto name = line.substr(0, colon);
        const auto value = trim(line.substr(colon + 1));
        if (iequals(name, "Content-Type")) {
            const auto media = trim(value.substr(0, value.find(';')));
            out.event_stream = iequals(media, "text/event-stream");
        } else if (iequals(name, "Transfer-Encoding")) {
            if (last_coding_is(value, "chunked"))
                out.framing = body_framing::chunked;
        } else if (iequals(name, "Content-Length")) {
            std::uint64_t n = 0;
            auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (ec != std::errc{} || p != value.data() + value.size())
                return {head_status::error, 0};
            out.content_length = n;
            has_length = true;
        }
    }
    // Transfer-Encoding wins over Content-Length (RFC 9112 §6.3).
    if (has_length && out.framing != body_framing::chunked)
        out.framing = body_framing::content_length;
    return {head_status::done, consumed};
}

} // namespace herald::bench
