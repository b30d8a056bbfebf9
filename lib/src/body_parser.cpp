#include "herald/http/body_parser.hpp"

#include "herald/detail/hex.hpp"
#include "herald/error.hpp"

#include <algorithm>

namespace herald::http {
namespace {

// RFC 9110 §5.6.2: tchar, for trailer field names.
constexpr bool is_tchar(unsigned char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           std::string_view("!#$%&'*+-.^_`|~").find(char(c)) != std::string_view::npos;
}

// Field content and chunk extensions may hold SP, HTAB, VCHAR and obs-text;
// any other control character (NUL, CR, LF, DEL...) is an error.
constexpr bool is_text(unsigned char c) noexcept {
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

// Sixteen hex digits hold any 64-bit size. More is either a value no limit
// allows or a run of leading zeros, which only serves to confuse a parser
// that stops counting somewhere else.
constexpr std::size_t max_size_digits = 16;

} // namespace

body_parser::body_parser(body_framing framing, std::uint64_t content_length, body_limits limits)
    : limits_(limits)
    , chunked_(framing == body_framing::chunked)
    , state_(state::done) {
    if (framing == body_framing::chunked) {
        state_ = state::size;
    } else if (framing == body_framing::content_length && content_length > 0) {
        if (content_length > limits_.max_body) {
            state_ = state::error;
            error_ = errc::body_too_large;
            return;
        }
        state_ = state::data;
        remaining_ = content_length;
        body_.reserve(std::size_t(content_length));
    }
}

body_parser::result body_parser::fail(std::error_code ec, std::size_t consumed) {
    state_ = state::error;
    error_ = ec;
    return {status::error, consumed};
}

body_parser::result body_parser::feed(std::string_view bytes) {
    if (state_ == state::error)
        return {status::error, 0};
    if (state_ == state::done)
        return {status::done, 0};
    std::size_t i = 0;
    while (i < bytes.size()) {
        if (state_ == state::data) {
            const auto n = std::size_t(std::min<std::uint64_t>(remaining_, bytes.size() - i));
            body_.append(bytes.data() + i, n);
            remaining_ -= n;
            i += n;
            if (remaining_ == 0) {
                if (!chunked_) {
                    state_ = state::done;
                    return {status::done, i};
                }
                state_ = state::data_cr;
            }
            continue;
        }
        if (auto ec = step(bytes[i]))
            return fail(ec, i + 1);
        ++i;
        if (state_ == state::done)
            return {status::done, i};
    }
    return {status::need_more, bytes.size()};
}

std::error_code body_parser::step(char ch) {
    const auto c = static_cast<unsigned char>(ch);
    switch (state_) {
    case state::size:
        // chunk-size = 1*HEXDIG, then optional chunk-ext, then CRLF (§7.1).
        if (const int digit = herald::detail::hex_value(ch); digit >= 0) {
            if (++size_digits_ > max_size_digits)
                return errc::bad_chunk_size;
            remaining_ = remaining_ * 16 + std::uint64_t(digit);
            // Checked per digit, so a huge size is refused before its line ends.
            if (remaining_ > limits_.max_body - body_.size())
                return errc::body_too_large;
            return {};
        }
        if (ch == '\n')
            return errc::bad_chunk_framing; // a bare LF, as the request parser refuses it
        if (size_digits_ == 0)
            return errc::bad_chunk_size;
        if (ch == '\r') {
            state_ = state::size_lf;
            return {};
        }
        if (ch == ';' || ch == ' ' || ch == '\t') {
            // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ).
            // herald understands no extension: it checks the bytes are text
            // and that there are not too many of them, and ignores them.
            state_ = state::extension;
            return extension_byte(ch);
        }
        return errc::bad_chunk_size;
    case state::extension:
        if (ch == '\r') {
            if (!extension_has_semicolon_)
                return errc::bad_chunk_extension; // whitespace after the size, no extension
            state_ = state::size_lf;
            return {};
        }
        return extension_byte(ch);
    case state::size_lf:
        if (ch != '\n')
            return errc::bad_chunk_framing; // a bare CR
        if (remaining_ == 0) {
            state_ = state::trailer_start; // the last chunk (§7.1)
        } else {
            state_ = state::data;
            size_digits_ = 0;
            extension_has_semicolon_ = false;
        }
        return {};
    case state::data_cr:
        if (ch != '\r')
            return errc::bad_chunk_framing; // data longer than its size, or a bare LF
        state_ = state::data_lf;
        return {};
    case state::data_lf:
        if (ch != '\n')
            return errc::bad_chunk_framing;
        state_ = state::size;
        return {};
    case state::trailer_start:
        if (ch == '\r') {
            state_ = state::final_lf;
            return {};
        }
        if (ch == '\n')
            return errc::bad_chunk_framing; // a bare LF, as the request parser refuses it
        if (!is_tchar(c))
            return errc::bad_trailer; // includes SP and HTAB: obs-fold (§5.2)
        state_ = state::trailer_name;
        return count_trailer_byte();
    case state::trailer_name:
        if (ch == ':') {
            state_ = state::trailer_value;
            return count_trailer_byte();
        }
        if (!is_tchar(c))
            return errc::bad_trailer;
        return count_trailer_byte();
    case state::trailer_value:
        if (ch == '\r') {
            state_ = state::trailer_lf;
            return count_trailer_byte();
        }
        if (ch == '\n')
            return errc::bad_chunk_framing;
        if (!is_text(c))
            return errc::bad_trailer;
        return count_trailer_byte();
    case state::trailer_lf:
        if (ch != '\n')
            return errc::bad_chunk_framing;
        state_ = state::trailer_start;
        return count_trailer_byte();
    case state::final_lf:
        if (ch != '\n')
            return errc::bad_chunk_framing;
        state_ = state::done;
        return {};
    case state::data:
    case state::done:
    case state::error:
        break;
    }
    return {};
}

std::error_code body_parser::extension_byte(char ch) {
    if (++extension_bytes_ > limits_.max_chunk_extensions)
        return errc::chunk_extensions_too_large;
    if (ch == '\n')
        return errc::bad_chunk_framing;
    if (!is_text(static_cast<unsigned char>(ch)))
        return errc::bad_chunk_extension;
    if (ch == ';')
        extension_has_semicolon_ = true;
    else if (!extension_has_semicolon_ && ch != ' ' && ch != '\t')
        return errc::bad_chunk_extension; // only BWS may come between the size and ';'
    return {};
}

std::error_code body_parser::count_trailer_byte() {
    if (++trailer_bytes_ > limits_.max_trailer_section)
        return errc::trailer_section_too_large;
    return {};
}

} // namespace herald::http
