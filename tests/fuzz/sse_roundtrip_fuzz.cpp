// libFuzzer target: whatever sse::encode() accepts, herald's own WHATWG
// client parser reads back as the same event; whatever it rejects, it
// rejects for a documented reason and writes nothing. The same for comments.
//
// The fuzz bytes become an event's fields (and a comment) through
// FuzzedDataProvider; the encoded bytes are parsed split in two at a
// data-derived offset, so line ends split across reads are covered too.
#include "herald/error.hpp"
#include "herald/sse/encoder.hpp"
#include "herald/sse/parser.hpp"

#include "invariant.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace {

using herald::fuzz::expect;

struct recorder {
    struct seen {
        std::string type, data, id;
    };
    std::vector<seen> events;
    std::vector<std::string> comments;
    std::size_t other_fields = 0;

    void on_event(const herald::sse::received_event& e) {
        events.push_back({std::string(e.type), std::string(e.data), std::string(e.last_event_id)});
    }
    void on_comment(std::string_view text) { comments.emplace_back(text); }
    void on_field(std::string_view, std::string_view) { ++other_fields; }
};

// The lines of `text` as the spec splits them: CRLF, CR and LF all end one.
std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> lines;
    std::string line;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' || text[i] == '\n') {
            lines.push_back(line);
            line.clear();
            if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
        } else {
            line += text[i];
        }
    }
    lines.push_back(line);
    return lines;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i)
        out += (i ? "\n" : "") + lines[i];
    return out;
}

recorder parse(std::string_view stream, std::size_t split, herald::sse::parser& p) {
    recorder r;
    split = stream.empty() ? 0 : split % (stream.size() + 1);
    p.feed(stream.substr(0, split), r);
    p.feed(stream.substr(split), r);
    return r;
}

void roundtrip_event(FuzzedDataProvider& in) {
    herald::sse::event e;
    e.type = in.ConsumeRandomLengthString(64);
    if (in.ConsumeBool())
        e.id = in.ConsumeRandomLengthString(64);
    if (in.ConsumeBool())
        e.retry = std::chrono::milliseconds(in.ConsumeIntegral<std::int64_t>());
    e.data = in.ConsumeRandomLengthString(2048);
    const auto split = in.ConsumeIntegral<std::size_t>();

    const bool line_break = e.type.find_first_of("\r\n") != std::string::npos ||
                            (e.id && e.id->find_first_of("\r\n") != std::string::npos);
    const bool nul_id = e.id && e.id->find('\0') != std::string::npos;
    const bool bad_utf8 = !herald::sse::is_valid_utf8(e.type) ||
                          !herald::sse::is_valid_utf8(e.data) ||
                          (e.id && !herald::sse::is_valid_utf8(*e.id));
    const bool negative_retry = e.retry && e.retry->count() < 0;

    std::string out = "unchanged";
    const auto ec = herald::sse::encode(e, out);
    if (ec) {
        expect(out == "unchanged", "a rejected event changed the output");
        expect(line_break || nul_id || bad_utf8 || negative_retry, "a valid event was rejected");
        if (ec == herald::errc::field_has_line_break)
            expect(line_break, "field_has_line_break without a line break");
        if (ec == herald::errc::id_has_nul)
            expect(nul_id, "id_has_nul without a NUL");
        if (ec == herald::errc::invalid_utf8)
            expect(bad_utf8, "invalid_utf8 for valid UTF-8");
        return;
    }
    expect(!line_break && !nul_id && !bad_utf8 && !negative_retry, "an invalid event was encoded");
    expect(out.rfind("unchanged", 0) == 0, "encode() did not append");
    const std::string_view stream = std::string_view(out).substr(9);

    herald::sse::parser p;
    const auto got = parse(stream, split, p);
    expect(got.events.size() == 1, "not exactly one event");
    expect(got.comments.empty() && got.other_fields == 0, "extra lines in an encoded event");
    const auto& ev = got.events.front();
    expect(ev.type == (e.type.empty() ? "message" : e.type), "the type did not survive");
    expect(ev.data == joined(lines_of(e.data)), "the data did not survive");
    expect(ev.id == e.id.value_or(""), "the id did not survive");
    if (e.retry)
        expect(p.retry() == std::uint64_t(e.retry->count()), "the retry did not survive");
    else
        expect(!p.retry(), "a retry appeared from nowhere");
}

void roundtrip_comment(FuzzedDataProvider& in) {
    const auto text = in.ConsumeRandomLengthString(512);
    const auto split = in.ConsumeIntegral<std::size_t>();
    std::string out;
    const auto ec = herald::sse::encode_comment(text, out);
    if (ec) {
        expect(ec == herald::errc::invalid_utf8 && !herald::sse::is_valid_utf8(text),
               "a valid comment was rejected");
        expect(out.empty(), "a rejected comment changed the output");
        return;
    }
    herald::sse::parser p;
    const auto got = parse(out, split, p);
    expect(got.events.empty() && got.other_fields == 0, "a comment produced an event or field");
    const auto lines = lines_of(text);
    expect(got.comments.size() == lines.size(), "a comment line was lost or added");
    for (std::size_t i = 0; i < lines.size(); ++i)
        expect(got.comments[i] == (lines[i].empty() ? "" : " " + lines[i]),
               "a comment line did not survive");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    if (in.ConsumeBool())
        roundtrip_comment(in);
    else
        roundtrip_event(in);
    return 0;
}
