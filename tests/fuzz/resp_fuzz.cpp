// libFuzzer target: the RESP2 reply parser and the command formatter.
//
// Input: one control byte, then the bytes.
//   [0] bits 0-5: chunk size - 1 for the split feed; bit 6: round-trip mode.
// Parse mode: the bytes fed whole and fed in chunks (calling next() between
// chunks, as a connection does) must give the same replies and the same
// error; nothing may crash, leak or allocate beyond what the bytes justify.
// Round-trip mode: the bytes, cut at '\n', are a command's arguments:
// format_command() and a parse of its output must give them back as an
// array of bulk strings.
#include "herald/redis/command.hpp"
#include "herald/redis/reply_parser.hpp"

#include "invariant.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using herald::redis::reply;
using herald::redis::reply_parser;

using herald::fuzz::expect;

struct outcome {
    std::vector<reply> replies;
    std::error_code ec;
};

void drain(reply_parser& p, outcome& out) {
    while (auto r = p.next())
        out.replies.push_back(std::move(*r));
    out.ec = p.error();
}

void check_depth(const reply& r, int depth) {
    expect(depth <= 9, "reply nested deeper than hiredis allows");
    if (r.kind != reply::type::array)
        expect(r.elements.empty(), "elements on a non-array");
    for (const auto& e : r.elements)
        check_depth(e, depth + 1);
}

void parse_mode(std::string_view bytes, std::size_t chunk) {
    outcome whole;
    {
        reply_parser p;
        p.feed(bytes);
        drain(p, whole);
    }
    outcome split;
    {
        reply_parser p;
        for (std::size_t i = 0; i < bytes.size(); i += chunk) {
            p.feed(bytes.substr(i, chunk));
            drain(p, split);
        }
    }
    expect(whole.ec == split.ec, "error depends on how the bytes were split");
    expect(whole.replies == split.replies, "replies depend on how the bytes were split");
    for (const auto& r : whole.replies)
        check_depth(r, 1);

    // A small limit must fail cleanly or parse the same replies.
    reply_parser small(64);
    outcome limited;
    small.feed(bytes);
    drain(small, limited);
    if (!limited.ec)
        expect(limited.replies == whole.replies, "a limit changed the replies");
}

void round_trip_mode(std::string_view bytes) {
    std::vector<std::string_view> args;
    std::size_t start = 0;
    for (;;) {
        const auto nl = bytes.find('\n', start);
        args.push_back(bytes.substr(start, nl == std::string_view::npos ? nl : nl - start));
        if (nl == std::string_view::npos)
            break;
        start = nl + 1;
    }
    const std::string formatted = herald::redis::format_command(args);
    reply_parser p;
    p.feed(formatted);
    auto r = p.next();
    expect(r.has_value(), "a formatted command does not parse");
    expect(!p.next() && !p.error(), "a formatted command parses into more than one reply");
    expect(r->kind == reply::type::array && r->elements.size() == args.size(),
           "a formatted command is not an array of its arguments");
    for (std::size_t i = 0; i < args.size(); ++i)
        expect(r->elements[i].kind == reply::type::bulk_string && r->elements[i].str == args[i],
               "an argument changed in the round trip");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    const std::uint8_t control = data[0];
    const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
    if (control & 0x40)
        round_trip_mode(bytes);
    else
        parse_mode(bytes, (control & 0x3f) + 1u);
    return 0;
}
