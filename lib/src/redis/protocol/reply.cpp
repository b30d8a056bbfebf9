#include "herald/redis/reply.hpp"

#include <ostream>

namespace herald::redis {
namespace {

void quote(std::string& out, const std::string& s) {
    out += '"';
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c >= 0x7f) {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    out += '"';
}

void write(std::string& out, const reply& r) {
    switch (r.kind) {
    case reply::type::simple_string:
        out += r.str;
        break;
    case reply::type::error:
        out += "(error) ";
        out += r.str;
        break;
    case reply::type::integer:
        out += "(integer) ";
        out += std::to_string(r.integer);
        break;
    case reply::type::bulk_string:
        quote(out, r.str);
        break;
    case reply::type::null_bulk_string:
        out += "(nil)";
        break;
    case reply::type::null_array:
        out += "(nil array)";
        break;
    case reply::type::array:
        out += '[';
        for (std::size_t i = 0; i < r.elements.size(); ++i) {
            if (i > 0)
                out += ", ";
            write(out, r.elements[i]);
        }
        out += ']';
        break;
    }
}

} // namespace

std::string to_string(const reply& r) {
    std::string out;
    write(out, r);
    return out;
}

std::string preview(const reply& r, std::size_t limit) {
    std::string out = to_string(r);
    if (out.size() > limit) {
        out.resize(limit);
        out += "...";
    }
    return out;
}

std::ostream& operator<<(std::ostream& out, const reply& r) {
    return out << to_string(r);
}

} // namespace herald::redis
