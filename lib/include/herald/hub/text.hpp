// herald/hub/text.hpp — the character rules Mercure puts on topics, matchers,
// ids and event types: herald's own (herald/text.hpp), one set for the hub,
// the matchers, the token claims and the encoder.
#pragma once

#include "herald/text.hpp"

namespace herald::hub {

using herald::is_clean_text;
using herald::is_format_character;

} // namespace herald::hub
