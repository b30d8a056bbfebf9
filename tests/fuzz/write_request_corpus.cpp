// Writes the request parser fuzzer's seed corpus: one file per row of the
// conformance table, in the fuzzer's input format (request_parser_fuzz.cpp):
// four control bytes, then the row's input.
//
// Usage: write_request_corpus <directory>
#include "request_conformance_cases.hpp"

#include <cstdio>
#include <fstream>
#include <string>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: write_request_corpus <directory>\n");
        return 2;
    }
    const std::string dir = argv[1];
    const herald::http::request_limits defaults;
    std::size_t written = 0;
    for (const auto& c : herald::test::conformance_cases) {
        // Control bytes: split in the middle; the row's limits, which are
        // either the defaults ([1] = 0) or the table's small limits, encoded
        // as the fuzzer decodes them.
        const auto& l = c.limits;
        const bool small = l.max_request_line != defaults.max_request_line;
        std::string bytes;
        bytes += char(128);
        bytes += char(small ? l.max_request_line - 8 : 0);
        bytes += char(small ? (l.max_header_section - 16) / 4 : 0);
        bytes += char(small ? (l.max_header_fields - 1) % 32 : 0);
        bytes += c.input;

        const auto path = dir + "/conformance-" + std::to_string(written++);
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), std::streamsize(bytes.size()));
        if (!out) {
            std::fprintf(stderr, "write_request_corpus: cannot write %s\n", path.c_str());
            return 1;
        }
    }
    std::printf("wrote %zu seed inputs to %s\n", written, dir.c_str());
    return 0;
}
