// tests/support/loopback.hpp — blocking loopback clients for integration tests.
//
// Plain POSIX sockets with poll() deadlines: the tests drive the server the
// way an outside client would, and no test can hang past its deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace herald::test {

using namespace std::chrono_literals;

/// The request every stream test sends: GET /sse, HTTP/1.1, with Host.
inline constexpr std::string_view sse_request = "GET /sse HTTP/1.1\r\nHost: test\r\n\r\n";

class client {
public:
    /// Connects to 127.0.0.1:port (throws on failure).
    explicit client(std::uint16_t port);
    client(client&& other) noexcept;
    client& operator=(client&&) = delete;
    ~client();

    void send(std::string_view bytes);

    /// Reads until `needle` has been received (returns everything read so
    /// far, including it), or the deadline passes or the peer closes (returns
    /// what was read; check with contains()).
    std::string read_until(std::string_view needle, std::chrono::milliseconds timeout = 3s);

    /// Reads until the peer closes or the deadline passes.
    std::string read_to_end(std::chrono::milliseconds timeout = 3s);

    /// Reads until `done(everything read so far)` holds, or the deadline
    /// passes or the peer closes. Returns everything read so far.
    std::string read_until(const std::function<bool(std::string_view)>& done,
                           std::chrono::milliseconds timeout = 3s);

    /// True once read_* saw the orderly end of stream (FIN).
    bool saw_eof() const noexcept { return eof_; }
    /// True once read_* saw a reset.
    bool saw_reset() const noexcept { return reset_; }

    /// Close with RST instead of FIN (SO_LINGER 0).
    void reset();
    void close();
    int fd() const noexcept { return fd_; }

    /// Everything read so far.
    const std::string& received() const noexcept { return buffer_; }

private:
    bool read_some(std::chrono::steady_clock::time_point deadline);
    int fd_ = -1;
    std::string buffer_;
    bool eof_ = false;
    bool reset_ = false;
};

/// The number of file descriptors this process has open.
std::size_t open_fd_count();

/// Resident set size of this process, in KiB.
std::size_t rss_kib();

} // namespace herald::test
