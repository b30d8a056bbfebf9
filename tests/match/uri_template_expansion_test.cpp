// A property check beyond the suite's fixed examples: random templates,
// random variable values (strings with reserved, escaped and non-ASCII
// characters, lists, maps, undefined), expanded by a straightforward RFC 6570
// expander written here; every expansion must match its template.
#include "herald/match/uri_template.hpp"

#include "catch.hpp"

#include <map>
#include <random>
#include <string>
#include <variant>
#include <vector>

using herald::match::uri_template;

namespace {

using list = std::vector<std::string>;
using map = std::vector<std::pair<std::string, std::string>>;
using value = std::variant<std::monostate, std::string, list, map>;

struct op_info {
    char op;
    const char* first;
    const char* sep;
    bool named;
    const char* ifemp;
    bool allow_reserved;
};

constexpr op_info ops[] = {
    {'\0', "", ",", false, "", false}, {'+', "", ",", false, "", true},
    {'#', "#", ",", false, "", true},  {'.', ".", ".", false, "", false},
    {'/', "/", "/", false, "", false}, {';', ";", ";", true, "", false},
    {'?', "?", "&", true, "=", false}, {'&', "&", "&", true, "=", false},
};

bool unreserved(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

bool reserved(char c) {
    return std::string_view(":/?#[]@!$&'()*+,;=").find(c) != std::string_view::npos;
}

bool hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

std::string encode(const std::string& s, bool allow_reserved) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (unreserved(c) || (allow_reserved && reserved(c))) {
            out += c;
        } else if (allow_reserved && c == '%' && i + 2 < s.size() && hex(s[i + 1]) &&
                   hex(s[i + 2])) {
            out += s.substr(i, 3);
            i += 2;
        } else {
            const auto b = static_cast<unsigned char>(c);
            out += '%';
            out += digits[b >> 4];
            out += digits[b & 0xF];
        }
    }
    return out;
}

// The first n code points of a UTF-8 string.
std::string prefix(const std::string& s, int n) {
    std::size_t i = 0;
    while (i < s.size() && n > 0) {
        ++i;
        while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) {
            ++i;
        }
        --n;
    }
    return s.substr(0, i);
}

std::string encode_literal(const std::string& s) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (char c : s) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x80) {
            out += c;
        } else {
            out += '%';
            out += digits[b >> 4];
            out += digits[b & 0xF];
        }
    }
    return out;
}

struct varspec {
    std::string name;
    int prefix = 0;
    bool explode = false;
};

std::string expand(const op_info& op, const std::vector<varspec>& vars,
                   const std::map<std::string, value>& values) {
    std::string out;
    bool first = true;
    for (const varspec& v : vars) {
        const value& val = values.at(v.name);
        if (std::holds_alternative<std::monostate>(val) ||
            (std::holds_alternative<list>(val) && std::get<list>(val).empty()) ||
            (std::holds_alternative<map>(val) && std::get<map>(val).empty())) {
            continue;
        }
        out += first ? op.first : op.sep;
        first = false;
        if (const auto* s = std::get_if<std::string>(&val)) {
            if (op.named) {
                out += v.name;
                if (s->empty()) {
                    out += op.ifemp;
                    continue;
                }
                out += '=';
            }
            out += encode(v.prefix ? prefix(*s, v.prefix) : *s, op.allow_reserved);
        } else if (!v.explode) {
            if (op.named) {
                out += v.name + "=";
            }
            std::string joined;
            if (const auto* l = std::get_if<list>(&val)) {
                for (const auto& item : *l) {
                    joined += (joined.empty() ? "" : ",") + encode(item, op.allow_reserved);
                }
            } else {
                bool first_pair = true;
                for (const auto& [k, x] : std::get<map>(val)) {
                    joined += (first_pair ? "" : ",") + encode(k, op.allow_reserved) + "," +
                              encode(x, op.allow_reserved);
                    first_pair = false;
                }
            }
            out += joined;
        } else {
            bool first_item = true;
            auto sep = [&] {
                if (!first_item) {
                    out += op.sep;
                }
                first_item = false;
            };
            if (const auto* l = std::get_if<list>(&val)) {
                for (const auto& item : *l) {
                    sep();
                    if (op.named) {
                        out += v.name;
                        out += item.empty() ? std::string(op.ifemp)
                                            : "=" + encode(item, op.allow_reserved);
                    } else {
                        out += encode(item, op.allow_reserved);
                    }
                }
            } else {
                for (const auto& [k, x] : std::get<map>(val)) {
                    sep();
                    out += encode(k, op.allow_reserved);
                    if (op.named) {
                        out +=
                            x.empty() ? std::string(op.ifemp) : "=" + encode(x, op.allow_reserved);
                    } else {
                        out += "=" + encode(x, op.allow_reserved);
                    }
                }
            }
        }
    }
    return out;
}

} // namespace

TEST_CASE("random expansions of random templates match their templates") {
    std::mt19937 rng(6570);
    const std::vector<std::string> pieces{"a",
                                          "Z",
                                          "9",
                                          "-",
                                          ".",
                                          "_",
                                          "~",
                                          "/",
                                          "?",
                                          "#",
                                          "[",
                                          "]",
                                          "@",
                                          "!",
                                          "$",
                                          "&",
                                          "'",
                                          "(",
                                          ")",
                                          "*",
                                          "+",
                                          ",",
                                          ";",
                                          "=",
                                          ":",
                                          "%",
                                          "%2F",
                                          "%zz",
                                          " ",
                                          "\"",
                                          "<",
                                          "\xC3\xA9",
                                          "\xE2\x82\xAC",
                                          "\xF0\x9F\x98\x80",
                                          "{",
                                          "}",
                                          "|",
                                          "\\",
                                          "^",
                                          "`"};
    const std::vector<std::string> literals{"https://example.com/", "/",   "x", ".", "?a=1", "",
                                            "caf\xC3\xA9",          "%20", ";", "&", "#"};
    auto random_string = [&] {
        std::string s;
        const int n = static_cast<int>(rng() % 6);
        for (int i = 0; i < n; ++i) {
            s += pieces[rng() % pieces.size()];
        }
        return s;
    };
    int checked = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string text;
        std::vector<std::pair<const op_info*, std::vector<varspec>>> expressions;
        std::map<std::string, value> values;
        std::vector<std::string> parts; // literal, or "" for an expression slot
        const int n_expr = 1 + static_cast<int>(rng() % 3);
        int var_id = 0;
        for (int e = 0; e < n_expr; ++e) {
            parts.push_back(literals[rng() % literals.size()]);
            const op_info& op = ops[rng() % std::size(ops)];
            std::vector<varspec> vars;
            const int n_vars = 1 + static_cast<int>(rng() % 3);
            for (int k = 0; k < n_vars; ++k) {
                varspec v;
                v.name = "v" + std::to_string(var_id++);
                const int mod = static_cast<int>(rng() % 4);
                if (mod == 1) {
                    v.explode = true;
                } else if (mod == 2) {
                    v.prefix = 1 + static_cast<int>(rng() % 5);
                }
                vars.push_back(v);
            }
            expressions.emplace_back(&op, vars);
        }
        parts.push_back(literals[rng() % literals.size()]);
        text = parts[0];
        for (std::size_t e = 0; e < expressions.size(); ++e) {
            const auto& [op, vars] = expressions[e];
            text += '{';
            if (op->op) {
                text += op->op;
            }
            for (std::size_t k = 0; k < vars.size(); ++k) {
                text += (k ? "," : "") + vars[k].name;
                if (vars[k].explode) {
                    text += '*';
                } else if (vars[k].prefix) {
                    text += ':' + std::to_string(vars[k].prefix);
                }
            }
            text += '}';
            text += parts[e + 1];
        }
        std::string error;
        auto t = uri_template::compile(text, error);
        INFO(text << ": " << error);
        REQUIRE(t);
        for (int sample = 0; sample < 5; ++sample) {
            for (const auto& [op, vars] : expressions) {
                for (const varspec& v : vars) {
                    const int kind = static_cast<int>(rng() % (v.prefix ? 2 : 4));
                    value val;
                    if (kind == 1) {
                        val = random_string();
                    } else if (kind == 2) {
                        list l(rng() % 4);
                        for (auto& item : l) {
                            item = random_string();
                        }
                        val = l;
                    } else if (kind == 3) {
                        map m(rng() % 4);
                        for (auto& [k, x] : m) {
                            k = random_string();
                            x = random_string();
                        }
                        val = m;
                    }
                    values[v.name] = val;
                }
            }
            // Non-ASCII literals expand percent-encoded; ASCII ones as written.
            std::string expansion = encode_literal(parts[0]);
            for (std::size_t e = 0; e < expressions.size(); ++e) {
                expansion += expand(*expressions[e].first, expressions[e].second, values);
                expansion += encode_literal(parts[e + 1]);
            }
            INFO("expansion: " << expansion << "\nregex: " << t->regex());
            CHECK(t->matches(expansion));
            ++checked;
        }
    }
    CHECK(checked == 15000);
}
