// app/token_command.hpp — `herald token`: make an access token for the hub.
#pragma once

#include <optional>

namespace herald::app {

/// If argv names the `token` subcommand (`herald token ...`), makes the
/// token, prints it on stdout, and returns the exit code. Otherwise returns
/// nothing and the server starts as usual.
std::optional<int> run_token_command(int argc, const char* const* argv);

} // namespace herald::app
