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
