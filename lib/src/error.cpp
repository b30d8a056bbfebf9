#include "herald/error.hpp"

namespace herald {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "herald"; }

    std::string message(int value) const override {
        switch (static_cast<errc>(value)) {
        case errc::bad_request_line:
            return "malformed request line";
        case errc::bad_method:
            return "malformed method";
        case errc::bad_target:
            return "malformed request target";
        case errc::bad_version:
            return "malformed HTTP version";
        case errc::unsupported_version:
            return "HTTP version not supported";
        case errc::bad_header_name:
            return "malformed header field name";
        case errc::bad_header_value:
            return "invalid character in header field value";
        case errc::obsolete_line_folding:
            return "obsolete line folding is not allowed";
        case errc::bare_cr:
            return "bare CR in request head";
        case errc::bare_lf:
            return "bare LF in request head (lines must end with CRLF)";
        case errc::missing_host:
            return "HTTP/1.1 request without Host";
        case errc::duplicate_host:
            return "more than one Host field";
        case errc::bad_content_length:
            return "invalid Content-Length";
        case errc::conflicting_framing:
            return "both Transfer-Encoding and Content-Length";
        case errc::bad_transfer_encoding:
            return "invalid Transfer-Encoding";
        case errc::unknown_transfer_coding:
            return "transfer coding not implemented";
        case errc::request_line_too_long:
            return "request line too long";
        case errc::header_section_too_large:
            return "header section too large";
        case errc::too_many_header_fields:
            return "too many header fields";
        case errc::header_timeout:
            return "request head not received in time";
        case errc::partial_request:
            return "connection closed inside the request head";
        case errc::bad_host:
            return "malformed Host field";
        case errc::body_too_large:
            return "request body too large";
        case errc::bad_chunk_size:
            return "malformed chunk size";
        case errc::bad_chunk_extension:
            return "invalid character in chunk extension";
        case errc::chunk_extensions_too_large:
            return "chunk extensions too large";
        case errc::bad_chunk_framing:
            return "malformed chunked framing (lines must end with CRLF)";
        case errc::bad_trailer:
            return "malformed trailer field";
        case errc::trailer_section_too_large:
            return "trailer section too large";
        case errc::partial_body:
            return "connection closed inside the request body";
        case errc::body_timeout:
            return "request body not received in time";
        case errc::field_has_line_break:
            return "SSE field contains CR or LF";
        case errc::id_has_nul:
            return "SSE id contains NUL";
        case errc::invalid_utf8:
            return "text is not valid UTF-8";
        }
        return "unknown herald error";
    }
};

} // namespace

const std::error_category& error_category() noexcept {
    static const category instance;
    return instance;
}

int http_status_for(std::error_code ec) noexcept {
    if (ec.category() != error_category())
        return 400;
    switch (static_cast<errc>(ec.value())) {
    case errc::unsupported_version:
        return 505;
    case errc::unknown_transfer_coding:
        return 501;
    case errc::request_line_too_long:
        return 414;
    case errc::header_section_too_large:
    case errc::too_many_header_fields:
        return 431;
    case errc::header_timeout:
    case errc::body_timeout:
        return 408;
    case errc::body_too_large:
        return 413;
    case errc::trailer_section_too_large:
        return 431;
    default:
        return 400;
    }
}

} // namespace herald
