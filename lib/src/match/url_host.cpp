// The URL Standard's host parser: IPv6 and IPv4 addresses canonicalised,
// domains mapped to ASCII by UTS #46 (libidn2), opaque hosts of non-special
// URLs percent-encoded. Two spellings of one host must serialise alike, or a
// pattern could be matched (or dodged) by the other spelling.
#include "url_detail.hpp"

#include "herald/detail/hex.hpp"

#include <idn2.h>

#include <array>
#include <cstdlib>

namespace herald::match::detail {

namespace {

using herald::detail::hex_value;
constexpr auto is_hex = herald::detail::is_hex_digit;

char lower(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_forbidden_domain_code_point(unsigned char c) noexcept {
    return is_forbidden_host_code_point(c) || c <= 0x1f || c == '%' || c == 0x7f;
}

// IPv6 --------------------------------------------------------------------

using ipv6_address = std::array<std::uint16_t, 8>;

std::optional<ipv6_address> parse_ipv6(std::string_view in) {
    ipv6_address address{};
    int piece = 0, compress = -1;
    std::size_t p = 0;
    auto at = [&](std::size_t i) -> int {
        return i < in.size() ? static_cast<unsigned char>(in[i]) : -1;
    };
    if (at(p) == ':') {
        if (at(p + 1) != ':')
            return std::nullopt;
        p += 2;
        compress = ++piece;
    }
    while (at(p) != -1) {
        if (piece == 8)
            return std::nullopt;
        if (at(p) == ':') {
            if (compress != -1)
                return std::nullopt;
            ++p;
            compress = ++piece;
            continue;
        }
        unsigned value = 0;
        int length = 0;
        while (length < 4 && is_hex(at(p))) {
            value = value * 16 + static_cast<unsigned>(hex_value(at(p)));
            ++p;
            ++length;
        }
        if (at(p) == '.') {
            if (length == 0)
                return std::nullopt;
            p -= static_cast<std::size_t>(length);
            if (piece > 6)
                return std::nullopt;
            int numbers_seen = 0;
            while (at(p) != -1) {
                int ipv4_piece = -1;
                if (numbers_seen > 0) {
                    if (at(p) == '.' && numbers_seen < 4)
                        ++p;
                    else
                        return std::nullopt;
                }
                if (at(p) < '0' || at(p) > '9')
                    return std::nullopt;
                while (at(p) >= '0' && at(p) <= '9') {
                    int number = at(p) - '0';
                    if (ipv4_piece == -1)
                        ipv4_piece = number;
                    else if (ipv4_piece == 0)
                        return std::nullopt;
                    else
                        ipv4_piece = ipv4_piece * 10 + number;
                    if (ipv4_piece > 255)
                        return std::nullopt;
                    ++p;
                }
                address[static_cast<std::size_t>(piece)] = static_cast<std::uint16_t>(
                    address[static_cast<std::size_t>(piece)] * 0x100 + ipv4_piece);
                ++numbers_seen;
                if (numbers_seen == 2 || numbers_seen == 4)
                    ++piece;
            }
            if (numbers_seen != 4)
                return std::nullopt;
            break;
        } else if (at(p) == ':') {
            ++p;
            if (at(p) == -1)
                return std::nullopt;
        } else if (at(p) != -1) {
            return std::nullopt;
        }
        address[static_cast<std::size_t>(piece)] = static_cast<std::uint16_t>(value);
        ++piece;
    }
    if (compress != -1) {
        int swaps = piece - compress;
        piece = 7;
        while (piece != 0 && swaps > 0) {
            std::swap(address[static_cast<std::size_t>(piece)],
                      address[static_cast<std::size_t>(compress + swaps - 1)]);
            --piece;
            --swaps;
        }
    } else if (piece != 8) {
        return std::nullopt;
    }
    return address;
}

std::string serialize_ipv6(const ipv6_address& address) {
    // Compress the first longest run of two or more zero pieces.
    int compress = -1, best = 1;
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && address[static_cast<std::size_t>(j)] == 0)
            ++j;
        if (j - i > best) {
            best = j - i;
            compress = i;
        }
        i = j == i ? i + 1 : j;
    }
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    bool ignore0 = false;
    for (int i = 0; i < 8; ++i) {
        if (ignore0 && address[static_cast<std::size_t>(i)] == 0)
            continue;
        ignore0 = false;
        if (compress == i) {
            out += i == 0 ? "::" : ":";
            ignore0 = true;
            continue;
        }
        unsigned v = address[static_cast<std::size_t>(i)];
        bool started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            unsigned d = (v >> shift) & 0xf;
            if (d != 0 || started || shift == 0) {
                out += digits[d];
                started = true;
            }
        }
        if (i != 7)
            out += ':';
    }
    return out;
}

// IPv4 --------------------------------------------------------------------

// The IPv4 number parser: decimal, 0x-hex, or 0-octal; saturates instead of
// overflowing (anything past 2^32 fails later anyway).
std::optional<std::uint64_t> parse_ipv4_number(std::string_view in) {
    if (in.empty())
        return std::nullopt;
    int radix = 10;
    if (in.size() >= 2 && in[0] == '0' && (in[1] == 'x' || in[1] == 'X')) {
        radix = 16;
        in.remove_prefix(2);
    } else if (in.size() >= 2 && in[0] == '0') {
        radix = 8;
        in.remove_prefix(1);
    }
    std::uint64_t value = 0;
    for (char ch : in) {
        int c = static_cast<unsigned char>(ch), d;
        if (radix == 16 && is_hex(c))
            d = hex_value(c);
        else if (c >= '0' && c <= (radix == 8 ? '7' : '9'))
            d = c - '0';
        else
            return std::nullopt;
        value = value * static_cast<unsigned>(radix) + static_cast<unsigned>(d);
        if (value > (1ULL << 40))
            value = 1ULL << 40;
    }
    return value;
}

std::vector<std::string_view> split_dots(std::string_view in) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (;;) {
        auto dot = in.find('.', start);
        parts.push_back(
            in.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (dot == std::string_view::npos)
            break;
        start = dot + 1;
    }
    return parts;
}

bool ends_in_a_number(std::string_view in) {
    auto parts = split_dots(in);
    if (parts.back().empty()) {
        if (parts.size() == 1)
            return false;
        parts.pop_back();
    }
    auto last = parts.back();
    if (!last.empty() && last.find_first_not_of("0123456789") == std::string_view::npos)
        return true;
    return parse_ipv4_number(last).has_value();
}

std::optional<std::string> parse_ipv4(std::string_view in) {
    auto parts = split_dots(in);
    if (parts.back().empty() && parts.size() > 1)
        parts.pop_back();
    if (parts.size() > 4)
        return std::nullopt;
    std::vector<std::uint64_t> numbers;
    for (auto part : parts) {
        auto n = parse_ipv4_number(part);
        if (!n)
            return std::nullopt;
        numbers.push_back(*n);
    }
    for (std::size_t i = 0; i + 1 < numbers.size(); ++i)
        if (numbers[i] > 255)
            return std::nullopt;
    if (numbers.back() >= (1ULL << (8 * (5 - numbers.size()))))
        return std::nullopt;
    std::uint64_t ipv4 = numbers.back();
    for (std::size_t i = 0; i + 1 < numbers.size(); ++i)
        ipv4 += numbers[i] << (8 * (3 - i));
    std::string out;
    for (int shift = 24; shift >= 0; shift -= 8) {
        out += std::to_string((ipv4 >> shift) & 0xff);
        if (shift)
            out += '.';
    }
    return out;
}

// Domains -----------------------------------------------------------------

std::string percent_decode(std::string_view in) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '%' && i + 2 < in.size() + 0 &&
            is_hex(static_cast<unsigned char>(in[i + 1])) &&
            is_hex(static_cast<unsigned char>(in[i + 2]))) {
            out += static_cast<char>(hex_value(static_cast<unsigned char>(in[i + 1])) * 16 +
                                     hex_value(static_cast<unsigned char>(in[i + 2])));
            i += 2;
        } else {
            out += in[i];
        }
    }
    return out;
}

// Punycode (RFC 3492), for the labels libidn2 refuses (below).
constexpr std::uint32_t base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700;

std::uint32_t adapt(std::uint32_t delta, std::uint32_t points, bool first) {
    delta = first ? delta / damp : delta / 2;
    delta += delta / points;
    std::uint32_t k = 0;
    while (delta > ((base - tmin) * tmax) / 2) {
        delta /= base - tmin;
        k += base;
    }
    return k + (base - tmin + 1) * delta / (delta + skew);
}

std::optional<std::string> punycode_encode(const std::u32string& input) {
    std::string out;
    for (char32_t c : input)
        if (c < 0x80)
            out += static_cast<char>(c);
    const std::size_t basic = out.size();
    std::size_t handled = basic;
    if (basic > 0)
        out += '-';
    std::uint32_t n = 0x80, delta = 0, bias = 72;
    while (handled < input.size()) {
        std::uint32_t m = 0xffffffff;
        for (char32_t c : input)
            if (c >= n && c < m)
                m = c;
        if ((m - n) > (0xffffffff - delta) / (handled + 1))
            return std::nullopt;
        delta += (m - n) * static_cast<std::uint32_t>(handled + 1);
        n = m;
        for (char32_t c : input) {
            if (c < n && ++delta == 0)
                return std::nullopt;
            if (c == n) {
                std::uint32_t q = delta;
                for (std::uint32_t k = base;; k += base) {
                    std::uint32_t t = k <= bias ? tmin : k >= bias + tmax ? tmax : k - bias;
                    if (q < t)
                        break;
                    std::uint32_t d = t + (q - t) % (base - t);
                    out += static_cast<char>(d < 26 ? 'a' + d : '0' + d - 26);
                    q = (q - t) / (base - t);
                }
                out += static_cast<char>(q < 26 ? 'a' + q : '0' + q - 26);
                bias = adapt(delta, static_cast<std::uint32_t>(handled + 1), handled == basic);
                delta = 0;
                ++handled;
            }
        }
        ++delta;
        ++n;
    }
    return out;
}

std::optional<std::u32string> punycode_decode(std::string_view input) {
    std::u32string out;
    auto dash = input.rfind('-');
    if (dash != std::string_view::npos) {
        for (char c : input.substr(0, dash)) {
            if (static_cast<unsigned char>(c) >= 0x80)
                return std::nullopt;
            out += static_cast<char32_t>(c);
        }
        input.remove_prefix(dash + 1);
    }
    std::uint32_t n = 0x80, i = 0, bias = 72;
    std::size_t p = 0;
    while (p < input.size()) {
        std::uint32_t old_i = i, w = 1;
        for (std::uint32_t k = base;; k += base) {
            if (p >= input.size())
                return std::nullopt;
            char c = input[p++];
            std::uint32_t digit = c >= 'a' && c <= 'z'   ? static_cast<std::uint32_t>(c - 'a')
                                  : c >= 'A' && c <= 'Z' ? static_cast<std::uint32_t>(c - 'A')
                                  : c >= '0' && c <= '9' ? static_cast<std::uint32_t>(c - '0' + 26)
                                                         : base;
            if (digit >= base || digit > (0xffffffff - i) / w)
                return std::nullopt;
            i += digit * w;
            std::uint32_t t = k <= bias ? tmin : k >= bias + tmax ? tmax : k - bias;
            if (digit < t)
                break;
            if (w > 0xffffffff / (base - t))
                return std::nullopt;
            w *= base - t;
        }
        auto length = static_cast<std::uint32_t>(out.size() + 1);
        bias = adapt(i - old_i, length, old_i == 0);
        if (i / length > 0x10ffff - n)
            return std::nullopt;
        n += i / length;
        i %= length;
        if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff))
            return std::nullopt;
        out.insert(out.begin() + i, static_cast<char32_t>(n));
        ++i;
    }
    return out;
}

std::optional<std::u32string> utf8_to_u32(std::string_view s) {
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80                ? 1
                          : c >= 0xf0 && c < 0xf5 ? 4
                          : c >= 0xe0             ? 3
                          : c >= 0xc2             ? 2
                                                  : 0;
        if (len == 0 || i + len > s.size())
            return std::nullopt;
        char32_t cp = len == 1 ? c : c & (0x7f >> len);
        for (std::size_t k = 1; k < len; ++k) {
            auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xc0) != 0x80)
                return std::nullopt;
            cp = (cp << 6) | (b & 0x3f);
        }
        out += cp;
        i += len;
    }
    return out;
}

// Symbols and emoji: valid in UTS #46 as the URL Standard applies it, but
// disallowed by IDNA2008, which libidn2 enforces. No letter is among them,
// so accepting them adds no homograph.
bool is_symbol(char32_t c) {
    return (c >= 0x2190 && c <= 0x2bff) || (c >= 0x3200 && c <= 0x33ff) ||
           (c >= 0x1f000 && c <= 0x1faff);
}

std::optional<std::string> idn2_label(const std::string& label, int& rc) {
    char* out = nullptr;
    rc = idn2_lookup_u8(reinterpret_cast<const std::uint8_t*>(label.c_str()),
                        reinterpret_cast<std::uint8_t**>(&out),
                        IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    if (rc != IDN2_OK || out == nullptr) {
        std::free(out);
        return std::nullopt;
    }
    std::string result(out);
    idn2_free(out);
    for (char& c : result)
        c = lower(c);
    return result;
}

// One label libidn2 refused: an A-label whose decoded form is not plain
// ASCII stays as it is; a U-label of lower-case ASCII and symbols is encoded.
std::optional<std::string> fallback_label(std::string_view label) {
    std::string lowered;
    for (char c : label)
        lowered += lower(c);
    if (lowered.substr(0, 4) == "xn--") {
        if (lowered.size() == 4)
            return lowered;
        auto decoded = punycode_decode(std::string_view(lowered).substr(4));
        if (!decoded)
            return std::nullopt;
        bool ascii = true;
        for (char32_t c : *decoded)
            if (c >= 0x80)
                ascii = false;
        if (ascii)
            return std::nullopt;
        for (char32_t c : *decoded)
            if (!is_symbol(c) &&
                (c >= 0x80 || !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')))
                return std::nullopt;
        return lowered;
    }
    auto code_points = utf8_to_u32(label);
    if (!code_points)
        return std::nullopt;
    bool ascii = true;
    for (char32_t c : *code_points) {
        if (c >= 0x80)
            ascii = false;
        if (!is_symbol(c) &&
            !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return std::nullopt;
    }
    if (ascii)
        return lowered;
    auto encoded = punycode_encode(*code_points);
    if (!encoded)
        return std::nullopt;
    return "xn--" + *encoded;
}

// UTS #46 ToASCII, non-transitional. An all-ASCII domain with no "xn--"
// label only needs lower-casing (the standard says so); anything else goes
// through libidn2, which maps, normalises and checks, also the punycode of
// existing A-labels. Labels it refuses only for being symbols get a second,
// narrower chance label by label.
std::optional<std::string> domain_to_ascii(const std::string& domain) {
    bool ascii = true;
    for (char c : domain)
        if (static_cast<unsigned char>(c) >= 0x80)
            ascii = false;
    std::string lowered;
    for (char c : domain)
        lowered += lower(c);
    bool has_xn = false;
    for (auto label : split_dots(lowered))
        if (label.substr(0, 4) == "xn--")
            has_xn = true;
    if (ascii && !has_xn)
        return lowered;
    if (domain.find('\0') != std::string::npos)
        return std::nullopt;
    int rc = 0;
    if (auto whole = idn2_label(domain, rc))
        return whole;
    if (rc != IDN2_DISALLOWED && rc != IDN2_INVALID_NONTRANSITIONAL &&
        rc != IDN2_PUNYCODE_BAD_INPUT)
        return std::nullopt;
    std::string result;
    bool first = true;
    for (auto label : split_dots(domain)) {
        if (!first)
            result += '.';
        first = false;
        std::string label_string(label);
        auto mapped = idn2_label(label_string, rc);
        if (!mapped && label_string.empty())
            mapped = "";
        if (!mapped)
            mapped = fallback_label(label);
        if (!mapped)
            return std::nullopt;
        result += *mapped;
    }
    return result;
}

} // namespace

bool is_forbidden_host_code_point(unsigned char c) noexcept {
    switch (c) {
    case 0x00:
    case '\t':
    case '\n':
    case '\r':
    case ' ':
    case '#':
    case '/':
    case ':':
    case '<':
    case '>':
    case '?':
    case '@':
    case '[':
    case '\\':
    case ']':
    case '^':
    case '|':
        return true;
    default:
        return false;
    }
}

std::optional<std::string> parse_host(std::string_view input, bool opaque) {
    if (!input.empty() && input.front() == '[') {
        if (input.size() < 2 || input.back() != ']')
            return std::nullopt;
        auto address = parse_ipv6(input.substr(1, input.size() - 2));
        if (!address)
            return std::nullopt;
        return "[" + serialize_ipv6(*address) + "]";
    }
    if (opaque) {
        for (char c : input)
            if (c != '%' && is_forbidden_host_code_point(static_cast<unsigned char>(c)))
                return std::nullopt;
        std::string out;
        percent_encode(out, input, encode_set::c0_control);
        return out;
    }
    auto ascii = domain_to_ascii(percent_decode(input));
    if (!ascii || ascii->empty())
        return std::nullopt;
    for (char c : *ascii)
        if (is_forbidden_domain_code_point(static_cast<unsigned char>(c)))
            return std::nullopt;
    if (ends_in_a_number(*ascii))
        return parse_ipv4(*ascii);
    return ascii;
}

} // namespace herald::match::detail
