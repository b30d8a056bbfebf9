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
    explicit response_head(int status = 200) : status_(status) {}

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

/// A complete, self-delimiting error response: `text/plain`, a short body of
/// the reason plus `detail`, `Content-Length`, and `Connection: close`.
/// Nothing from the request is echoed. `extra` fields go before the body.
std::string error_response(int status, std::string_view detail = {},
                           const std::vector<std::pair<std::string, std::string>>& extra = {});

} // namespace herald::http
