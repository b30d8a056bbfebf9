// app/demo_page.hpp — the page served at GET /: a live view of /sse.
#pragma once

#include <string_view>

namespace herald::app {

/// A self-contained HTML page (no external assets) that opens
/// EventSource('/sse') and shows each event, its id, and reconnects.
std::string_view demo_page() noexcept;

} // namespace herald::app
