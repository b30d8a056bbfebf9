#include "herald/http/request_parser.hpp"

#include "herald/error.hpp"

#include <algorithm>
#include <limits>

namespace herald::http {
namespace {

constexpr bool is_alnum(unsigned char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

constexpr bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

// RFC 9110 §5.6.2: token = 1*tchar
constexpr bool is_tchar(unsigned char c) noexcept {
    return is_alnum(c) ||
           std::string_view("!#$%&'*+-.^_`|~").find(char(c)) != std::string_view::npos;
}

constexpr bool is_token(std::string_view s) noexcept {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return is_tchar(c); });
}

constexpr bool is_ows(char c) noexcept {
    return c == ' ' || c == '\t';
}

std::string_view trim_ows(std::string_view s) noexcept {
    while (!s.empty() && is_ows(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back()))
        s.remove_suffix(1);
    return s;
}

// field-value = *field-content; field-vchar = VCHAR / obs-text; SP and HTAB
// allowed inside. Everything else below 0x20, and DEL, is a control character.
constexpr bool is_field_value_char(unsigned char c) noexcept {
    return c == '\t' || c == ' ' || (c >= 0x21 && c != 0x7f);
}

// Host = uri-host [ ":" port ] (RFC 9110 §7.2), with uri-host an IP-literal,
// an IPv4 address or a reg-name (RFC 3986 §3.2.2). This checks the alphabet
// only: unreserved, pct-encoded, sub-delims, ':' and the IP-literal brackets.
// It excludes '@' on purpose: userinfo in an authority is an error for a
// recipient (RFC 9110 §4.2.4), and '/', '?', '#' or whitespace in a Host is
// how a request smuggles a different target past a proxy.
constexpr bool is_host_char(unsigned char c) noexcept {
    return is_alnum(c) ||
           std::string_view("-._~%!$&'()*+,;=:[]").find(char(c)) != std::string_view::npos;
}

bool is_host(std::string_view s) noexcept {
    return std::all_of(s.begin(), s.end(), [](char c) { return is_host_char(c); });
}

// authority-form = uri-host ":" port (RFC 9112 §3.2.3): both parts required.
bool is_authority_form(std::string_view target) noexcept {
    const auto colon = target.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == target.size())
        return false;
    const auto port = target.substr(colon + 1);
    return is_host(target) && std::all_of(port.begin(), port.end(), is_digit);
}

// The start of a request line (its bytes so far, without a CR that may
// begin its CRLF) judged before the line is complete: the method must be a
// token ended by SP (RFC 9112 §3). This is what answers a TLS ClientHello
// (0x16 0x03...) or other non-HTTP bytes with 400 at once, instead of after
// the header timeout or at the line limit. The same check runs first on
// complete lines, so the error never depends on where a read ended. The
// codes are those parse_request_line gives the complete line.
std::error_code check_method_prefix(std::string_view start) noexcept {
    std::size_t i = 0;
    while (i < start.size() && is_tchar(static_cast<unsigned char>(start[i])))
        ++i;
    if (i == start.size())
        return {}; // all token so far: undecided
    const char c = start[i];
    if (c == ' ')
        return i == 0 ? errc::bad_request_line : std::error_code{};
    if (c == '\r')
        return errc::bare_cr;
    if (c == '\t')
        return errc::bad_request_line;
    return errc::bad_method;
}

// The pieces of a request line, before any of it is copied.
struct request_line {
    std::string_view method, target, path, query;
    int major = 0, minor = 0;
};

std::error_code parse_request_line(std::string_view line, request_line& out) {
    // method SP request-target SP HTTP-version (RFC 9112 §3), exactly one SP
    // each. §3 lets a recipient also split on HTAB, VT, FF or bare CR; herald
    // does not, because two parsers that split differently see two requests.
    const auto sp1 = line.find(' ');
    if (sp1 == std::string_view::npos || sp1 == 0)
        return errc::bad_request_line;
    const auto sp2 = line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || sp2 == sp1 + 1)
        return errc::bad_request_line;
    if (line.find(' ', sp2 + 1) != std::string_view::npos)
        return errc::bad_request_line;

    out.method = line.substr(0, sp1);
    out.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const auto version = line.substr(sp2 + 1);
    if (!is_token(out.method))
        return errc::bad_method;

    // HTTP-version = "HTTP" "/" DIGIT "." DIGIT, case-sensitive (§2.3).
    if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !is_digit(version[5]) ||
        version[6] != '.' || !is_digit(version[7]))
        return errc::bad_version;
    out.major = version[5] - '0';
    out.minor = version[7] - '0';
    if (out.major != 1)
        return errc::unsupported_version;

    // request-target: visible ASCII only, and no fragment (§3.2). Within
    // that, herald is as lenient as browsers need: they send '|', '^', '{'
    // and the like unencoded in queries, and the path is only ever compared
    // with herald's own routes, never used as a file name.
    for (unsigned char c : out.target)
        if (c <= 0x20 || c >= 0x7f || c == '#')
            return errc::bad_target;

    // Which form the target may take depends on the method (§3.2): CONNECT
    // takes only authority-form, OPTIONS may use asterisk-form, and every
    // other request uses origin-form or absolute-form.
    if (out.method == "CONNECT") {
        if (!is_authority_form(out.target))
            return errc::bad_target;
        out.path = {}; // a tunnel has no path to route
        return {};
    }
    if (out.target == "*") {
        if (out.method != "OPTIONS") // asterisk-form is only for OPTIONS (§3.2.4)
            return errc::bad_target;
        out.path = out.target;
        return {};
    }

    std::string_view path_and_query;
    if (out.target.front() == '/') {
        path_and_query = out.target; // origin-form
    } else {
        // absolute-form (§3.2.2): scheme "://" authority [path-abempty] ["?" query]
        const auto scheme_end = out.target.find("://");
        if (scheme_end == std::string_view::npos)
            return errc::bad_target;
        const auto scheme = out.target.substr(0, scheme_end);
        if (!iequals(scheme, "http") && !iequals(scheme, "https"))
            return errc::bad_target;
        const auto rest = out.target.substr(scheme_end + 3);
        const auto path_begin = std::min(rest.find_first_of("/?"), rest.size());
        const auto authority = rest.substr(0, path_begin);
        if (authority.empty() || !is_host(authority))
            return errc::bad_target; // no authority, or userinfo in it
        path_and_query = rest.substr(path_begin);
    }

    const auto q = path_and_query.find('?');
    out.path = path_and_query.substr(0, q);
    out.query = q == std::string_view::npos ? std::string_view{} : path_and_query.substr(q + 1);
    if (out.path.empty())
        out.path = "/"; // absolute-form without a path means the root (RFC 9110 §4.2.3)
    return {};
}

std::error_code check_field_line(std::string_view line, field& out) {
    if (is_ows(line.front()))
        return errc::obsolete_line_folding; // obs-fold (RFC 9112 §5.2)
    const auto colon = line.find(':');
    if (colon == std::string_view::npos)
        return errc::bad_header_name;
    out.name = line.substr(0, colon);
    // A token cannot hold whitespace, so "Host : x" fails here (§5.1).
    if (!is_token(out.name))
        return errc::bad_header_name;
    out.value = trim_ows(line.substr(colon + 1));
    for (unsigned char c : out.value)
        if (!is_field_value_char(c))
            return errc::bad_header_value;
    return {};
}

// Content-Length = 1*DIGIT; a list "42, 42" is accepted when every element
// agrees (RFC 9110 §8.6), as are repeated fields. Leading zeros are digits
// like any other; only the value's overflow of 64 bits is an error.
std::error_code parse_content_length(std::string_view value, std::optional<std::uint64_t>& out) {
    while (true) {
        const auto comma = value.find(',');
        const auto element = trim_ows(value.substr(0, comma));
        if (element.empty())
            return errc::bad_content_length;
        std::uint64_t n = 0;
        for (char c : element) {
            if (c < '0' || c > '9')
                return errc::bad_content_length;
            const std::uint64_t d = std::uint64_t(c - '0');
            if (n > (std::numeric_limits<std::uint64_t>::max() - d) / 10)
                return errc::bad_content_length;
            n = n * 10 + d;
        }
        if (out && *out != n)
            return errc::bad_content_length;
        out = n;
        if (comma == std::string_view::npos)
            return {};
        value.remove_prefix(comma + 1);
    }
}

// Transfer-Encoding = #transfer-coding; the final coding must be chunked and
// chunked must appear once (RFC 9112 §6.1). Only chunked is implemented, so a
// body with any other coding is answered 501, and a known coding that leaves
// the body unframed is a 400.
std::error_code check_transfer_codings(std::string_view value, bool& saw_chunked,
                                       bool& chunked_last) {
    while (true) {
        const auto comma = value.find(',');
        auto element = trim_ows(value.substr(0, comma));
        element = trim_ows(element.substr(0, element.find(';'))); // drop parameters
        if (!element.empty()) {
            if (!is_token(element))
                return errc::bad_transfer_encoding;
            if (iequals(element, "chunked")) {
                if (saw_chunked)
                    return errc::bad_transfer_encoding;
                saw_chunked = true;
                chunked_last = true;
            } else {
                if (!(iequals(element, "gzip") || iequals(element, "x-gzip") ||
                      iequals(element, "deflate") || iequals(element, "compress") ||
                      iequals(element, "x-compress")))
                    return errc::unknown_transfer_coding;
                if (saw_chunked)
                    return errc::bad_transfer_encoding; // chunked must be last
                chunked_last = false;
            }
        }
        if (comma == std::string_view::npos)
            return {};
        value.remove_prefix(comma + 1);
    }
}

} // namespace

void request_parser::reset() {
    request_ = request{};
    buffer_.clear();
    line_begin_ = head_begin_ = header_bytes_ = field_count_ = 0;
    scan_from_ = 0;
    in_fields_ = false;
    method_checked_ = false;
    done_ = false;
    error_.clear();
}

request_parser::result request_parser::fail(std::error_code ec, std::size_t consumed) {
    error_ = ec;
    return {status::error, consumed};
}

request_parser::result request_parser::feed(std::string_view bytes) {
    if (error_)
        return {status::error, 0};
    if (done_)
        return {status::done, 0}; // the head is complete; these bytes are the caller's
    const std::size_t old_size = buffer_.size();
    buffer_.append(bytes);

    // Scan complete lines. Every check on a line runs when the line is
    // complete, in a fixed order (limits first); a partial line is checked
    // only against the limits. So the answer never depends on how the bytes
    // were split into reads.
    while (true) {
        const auto nl = buffer_.find('\n', scan_from_);
        if (nl == std::string::npos)
            break;
        const bool crlf = nl > line_begin_ && buffer_[nl - 1] == '\r';
        const std::string_view line(buffer_.data() + line_begin_,
                                    nl - line_begin_ - (crlf ? 1 : 0));
        if (auto ec = check_line(line, crlf))
            return fail(ec, nl + 1 - old_size);
        if (in_fields_ && line.empty()) {
            if (auto ec = finish(nl + 1))
                return fail(ec, nl + 1 - old_size);
            done_ = true;
            return {status::done, nl + 1 - old_size};
        }
        line_begin_ = scan_from_ = nl + 1;
        method_checked_ = false;
    }
    scan_from_ = buffer_.size();

    // A partial line: only its method and the limits can be judged yet.
    std::size_t partial = buffer_.size() - line_begin_;
    if (partial > 0 && buffer_.back() == '\r')
        --partial;
    if (!in_fields_ && !method_checked_) {
        const auto start = std::string_view(buffer_).substr(line_begin_, partial);
        // Only the bytes within the line limit are judged: past it, the
        // answer is 414 however the bytes were split.
        if (auto ec = check_method_prefix(start.substr(0, limits_.max_request_line)))
            return fail(ec, bytes.size());
        // Once a space ends the method, this line's start is settled.
        method_checked_ = start.find(' ') != std::string_view::npos;
    }
    if (!in_fields_ && partial > limits_.max_request_line)
        return fail(errc::request_line_too_long, bytes.size());
    if (in_fields_ && header_bytes_ + partial > limits_.max_header_section)
        return fail(errc::header_section_too_large, bytes.size());
    return {status::need_more, bytes.size()};
}

std::error_code request_parser::check_line(std::string_view line, bool crlf) {
    if (!in_fields_) {
        if (auto ec = check_method_prefix(line.substr(0, limits_.max_request_line)))
            return ec;
        if (line.size() > limits_.max_request_line)
            return errc::request_line_too_long;
        if (!crlf)
            return errc::bare_lf;
        if (line.find('\r') != std::string_view::npos)
            return errc::bare_cr;
        if (line.empty()) {
            // RFC 9112 §2.2: a server SHOULD ignore at least one empty line
            // before the request line. herald ignores them, within the limit.
            head_begin_ = line_begin_ + 2;
            if (head_begin_ > limits_.max_request_line)
                return errc::bad_request_line;
            return {};
        }
        request_line parsed;
        if (auto ec = parse_request_line(line, parsed))
            return ec;
        in_fields_ = true;
        return {};
    }
    if (line.empty() && crlf)
        return {}; // the end of the head; finish() takes it from here
    header_bytes_ += line.size() + 2;
    if (header_bytes_ > limits_.max_header_section)
        return errc::header_section_too_large;
    // Bare LF: RFC 9112 §2.2 lets a recipient accept LF alone as a line
    // terminator. herald rejects it, like llhttp in its strict mode: a proxy
    // in front that splits lines differently would see other fields (or
    // another request) than herald does.
    if (!crlf)
        return errc::bare_lf;
    if (line.find('\r') != std::string_view::npos)
        return errc::bare_cr; // a CR not followed by LF (§2.2)
    if (++field_count_ > limits_.max_header_fields)
        return errc::too_many_header_fields;
    field f;
    return check_field_line(line, f);
}

std::error_code request_parser::finish(std::size_t head_end) {
    // Every line is valid; now give the request its own copy of the head and
    // point the views into it. The views must survive moving the request, so
    // the bytes must live on the heap, never in a short string's inline
    // buffer (which moves with the object): a capacity of sizeof(std::string)
    // is beyond every library's inline capacity.
    buffer_.resize(head_end);
    buffer_.reserve(sizeof(std::string));
    request_.head_ = std::move(buffer_);
    buffer_ = std::string{};
    std::string_view head(request_.head_);
    head.remove_prefix(head_begin_);

    auto next_line = [&head] {
        const auto crlf = head.find("\r\n");
        const auto line = head.substr(0, crlf);
        head.remove_prefix(crlf + 2);
        return line;
    };

    request_line rl;
    (void)parse_request_line(next_line(), rl);
    request_.method = rl.method;
    request_.target = rl.target;
    request_.path = rl.path;
    request_.query = rl.query;
    request_.version_major = rl.major;
    request_.version_minor = rl.minor >= 1 ? 1 : 0;
    request_.fields.reserve(field_count_);
    for (auto line = next_line(); !line.empty(); line = next_line()) {
        // Checked as it arrived (check_line): only split it here.
        const auto colon = line.find(':');
        request_.fields.push_back({line.substr(0, colon), trim_ows(line.substr(colon + 1))});
    }

    // Semantics that need the whole head (RFC 9112 §3.2, §6).
    const auto hosts = request_.count("Host");
    if (hosts > 1)
        return errc::duplicate_host;
    if (hosts == 0 && request_.is_http11())
        return errc::missing_host;
    if (hosts == 1 && !is_host(*request_.header("Host")))
        return errc::bad_host;

    // Framing (RFC 9112 §6.1, §6.3). Whether the framing is ambiguous is
    // decided before any value is looked at, so a request carrying both
    // Transfer-Encoding and Content-Length is a 400 whatever their values:
    // that pair is the classic request-smuggling vector.
    const bool has_te = request_.count("Transfer-Encoding") > 0;
    const bool has_cl = request_.count("Content-Length") > 0;
    if (has_te && has_cl)
        return errc::conflicting_framing;
    if (has_te && !request_.is_http11())
        return errc::bad_transfer_encoding; // an HTTP/1.0 peer cannot have sent it (§6.1)

    std::optional<std::uint64_t> content_length;
    bool saw_chunked = false, chunked_last = false;
    for (const auto& f : request_.fields) {
        if (iequals(f.name, "Content-Length")) {
            if (auto ec = parse_content_length(f.value, content_length))
                return ec;
        } else if (iequals(f.name, "Transfer-Encoding")) {
            if (auto ec = check_transfer_codings(f.value, saw_chunked, chunked_last))
                return ec;
        }
    }
    if (has_te) {
        if (!saw_chunked || !chunked_last)
            return errc::bad_transfer_encoding; // the body's end could not be found
        request_.framing = body_framing::chunked;
    } else if (content_length) {
        request_.framing = *content_length > 0 ? body_framing::content_length : body_framing::none;
        request_.content_length = *content_length;
    }
    return {};
}

} // namespace herald::http
