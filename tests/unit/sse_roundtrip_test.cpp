// Property: whatever event the encoder accepts, the WHATWG parser reads back
// the same event, however the bytes are chopped on the way. Data may hold any
// Unicode text with CR, LF and CRLF mixed at random; the client sees every
// line end as LF, so that is the one difference allowed.
#include "herald/sse/encoder.hpp"
#include "herald/sse/parser.hpp"
#include "herald/sse/stream_writer.hpp"

#include "catch.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <exception>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using herald::sse::event;

/// The seed is fixed so a failure reproduces; HERALD_TEST_SEED tries another.
std::uint32_t test_seed() {
    if (const char* s = std::getenv("HERALD_TEST_SEED"))
        return std::uint32_t(std::strtoul(s, nullptr, 10));
    return 20240611;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

class generator {
public:
    explicit generator(std::uint32_t seed)
        : rng_(seed) {}

    std::size_t below(std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
    }
    bool one_in(std::size_t n) { return below(n) == 0; }

    /// Random text: ASCII (with the characters the format gives meaning to:
    /// ':', ' ', NUL), and 2-, 3- and 4-byte UTF-8, including code points
    /// that look like line ends elsewhere (NEL, U+2028) or like a BOM. With
    /// `line_breaks`, CR, LF and CRLF too.
    std::string text(std::size_t max_chars, bool line_breaks, bool nul) {
        static constexpr char32_t tricky[] = {U':',   U' ',   U'\t',  U'\v',    U'\f',
                                              0x7F,   0x85,   0xA0,   0xFEFF,   0x2028,
                                              0x2029, 0xFFFD, 0xFFFF, 0x10FFFF, 0x1F600};
        std::string out;
        const auto n = below(max_chars + 1);
        for (std::size_t i = 0; i < n; ++i) {
            switch (below(line_breaks ? 8 : 6)) {
            case 0:
                append_utf8(out, char32_t(0x20 + below(0x5F)));
                break;
            case 1:
                append_utf8(out, char32_t(0x80 + below(0x800 - 0x80)));
                break;
            case 2: {
                // 3 bytes, skipping the surrogates, which UTF-8 cannot encode.
                auto cp = char32_t(0x800 + below(0x10000 - 0x800 - 0x800));
                append_utf8(out, cp < 0xD800 ? cp : cp + 0x800);
                break;
            }
            case 3:
                append_utf8(out, char32_t(0x10000 + below(0x110000 - 0x10000)));
                break;
            case 4:
                append_utf8(out, tricky[below(std::size(tricky))]);
                break;
            case 5:
                if (nul && one_in(4))
                    out += '\0';
                else
                    append_utf8(out, char32_t(0x20 + below(0x5F)));
                break;
            default: {
                static constexpr std::string_view breaks[] = {"\r", "\n", "\r\n"};
                out += breaks[below(3)];
                break;
            }
            }
        }
        return out;
    }

    event random_event() {
        event e;
        e.data = text(24, true, true);
        if (!one_in(3))
            e.type = text(8, false, true);
        if (const auto r = below(6); r == 0)
            e.id = "";
        else if (r < 4)
            e.id = text(8, false, false);
        if (one_in(4))
            e.retry = std::chrono::milliseconds(below(1'000'000'000));
        return e;
    }

    /// Cuts `bytes` into 1 to 8 chunks at random offsets, or byte by byte.
    std::vector<std::string_view> chop(std::string_view bytes) {
        std::vector<std::string_view> chunks;
        if (one_in(10)) {
            for (std::size_t i = 0; i < bytes.size(); ++i)
                chunks.push_back(bytes.substr(i, 1));
            return chunks;
        }
        std::vector<std::size_t> cuts{0, bytes.size()};
        for (auto k = below(8); k > 0; --k)
            cuts.push_back(below(bytes.size() + 1));
        std::sort(cuts.begin(), cuts.end());
        for (std::size_t i = 0; i + 1 < cuts.size(); ++i)
            chunks.push_back(bytes.substr(cuts[i], cuts[i + 1] - cuts[i]));
        return chunks;
    }

private:
    std::mt19937 rng_;
};

/// What the client must see for data: every CRLF, CR and LF becomes LF.
std::string normalise_line_ends(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') {
            out += '\n';
            if (i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
        } else {
            out += text[i];
        }
    }
    return out;
}

struct seen {
    std::string type, data, id;
    bool operator==(const seen&) const = default;
};

std::ostream& operator<<(std::ostream& os, const seen& e) {
    return os << "{type=\"" << e.type << "\" data=\"" << e.data << "\" id=\"" << e.id << "\"}";
}

/// Shows control bytes, so a failing stream can be read in the log.
std::string escaped(std::string_view bytes) {
    std::ostringstream os;
    for (unsigned char c : bytes) {
        if (c == '\n')
            os << "\\n";
        else if (c == '\r')
            os << "\\r";
        else if (c < 0x20 || c >= 0x7F)
            os << "\\x"
               << "0123456789abcdef"[c >> 4] << "0123456789abcdef"[c & 15];
        else
            os << c;
    }
    return os.str();
}

} // namespace

TEST_CASE("any event the encoder accepts parses back the same, for random Unicode, line ends and "
          "chunking") {
    const auto seed = test_seed();
    generator gen(seed);
    constexpr int iterations = 3000;
    for (int i = 0; i < iterations; ++i) {
        // A stream of a few events, sometimes with comments between them, as
        // a server would send it.
        std::string bytes;
        std::vector<seen> expected;
        std::string last_id;
        std::optional<std::uint64_t> retry;
        for (auto n = 1 + gen.below(4); n > 0; --n) {
            if (gen.one_in(4))
                REQUIRE_FALSE(herald::sse::encode_comment(gen.text(10, true, true), bytes));
            const auto e = gen.random_event();
            REQUIRE_FALSE(herald::sse::encode(e, bytes));
            if (e.id)
                last_id = *e.id;
            if (e.retry)
                retry = std::uint64_t(e.retry->count());
            expected.push_back(
                {e.type.empty() ? "message" : e.type, normalise_line_ends(e.data), last_id});
        }

        herald::sse::parser parser;
        std::vector<seen> got;
        const auto chunks = gen.chop(bytes);
        for (auto chunk : chunks)
            parser.feed(chunk, [&](const herald::sse::received_event& e) {
                got.push_back(
                    {std::string(e.type), std::string(e.data), std::string(e.last_event_id)});
            });
        parser.end_of_stream();

        INFO("seed " << seed << " (set HERALD_TEST_SEED to change), iteration " << i << ", "
                     << chunks.size() << " chunks, stream: " << escaped(bytes));
        REQUIRE(herald::sse::is_valid_utf8(bytes));
        REQUIRE(got == expected);
        REQUIRE(parser.last_event_id() == last_id);
        REQUIRE(parser.retry() == retry);
    }
}

TEST_CASE("an event type or id with a line break is refused rather than split into another field") {
    generator gen(test_seed());
    for (int i = 0; i < 500; ++i) {
        const auto e = gen.random_event();
        const auto evil =
            gen.text(6, false, false) + (gen.one_in(2) ? "\ndata: injected" : "\rid: 9");
        std::string out;
        auto with_type = e;
        with_type.type = evil;
        CHECK(herald::sse::encode(with_type, out));
        auto with_id = e;
        with_id.id = evil;
        CHECK(herald::sse::encode(with_id, out));
        CHECK(out.empty());
    }
}

TEST_CASE("stream_writer sends events and comments that a parser reads back") {
    // A connected pair of local sockets stands in for the TCP connection: the
    // writer's bytes are whatever reaches the peer.
    herald::net::io_context io;
    herald::net::local::stream_protocol::socket server_end(io), client_end(io);
    herald::net::local::connect_pair(server_end, client_end);

    std::string received;
    auto write_all = [](herald::net::local::stream_protocol::socket& s) -> herald::awaitable<void> {
        herald::sse::stream_writer writer(s);
        (void)co_await writer.comment("ok");
        const event first{.data = "one\r\ntwo", .type = "tick", .id = "1", .retry = {}};
        (void)co_await writer.send(first);
        const event bad{.data = "x", .type = "a\nb", .id = {}, .retry = {}};
        const auto refused = co_await writer.send(bad);
        REQUIRE(refused);
        const event second{
            .data = "three", .type = {}, .id = {}, .retry = std::chrono::milliseconds(750)};
        (void)co_await writer.send(second);
        s.shutdown(herald::net::socket_base::shutdown_send);
    };
    herald::net::co_spawn(io, write_all(server_end), [](std::exception_ptr e) {
        if (e)
            std::rethrow_exception(e);
    });
    io.run();

    std::array<char, 1024> buf;
    herald::error_code ec;
    while (!ec) {
        const auto n = client_end.read_some(herald::net::buffer(buf), ec);
        received.append(buf.data(), n);
    }
    CHECK(received ==
          ": ok\nevent: tick\nid: 1\ndata: one\ndata: two\n\nretry: 750\ndata: three\n\n");

    herald::sse::parser parser;
    std::vector<seen> got;
    parser.feed(received, [&](const herald::sse::received_event& e) {
        got.push_back({std::string(e.type), std::string(e.data), std::string(e.last_event_id)});
    });
    CHECK(got == std::vector<seen>{{"tick", "one\ntwo", "1"}, {"message", "three", "1"}});
    CHECK(parser.retry() == 750u);
}

TEST_CASE("the stream head says text/event-stream, no caching, and no proxy buffering") {
    const auto head = herald::sse::event_stream_head().str();
    CHECK(head.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(head.find("\r\nContent-Type: text/event-stream\r\n") != std::string::npos);
    CHECK(head.find("\r\nCache-Control: no-cache\r\n") != std::string::npos);
    CHECK(head.find("\r\nX-Accel-Buffering: no\r\n") != std::string::npos);
    CHECK(head.find("Content-Length") == std::string::npos);
    CHECK(head.find("Content-Encoding") == std::string::npos);
    CHECK(head.find("Transfer-Encoding") == std::string::npos);
}
