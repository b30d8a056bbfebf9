// herald/herald.hpp — the whole library in one include.
#pragma once

#include "herald/duration.hpp"
#include "herald/error.hpp"
#include "herald/http/body_parser.hpp"
#include "herald/http/form.hpp"
#include "herald/http/read_body.hpp"
#include "herald/http/read_request.hpp"
#include "herald/http/request.hpp"
#include "herald/http/request_parser.hpp"
#include "herald/http/response.hpp"
#include "herald/net.hpp"
#include "herald/sse/encoder.hpp"
#include "herald/sse/event.hpp"
#include "herald/sse/parser.hpp"
#include "herald/sse/stream_writer.hpp"
