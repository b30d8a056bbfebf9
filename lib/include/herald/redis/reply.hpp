// herald/redis/reply.hpp — one RESP2 reply, as an owning value.
//
// A reply owns its strings and elements: it outlives the parser that made it
// and the bytes it came from, and can be moved between coroutines freely.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

namespace herald::redis {

struct reply {
    /// RESP2 has two nulls, and they are kept apart: GET of a missing key
    /// answers a null bulk string, a timed-out BLPOP a null array.
    enum class type : unsigned char {
        simple_string,    ///< `+OK`
        error,            ///< `-ERR ...`: Redis refused the command
        integer,          ///< `:42`
        bulk_string,      ///< `$3 foo`: binary-safe
        null_bulk_string, ///< `$-1`
        array,            ///< `*2 ...`
        null_array,       ///< `*-1`
    };

    type kind = type::null_bulk_string;
    std::string str;             ///< simple_string, error (the whole message), bulk_string
    long long integer = 0;       ///< integer
    std::vector<reply> elements; ///< array

    bool is_error() const noexcept { return kind == type::error; }
    bool is_null() const noexcept {
        return kind == type::null_bulk_string || kind == type::null_array;
    }
    /// A simple or bulk string: the two forms Redis answers text in.
    bool is_string() const noexcept {
        return kind == type::simple_string || kind == type::bulk_string;
    }
    bool is_array() const noexcept { return kind == type::array; }

    friend bool operator==(const reply&, const reply&) = default;

    static reply simple(std::string s) { return {type::simple_string, std::move(s), 0, {}}; }
    static reply error_reply(std::string s) { return {type::error, std::move(s), 0, {}}; }
    static reply number(long long n) { return {type::integer, {}, n, {}}; }
    static reply bulk(std::string s) { return {type::bulk_string, std::move(s), 0, {}}; }
    static reply null_bulk() { return {type::null_bulk_string, {}, 0, {}}; }
    static reply array(std::vector<reply> e) { return {type::array, {}, 0, std::move(e)}; }
    static reply null_array() { return {type::null_array, {}, 0, {}}; }
};

/// A readable one-line form for logs and test messages, in redis-cli's spirit:
/// `"bulk"`, `OK`, `(error) ERR ...`, `(integer) 1`, `(nil)`, `[a, b]`.
std::string to_string(const reply& r);

/// to_string() cut to at most `limit` bytes (with "..." when cut), for error
/// messages about replies of any size.
std::string preview(const reply& r, std::size_t limit = 200);

std::ostream& operator<<(std::ostream& out, const reply& r);

} // namespace herald::redis
