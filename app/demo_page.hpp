// app/demo_page.hpp — the page served at GET /: a live view of /sse.
#pragma once

#include <string>
#include <string_view>

namespace herald::app {

/// A self-contained HTML page (no external assets) that opens
/// EventSource('/sse') and shows each event, its id, and reconnects.
/// The demo page, its hub panel pointed at `hub_path` (the path of
/// --hub-url, where herald's hub answers).
std::string demo_page(std::string_view hub_path);

} // namespace herald::app
