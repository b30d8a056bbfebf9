// herald/http/response.hpp — response heads and small complete responses.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herald::http {

/// The reason phrase for a status code ("Not Found"); "Unknown" if herald
/// does not know it.
std::string_view reason_phrase(int status) noexcept;

/// A response head: status line and header fields, serialised by `str()`.
/// Field values are the caller's; they must not contain CR or LF.
class response_head {
public:
    explicit response_head(int status = 200)
        : status_(status) {}

    response_head& set(std::string_view name, std::string_view value) {
        fields_.emplace_back(name, value);
        return *this;
    }

    int status() const noexcept { return status_; }

    /// "HTTP/1.1 <status> <reason>\r\n" + "Name: value\r\n"... + "\r\n"
    std::string str() const;

private:
    int status_;
    std::vector<std::pair<std::string, std::string>> fields_;
};

/// A complete, self-delimiting response: the status line, `Content-Type`,
/// `Content-Length`, the `extra` fields, then `body`. A keep-alive connection
/// can carry on after it.
std::string complete_response(int status, std::string_view content_type, std::string_view body,
                              const std::vector<std::pair<std::string, std::string>>& extra = {});

/// A complete, self-delimiting error response: `text/plain`, a short body of
/// the reason plus `detail`, and `Content-Length`, so a keep-alive connection
/// can carry on after it. Nothing from the request is echoed. `extra` fields
/// go before the body. A server that closes after it adds `Connection: close`
/// (add_connection_close).
std::string error_response(int status, std::string_view detail = {},
                           const std::vector<std::pair<std::string, std::string>>& extra = {});

/// Whether the head of the complete response `response` has a Connection
/// field with the `close` option (compared case-insensitively).
bool has_connection_close(std::string_view response) noexcept;

/// Adds `Connection: close` to the head of the complete response `response`
/// unless it has it already: a server that closes the connection after a
/// response says so in it (RFC 9112 §9.6).
void add_connection_close(std::string& response);

} // namespace herald::http
