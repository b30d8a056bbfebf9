#include "publish_format.hpp"

#include <charconv>
#include <cmath>

namespace herald::bench {
namespace {

constexpr char hex[] = "0123456789ABCDEF";

bool is_alnum(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

void append_escaped(std::string& out, char c) {
    const auto u = static_cast<unsigned char>(c);
    out += '%';
    out += hex[u >> 4];
    out += hex[u & 15];
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() &&
           (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
        s.remove_prefix(1);
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

template <typename T>
bool parse_number(std::string_view text, T& out) noexcept {
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && p == text.data() + text.size() && !text.empty();
}

} // namespace

std::string percent_encode(std::string_view text) {
    std::string out;
    out.reserve(text.size() * 3);
    for (char c : text) {
        if (is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
            out += c;
        else
            append_escaped(out, c);
    }
    return out;
}

std::string form_encode(std::string_view text) {
    std::string out;
    out.reserve(text.size() * 3);
    for (char c : text) {
        if (is_alnum(c) || c == '*' || c == '-' || c == '.' || c == '_')
            out += c;
        else if (c == ' ')
            out += '+';
        else
            append_escaped(out, c);
    }
    return out;
}

std::string expand_template(std::string_view url_template, std::string_view topic) {
    constexpr std::string_view placeholder = "{topic}";
    std::string out;
    std::string encoded;
    for (;;) {
        const auto at = url_template.find(placeholder);
        out.append(url_template.substr(0, at));
        if (at == std::string_view::npos)
            return out;
        if (encoded.empty())
            encoded = percent_encode(topic);
        out += encoded;
        url_template.remove_prefix(at + placeholder.size());
    }
}

std::string topic_name(std::string_view prefix, std::uint64_t index) {
    std::string out(prefix);
    out += '/';
    out += std::to_string(index);
    return out;
}

std::string make_data(const update_stamp& stamp, std::size_t payload_bytes) {
    std::string out = std::to_string(stamp.seq) + ' ' + std::to_string(stamp.sched_us) + ' ' +
                      std::to_string(stamp.topic);
    if (payload_bytes > out.size() + 1) {
        out += ' ';
        out.append(payload_bytes - out.size(), 'x');
    }
    return out;
}

bool parse_data(std::string_view data, update_stamp& out) {
    const auto a = data.find(' ');
    if (a == std::string_view::npos)
        return false;
    const auto b = data.find(' ', a + 1);
    if (b == std::string_view::npos)
        return false;
    auto c = data.find(' ', b + 1);
    const auto topic = data.substr(b + 1, c == std::string_view::npos ? c : c - b - 1);
    update_stamp s;
    if (!parse_number(data.substr(0, a), s.seq) ||
        !parse_number(data.substr(a + 1, b - a - 1), s.sched_us) || !parse_number(topic, s.topic))
        return false;
    out = s;
    return true;
}

std::uint64_t publish_schedule::count_before(std::uint64_t span_us) const noexcept {
    // The smallest k with due_us(k) >= span_us, found from the estimate and
    // corrected for floating-point rounding either way.
    auto k = std::uint64_t(std::ceil(double(span_us) * rate / 1e6));
    while (k > 0 && due_us(k - 1) >= span_us)
        --k;
    while (due_us(k) < span_us)
        ++k;
    return k;
}

std::string host_header(const url_parts& where) {
    std::string h = where.host.find(':') != std::string::npos ? "[" + where.host + "]" : where.host;
    if (where.port != 80)
        h += ":" + std::to_string(where.port);
    return h;
}

std::string build_publish_request(publish_format format, const url_parts& where,
                                  std::string_view target, std::string_view topic,
                                  std::string_view data, std::string_view token) {
    std::string body;
    std::string_view content_type;
    if (format == publish_format::mercure) {
        body = "topic=" + form_encode(topic) + "&data=" + form_encode(data);
        content_type = "application/x-www-form-urlencoded";
    } else {
        body = std::string(data);
        content_type = "text/plain";
    }
    std::string r = "POST ";
    r += target;
    r += " HTTP/1.1\r\nHost: " + host_header(where) + "\r\nUser-Agent: herald-bench\r\n";
    r += "Content-Type: ";
    r += content_type;
    r += "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    if (format == publish_format::nchan)
        r += "Accept: text/plain\r\n";
    if (!token.empty()) {
        r += "Authorization: Bearer ";
        r += token;
        r += "\r\n";
    }
    r += "\r\n";
    r += body;
    return r;
}

bool publish_accepted(publish_format format, int status) noexcept {
    if (format == publish_format::mercure)
        return status == 200;
    return status == 200 || status == 201 || status == 202;
}

std::string published_id(publish_format format, std::string_view body) {
    if (format == publish_format::mercure)
        return std::string(trim(body));
    constexpr std::string_view label = "last message id:";
    const auto at = body.find(label);
    if (at == std::string_view::npos)
        return {};
    auto rest = body.substr(at + label.size());
    return std::string(trim(rest.substr(0, rest.find('\n'))));
}

} // namespace herald::bench
