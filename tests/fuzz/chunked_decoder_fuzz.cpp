// libFuzzer target: the body parser (chunked transfer coding) on arbitrary bytes.
//
// Input: four control bytes, then data.
//   [0] where to split the data into two reads (0..255 scaled to the length)
//   [1] mode: even — the data is a connection's bytes after a chunked head;
//       odd — the data is a body, encoded as chunks of ([3] % 16 + 1) bytes
//       (with an extension and a trailer when [3] >= 128), which must decode
//       back to itself, however split
//   [2] 0: the default body_limits; otherwise small ones, so that the limit
//       paths are reachable with short inputs: body [2] * 2, extensions [2] / 4,
//       trailer [2] / 2 + 4
// In the first mode, the data is parsed whole, split in two and byte by byte;
// all three must give the same answer, consistent with the input.
#include "herald/http/body_parser.hpp"

#include "herald/error.hpp"

#include "invariant.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using herald::http::body_framing;
using herald::http::body_limits;
using herald::http::body_parser;
using status = body_parser::status;

using herald::fuzz::expect;

struct answer {
    status state = status::need_more;
    std::error_code ec;
    std::size_t consumed = 0;
    std::string body;

    bool operator==(const answer&) const = default;
};

answer parse(const body_limits& limits, std::string_view input, std::size_t piece) {
    body_parser p(body_framing::chunked, 0, limits);
    answer a;
    body_parser::result r{status::need_more, 0};
    for (std::size_t i = 0; i < input.size() && r.state == status::need_more; i += piece) {
        r = p.feed(input.substr(i, piece));
        a.consumed += r.consumed;
    }
    a.state = r.state;
    a.ec = p.error();
    if (r.state == status::error) {
        a.consumed = 0; // unspecified on error
    } else {
        a.body = p.body();
    }
    if (r.state != status::need_more) {
        const auto again = p.feed("0\r\n\r\n");
        expect(again.state == r.state && again.consumed == 0, "answer changed after the end");
    }
    return a;
}

void check_invariants(const body_limits& limits, std::string_view input, const answer& a) {
    expect(a.consumed <= input.size(), "consumed more than it was given");
    expect(a.body.size() <= limits.max_body, "a body over the limit");
    switch (a.state) {
    case status::need_more:
        expect(!a.ec, "need_more with an error");
        break;
    case status::error:
        expect(a.ec.category() == herald::error_category(), "error outside herald's category");
        expect(herald::http_status_for(a.ec) >= 400 && herald::http_status_for(a.ec) < 500,
               "error without a client error status");
        break;
    case status::done: {
        const auto framing = input.substr(0, a.consumed);
        expect(framing.size() >= 5 && framing.substr(framing.size() - 4) == "\r\n\r\n",
               "a chunked body that does not end with CRLF CRLF");
        expect(a.body.size() < framing.size(), "a body longer than its framing");
        break;
    }
    }
}

std::string encode_chunked(std::string_view body, std::size_t chunk, bool decorate) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < body.size(); i += chunk) {
        const auto piece = body.substr(i, chunk);
        std::string size;
        for (auto n = piece.size(); n > 0; n /= 16)
            size.insert(size.begin(), hex[n % 16]);
        out += size;
        if (decorate)
            out += " ; ext=\"v\"";
        out += "\r\n";
        out += piece;
        out += "\r\n";
    }
    out += decorate ? "0\r\nX-Trailer: t\r\n\r\n" : "0\r\n\r\n";
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 4)
        return 0;
    body_limits limits;
    if (data[2] != 0) {
        limits.max_body = std::size_t(data[2]) * 2;
        limits.max_chunk_extensions = std::size_t(data[2]) / 4;
        limits.max_trailer_section = std::size_t(data[2]) / 2 + 4;
    }
    const std::string_view data_bytes(reinterpret_cast<const char*>(data) + 4, size - 4);

    if (data[1] % 2 == 1) {
        const std::size_t chunk = data[3] % 16 + 1;
        // Each decorated chunk carries 10 bytes of extension; stay under the limit.
        const bool decorate = data[3] >= 128 && (data_bytes.size() / chunk + 1) * 10 < 4000;
        const auto encoded = encode_chunked(data_bytes, chunk, decorate);
        const std::size_t piece = std::max<std::size_t>(1, encoded.size() * data[0] / 255);
        const auto a = parse(body_limits{}, encoded, piece);
        expect(a.state == status::done, "a well-formed chunked body was not accepted");
        expect(a.consumed == encoded.size(), "a well-formed chunked body was not consumed");
        expect(a.body == data_bytes, "a chunked body did not decode to itself");
        return 0;
    }

    const std::size_t split = data_bytes.size() * data[0] / 255;
    const auto whole = parse(limits, data_bytes, data_bytes.size() + 1);
    check_invariants(limits, data_bytes, whole);
    body_parser p(body_framing::chunked, 0, limits);
    answer halves;
    {
        auto r = p.feed(data_bytes.substr(0, split));
        halves.consumed = r.consumed;
        if (r.state == status::need_more) {
            r = p.feed(data_bytes.substr(split));
            halves.consumed += r.consumed;
        }
        halves.state = r.state;
        halves.ec = p.error();
        if (r.state == status::error)
            halves.consumed = 0;
        else
            halves.body = p.body();
    }
    expect(whole == halves, "the answer depends on where the input was split");
    expect(whole == parse(limits, data_bytes, 1), "the answer differs byte by byte");
    return 0;
}
