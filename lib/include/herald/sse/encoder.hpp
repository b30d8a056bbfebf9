// herald/sse/encoder.hpp — exact `text/event-stream` bytes for events.
//
// Output uses LF line ends and this field order:
//
//     event: <type>\n        (only if type is not empty)
//     id: <id>\n             (only if id is set; "id:\n" for an empty id)
//     retry: <ms>\n          (only if retry is set)
//     data: <line>\n         (one per line of data; "data:\n" for an empty line)
//     \n                     (dispatches the event)
//
// A comment is ": <text>\n" (":\n" if empty), one per line of text.
//
// The LF after each field is one of the three line ends the spec allows; LF
// alone is the shortest, and every client accepts it.
#pragma once

#include "herald/text.hpp"

#include "herald/sse/event.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <system_error>

namespace herald::sse {

/// Appends the encoding of `e` to `out`. Fails, leaving `out` unchanged, with
/// errc::field_has_line_break if type or id contains CR or LF,
/// errc::id_has_nul if id contains NUL, errc::invalid_utf8 if any field is not
/// valid UTF-8, and std::errc::invalid_argument if retry is negative (a client
/// would ignore `retry: -1`, so sending it would be a silent no-op).
std::error_code encode(const event& e, std::string& out);

/// Appends a comment. Clients ignore comments; servers use them to open a
/// stream visibly and as heartbeats. Text with line breaks becomes several
/// comment lines. Fails with errc::invalid_utf8.
std::error_code encode_comment(std::string_view text, std::string& out);

/// Appends "retry: <ms>\n\n": a reconnection hint without an event (the
/// blank line ends the block; with no data, clients dispatch nothing). Fails,
/// leaving `out` unchanged, with std::errc::invalid_argument if retry is
/// negative.
std::error_code encode_retry(std::chrono::milliseconds retry, std::string& out);

/// herald::is_valid_utf8 (herald/text.hpp), the check encode applies.
using herald::is_valid_utf8;

} // namespace herald::sse
