#include "herald/http/response.hpp"

namespace herald::http {

std::string_view reason_phrase(int status) noexcept {
    switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

std::string response_head::str() const {
    std::string out;
    out.reserve(64 + fields_.size() * 40);
    out += "HTTP/1.1 ";
    out += std::to_string(status_);
    out += ' ';
    out += reason_phrase(status_);
    out += "\r\n";
    for (const auto& [name, value] : fields_) {
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    }
    out += "\r\n";
    return out;
}

std::string error_response(int status, std::string_view detail,
                           const std::vector<std::pair<std::string, std::string>>& extra) {
    std::string body(reason_phrase(status));
    if (!detail.empty()) {
        body += ": ";
        body += detail;
    }
    body += '\n';
    response_head head(status);
    head.set("Content-Type", "text/plain; charset=utf-8")
        .set("Content-Length", std::to_string(body.size()))
        .set("Connection", "close");
    for (const auto& [name, value] : extra)
        head.set(name, value);
    return head.str() + body;
}

} // namespace herald::http
