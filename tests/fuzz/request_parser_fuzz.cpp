// libFuzzer target: the request parser on arbitrary bytes.
//
// Input: four control bytes, then the bytes of the connection.
//   [0] where to split the connection's bytes into two reads (0..255 scaled
//       to the length)
//   [1] 0: the default request_limits; otherwise small limits, so that the
//       limit paths are reachable with short inputs: request line [1] + 8
//   [2] header section [2] * 4 + 16
//   [3] header fields [3] % 32 + 1
// The bytes are parsed whole and split in two; both must give the same
// answer, and the answer must be consistent with the input. Any difference or
// broken invariant aborts, which libFuzzer reports as a finding.
#include "herald/http/request_parser.hpp"

#include "herald/error.hpp"

#include "invariant.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using herald::http::request_parser;
using status = request_parser::status;

using herald::fuzz::expect;

// Everything a parse produced, copied out of the parser.
struct answer {
    status state = status::need_more;
    std::error_code ec;
    std::size_t consumed = 0;
    std::string method, target, path, query;
    int minor = -1;
    herald::http::body_framing framing{};
    std::uint64_t content_length = 0;
    std::vector<std::pair<std::string, std::string>> fields;

    bool operator==(const answer&) const = default;
};

answer parse(const herald::http::request_limits& limits, std::string_view first,
             std::string_view second) {
    request_parser p(limits);
    answer a;
    auto r = p.feed(first);
    a.consumed = r.consumed;
    if (r.state == status::need_more && !second.empty()) {
        r = p.feed(second);
        a.consumed += r.consumed;
    }
    a.state = r.state;
    a.ec = p.error();
    if (r.state == status::error)
        a.consumed = 0; // unspecified on error: a rejected head is never used
    // A finished parser stays finished, and consumes nothing more.
    if (r.state != status::need_more) {
        const auto again = p.feed("x");
        expect(again.state == r.state && again.consumed == 0, "answer changed after the end");
    }
    if (r.state == status::done) {
        // Moving the request must keep its views valid.
        const herald::http::request req(std::move(p.get()));
        a.method = req.method;
        a.target = req.target;
        a.path = req.path;
        a.query = req.query;
        a.minor = req.version_minor;
        a.framing = req.framing;
        a.content_length = req.content_length;
        for (const auto& f : req.fields)
            a.fields.emplace_back(f.name, f.value);
    }
    return a;
}

void check_invariants(const herald::http::request_limits& limits, std::string_view input,
                      const answer& a) {
    expect(a.consumed <= input.size(), "consumed more than it was given");
    switch (a.state) {
    case status::need_more:
        expect(!a.ec, "need_more with an error");
        expect(a.consumed == input.size(), "need_more without consuming everything");
        break;
    case status::error:
        expect(bool(a.ec), "error without an error code");
        expect(a.ec.category() == herald::error_category(), "error outside herald's category");
        expect(herald::http_status_for(a.ec) >= 400 && herald::http_status_for(a.ec) < 600,
               "error without an error status");
        break;
    case status::done: {
        expect(!a.ec, "done with an error");
        const auto head = input.substr(0, a.consumed);
        expect(head.size() >= 4 && head.substr(head.size() - 4) == "\r\n\r\n",
               "a head that does not end with CRLF CRLF");
        expect(head.find('\0') == std::string_view::npos, "NUL accepted in a head");
        expect(a.fields.size() <= limits.max_header_fields, "more fields than the limit");
        expect(!a.method.empty() && a.method.find_first_of(" \t\r\n:/") == std::string::npos,
               "a method that is not a token");
        expect(a.minor == 0 || a.minor == 1, "a minor version other than 0 or 1");
        for (const auto& [name, value] : a.fields) {
            expect(!name.empty() && name.find_first_of(" \t\r\n:") == std::string::npos,
                   "a field name that is not a token");
            expect(value.find_first_of("\r\n") == std::string::npos, "CR or LF in a field value");
            expect(value.empty() || (value.front() != ' ' && value.back() != ' '),
                   "a field value with surrounding whitespace");
        }
        break;
    }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 4)
        return 0;
    herald::http::request_limits limits;
    if (data[1] != 0) {
        limits.max_request_line = std::size_t(data[1]) + 8;
        limits.max_header_section = std::size_t(data[2]) * 4 + 16;
        limits.max_header_fields = std::size_t(data[3] % 32) + 1;
    }
    const std::string_view input(reinterpret_cast<const char*>(data) + 4, size - 4);
    const std::size_t split = input.size() * data[0] / 255;

    const auto whole = parse(limits, input, {});
    const auto halves = parse(limits, input.substr(0, split), input.substr(split));
    check_invariants(limits, input, whole);
    expect(whole == halves, "the answer depends on where the input was split");
    return 0;
}
