#include "herald/http/response.hpp"

#include "herald/http/request.hpp"

namespace herald::http {

std::string_view reason_phrase(int status) noexcept {
    switch (status) {
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
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

std::string complete_response(int status, std::string_view content_type, std::string_view body,
                              const std::vector<std::pair<std::string, std::string>>& extra) {
    response_head head(status);
    head.set("Content-Type", content_type).set("Content-Length", std::to_string(body.size()));
    for (const auto& [name, value] : extra)
        head.set(name, value);
    auto bytes = head.str();
    bytes += body;
    return bytes;
}

std::string error_response(int status, std::string_view detail,
                           const std::vector<std::pair<std::string, std::string>>& extra) {
    std::string body(reason_phrase(status));
    if (!detail.empty()) {
        body += ": ";
        body += detail;
    }
    body += '\n';
    return complete_response(status, "text/plain; charset=utf-8", body, extra);
}

bool has_connection_close(std::string_view response) noexcept {
    auto head = response.substr(0, response.find("\r\n\r\n"));
    // Field lines only: skip the status line.
    for (auto eol = head.find("\r\n"); eol != std::string_view::npos; eol = head.find("\r\n")) {
        head.remove_prefix(eol + 2);
        const auto line = head.substr(0, head.find("\r\n"));
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || !iequals(line.substr(0, colon), "Connection"))
            continue;
        // Connection = #connection-option (RFC 9110 §7.6.1)
        if (list_has_token(line.substr(colon + 1), "close"))
            return true;
    }
    return false;
}

void add_connection_close(std::string& response) {
    if (has_connection_close(response))
        return;
    const auto head_end = response.find("\r\n\r\n");
    if (head_end == std::string::npos)
        return; // not a response head
    response.insert(head_end + 2, "Connection: close\r\n");
}

} // namespace herald::http
