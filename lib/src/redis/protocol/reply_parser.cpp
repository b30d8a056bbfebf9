#include "herald/redis/reply_parser.hpp"

#include "herald/redis/error.hpp"

#include <hiredis/read.h>

#include <algorithm>
#include <memory>
#include <new>
#include <utility>

namespace herald::redis {
namespace {

// hiredis calls these as it recognises each element, depth first, in order.
// An element with a parent is appended to the parent's array; the root is
// allocated and handed back by redisReaderGetReply (or freed by hiredis
// through free_object when the input turns out to be malformed). hiredis keeps
// the returned pointer of an array only while that array is being filled: it
// is always the last element of its parent then, so appending to the parent
// cannot move it.
//
// hiredis is C: nothing may throw through it. An allocation failure becomes a
// null return, which hiredis reports as "Out of memory".
void* attach(const redisReadTask* task, reply&& value) noexcept {
    try {
        if (task->parent != nullptr) {
            auto* parent = static_cast<reply*>(task->parent->obj);
            parent->elements.push_back(std::move(value));
            return &parent->elements.back();
        }
        return new reply(std::move(value));
    } catch (...) {
        return nullptr;
    }
}

void* create_string(const redisReadTask* task, char* str, std::size_t len) noexcept {
    reply r;
    switch (task->type) {
    case REDIS_REPLY_ERROR:
        r.kind = reply::type::error;
        break;
    case REDIS_REPLY_STATUS:
        r.kind = reply::type::simple_string;
        break;
    default:
        r.kind = reply::type::bulk_string;
        break;
    }
    try {
        r.str.assign(str, len);
    } catch (...) {
        return nullptr;
    }
    return attach(task, std::move(r));
}

void* create_array(const redisReadTask* task, int elements) noexcept {
    reply r;
    r.kind = reply::type::array;
    try {
        // Reserve for small arrays only: the announced count is the peer's
        // word, not bytes that arrived.
        r.elements.reserve(static_cast<std::size_t>(std::clamp(elements, 0, 64)));
    } catch (...) {
        return nullptr;
    }
    return attach(task, std::move(r));
}

void* create_integer(const redisReadTask* task, long long value) noexcept {
    return attach(task, reply::number(value));
}

void* create_nil(const redisReadTask* task) noexcept {
    reply r;
    r.kind =
        task->type == REDIS_REPLY_ARRAY ? reply::type::null_array : reply::type::null_bulk_string;
    return attach(task, std::move(r));
}

void free_object(void* root) noexcept {
    delete static_cast<reply*>(root);
}

redisReplyObjectFunctions functions = {
    create_string, create_array, create_integer, create_nil, free_object,
};

redisReader* make_reader() {
    redisReader* r = redisReaderCreateWithFunctions(&functions);
    if (r == nullptr)
        throw std::bad_alloc();
    return r;
}

} // namespace

reply_parser::reply_parser(std::size_t max_buffered)
    : reader_(make_reader())
    , max_buffered_(max_buffered) {}

reply_parser::reply_parser(reply_parser&& other) noexcept
    : reader_(std::exchange(other.reader_, nullptr))
    , max_buffered_(other.max_buffered_)
    , error_(other.error_)
    , message_(std::move(other.message_)) {}

reply_parser& reply_parser::operator=(reply_parser&& other) noexcept {
    if (this != &other) {
        redisReaderFree(reader_);
        reader_ = std::exchange(other.reader_, nullptr);
        max_buffered_ = other.max_buffered_;
        error_ = other.error_;
        message_ = std::move(other.message_);
    }
    return *this;
}

reply_parser::~reply_parser() {
    redisReaderFree(reader_);
}

void reply_parser::feed(std::string_view bytes) {
    if (error_ || bytes.empty())
        return;
    if (redisReaderFeed(reader_, bytes.data(), bytes.size()) != REDIS_OK)
        fail_from_reader();
}

std::optional<reply> reply_parser::next() {
    if (error_)
        return std::nullopt;
    void* root = nullptr;
    if (redisReaderGetReply(reader_, &root) != REDIS_OK) {
        fail_from_reader();
        return std::nullopt;
    }
    if (root == nullptr) {
        // Need more bytes. What is held now is one unfinished element: a line
        // or a bulk string still arriving.
        if (buffered() > max_buffered_) {
            error_ = errc::reply_too_large;
            message_ = "a reply element exceeds " + std::to_string(max_buffered_) + " bytes";
        }
        return std::nullopt;
    }
    std::unique_ptr<reply> owned(static_cast<reply*>(root));
    return std::move(*owned);
}

std::size_t reply_parser::buffered() const noexcept {
    return reader_ == nullptr ? 0 : reader_->len - reader_->pos;
}

void reply_parser::reset() {
    redisReader* fresh = make_reader();
    redisReaderFree(reader_);
    reader_ = fresh;
    error_.clear();
    message_.clear();
}

void reply_parser::fail_from_reader() {
    error_ = reader_->err == REDIS_ERR_OOM ? errc::out_of_memory : errc::protocol_error;
    message_ = reader_->errstr;
}

} // namespace herald::redis
