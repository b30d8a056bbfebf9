// tests/support/raw_socket.hpp — sockets the loopback client cannot make.
#pragma once

#include "catch.hpp"

#include <arpa/inet.h>
#include <cstdint>
#include <netinet/in.h>
#include <sys/socket.h>

namespace herald::test {

/// A client whose receive buffer is tiny, set before connecting so that the
/// advertised window is small from the start: the server's writes back up
/// after a few KiB. The caller owns (and closes) the descriptor.
inline int connect_with_small_receive_buffer(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    const int size = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    return fd;
}

} // namespace herald::test
