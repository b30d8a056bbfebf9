#include "herald/sse/encoder.hpp"

#include "herald/error.hpp"

namespace herald::sse {
namespace {

// Calls line(view) for each line of text, where CRLF, CR and LF all end a
// line (WHATWG: "end-of-line = ( cr lf / cr / lf )"). Text without line
// breaks is one line; an empty text is one empty line.
template <typename F>
void for_each_line(std::string_view text, F&& line) {
    for (;;) {
        const auto brk = text.find_first_of("\r\n");
        if (brk == std::string_view::npos) {
            line(text);
            return;
        }
        line(text.substr(0, brk));
        const bool crlf = text[brk] == '\r' && brk + 1 < text.size() && text[brk + 1] == '\n';
        text.remove_prefix(brk + (crlf ? 2 : 1));
    }
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
    out += name;
    if (!value.empty()) {
        out += ": ";
        out += value;
    } else {
        out += ':';
    }
    out += '\n';
}

} // namespace

bool is_valid_utf8(std::string_view text) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    while (p < end) {
        const unsigned char c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        int extra;
        char32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false; // continuation byte first, overlong lead (C0, C1) or > F4
        }
        if (end - p <= extra)
            return false;
        for (int i = 1; i <= extra; ++i) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += extra + 1;
    }
    return true;
}

std::error_code encode(const event& e, std::string& out) {
    if (e.type.find_first_of("\r\n") != std::string::npos)
        return errc::field_has_line_break;
    if (e.id) {
        if (e.id->find_first_of("\r\n") != std::string::npos)
            return errc::field_has_line_break;
        if (e.id->find('\0') != std::string::npos)
            return errc::id_has_nul;
    }
    if (!is_valid_utf8(e.type) || !is_valid_utf8(e.data) || (e.id && !is_valid_utf8(*e.id)))
        return errc::invalid_utf8;
    if (e.retry && e.retry->count() < 0)
        return std::make_error_code(std::errc::invalid_argument);

    if (!e.type.empty())
        append_field(out, "event", e.type);
    if (e.id)
        append_field(out, "id", *e.id);
    if (e.retry)
        append_field(out, "retry", std::to_string(e.retry->count()));
    for_each_line(e.data, [&out](std::string_view line) { append_field(out, "data", line); });
    out += '\n';
    return {};
}

std::error_code encode_comment(std::string_view text, std::string& out) {
    if (!is_valid_utf8(text))
        return errc::invalid_utf8;
    for_each_line(text, [&out](std::string_view line) { append_field(out, "", line); });
    return {};
}

std::error_code encode_retry(std::chrono::milliseconds retry, std::string& out) {
    if (retry.count() < 0)
        return std::make_error_code(std::errc::invalid_argument);
    append_field(out, "retry", std::to_string(retry.count()));
    out += '\n';
    return {};
}

} // namespace herald::sse
