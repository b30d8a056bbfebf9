// URL Pattern's "constructor string parser": splits a pattern written as one
// string (`https://*.example.com/books/:id?*`) into its components, using the
// tokenizer so that ':' or '?' inside a group or a regexp is not mistaken for
// a delimiter.
#include "url_pattern_detail.hpp"

namespace herald::match::detail {

namespace {

enum class state {
    init,
    protocol,
    authority,
    username,
    password,
    hostname,
    port,
    pathname,
    search,
    hash,
    done
};

class constructor_parser {
public:
    constructor_parser(std::string_view input,
                       const std::function<bool(std::string_view)>& protocol_is_special)
        : input_(input)
        , tokens_(tokenize(input, tokenize_policy::lenient))
        , protocol_is_special_(protocol_is_special) {}

    url_pattern_init run() {
        while (token_index_ < tokens_.size()) {
            increment_ = 1;
            if (tokens_[token_index_].type == token_type::end) {
                if (state_ == state::init) {
                    rewind();
                    if (is_hash_prefix())
                        change_state(state::hash, 1);
                    else if (is_search_prefix())
                        change_state(state::search, 1);
                    else
                        change_state(state::pathname, 0);
                    token_index_ += increment_;
                    continue;
                }
                if (state_ == state::authority) {
                    rewind();
                    state_ = state::hostname;
                    token_index_ += increment_;
                    continue;
                }
                change_state(state::done, 0);
                break;
            }
            if (tokens_[token_index_].type == token_type::open) {
                ++group_depth_;
                token_index_ += increment_;
                continue;
            }
            if (group_depth_ > 0) {
                if (tokens_[token_index_].type == token_type::close) {
                    --group_depth_;
                } else {
                    token_index_ += increment_;
                    continue;
                }
            }
            step();
            token_index_ += increment_;
        }
        if (result_.hostname && !result_.port)
            result_.port = "";
        return std::move(result_);
    }

private:
    void step() {
        switch (state_) {
        case state::init:
            if (is_char(token_index_, ':')) {
                rewind();
                state_ = state::protocol;
            }
            break;
        case state::protocol:
            if (is_char(token_index_, ':')) {
                special_ = protocol_is_special_(component_string());
                state next = state::pathname;
                std::size_t skip = 1;
                if (is_char(token_index_ + 1, '/') && is_char(token_index_ + 2, '/')) {
                    next = state::authority;
                    skip = 3;
                } else if (special_) {
                    next = state::authority;
                }
                change_state(next, skip);
            }
            break;
        case state::authority:
            if (is_char(token_index_, '@')) {
                rewind();
                state_ = state::username;
            } else if (is_char(token_index_, '/') || is_search_prefix() || is_hash_prefix()) {
                rewind();
                state_ = state::hostname;
            }
            break;
        case state::username:
            if (is_char(token_index_, ':'))
                change_state(state::password, 1);
            else if (is_char(token_index_, '@'))
                change_state(state::hostname, 1);
            break;
        case state::password:
            if (is_char(token_index_, '@'))
                change_state(state::hostname, 1);
            break;
        case state::hostname:
            if (is_char(token_index_, '['))
                ++ipv6_depth_;
            else if (is_char(token_index_, ']'))
                --ipv6_depth_;
            else if (is_char(token_index_, ':') && ipv6_depth_ == 0)
                change_state(state::port, 1);
            else
                end_where_a_later_component_begins();
            break;
        case state::port:
        case state::pathname:
        case state::search:
            end_where_a_later_component_begins();
            break;
        case state::hash:
        case state::done:
            break;
        }
    }

    // From the host on, a component ends where a later one begins: the path
    // at '/', the search at '?', the hash at '#'. The standard spells this
    // rule out again in each state; the states' order says which are later.
    void end_where_a_later_component_begins() {
        if (state_ < state::pathname && is_char(token_index_, '/'))
            change_state(state::pathname, 0);
        else if (state_ < state::search && is_search_prefix())
            change_state(state::search, 1);
        else if (state_ < state::hash && is_hash_prefix())
            change_state(state::hash, 1);
    }

    const token& safe_token(std::size_t index) const {
        return index < tokens_.size() ? tokens_[index] : tokens_.back();
    }

    // "Is a non-special pattern char": the code point, not inside syntax.
    bool is_char(std::size_t index, char value) const {
        const token& t = safe_token(index);
        if (t.value.size() != 1 || t.value[0] != value)
            return false;
        return t.type == token_type::character || t.type == token_type::escaped_char ||
               t.type == token_type::invalid_char;
    }

    bool is_search_prefix() const {
        if (is_char(token_index_, '?'))
            return true;
        if (tokens_[token_index_].value != "?")
            return false;
        if (token_index_ == 0)
            return true;
        // A '?' right after a group is its modifier, not the search.
        auto previous = safe_token(token_index_ - 1).type;
        return previous != token_type::name && previous != token_type::regexp &&
               previous != token_type::close && previous != token_type::asterisk;
    }

    bool is_hash_prefix() const { return is_char(token_index_, '#'); }

    void rewind() {
        token_index_ = component_start_;
        increment_ = 0;
    }

    std::string component_string() const {
        std::size_t begin = safe_token(component_start_).index, end = tokens_[token_index_].index;
        return std::string(input_.substr(begin, end - begin));
    }

    std::optional<std::string>* slot(state s) {
        switch (s) {
        case state::protocol:
            return &result_.protocol;
        case state::username:
            return &result_.username;
        case state::password:
            return &result_.password;
        case state::hostname:
            return &result_.hostname;
        case state::port:
            return &result_.port;
        case state::pathname:
            return &result_.pathname;
        case state::search:
            return &result_.search;
        case state::hash:
            return &result_.hash;
        default:
            return nullptr;
        }
    }

    void change_state(state next, std::size_t skip) {
        if (auto* s = slot(state_))
            *s = component_string();
        if (state_ != state::init && next != state::done) {
            const bool before_host = state_ == state::protocol || state_ == state::authority ||
                                     state_ == state::username || state_ == state::password;
            const bool before_path =
                before_host || state_ == state::hostname || state_ == state::port;
            if (before_host &&
                (next == state::port || next == state::pathname || next == state::search ||
                 next == state::hash) &&
                !result_.hostname)
                result_.hostname = "";
            if (before_path && (next == state::search || next == state::hash) && !result_.pathname)
                result_.pathname = special_ ? "/" : "";
            if ((before_path || state_ == state::pathname) && next == state::hash &&
                !result_.search)
                result_.search = "";
        }
        state_ = next;
        token_index_ += skip;
        component_start_ = token_index_;
        increment_ = 0;
    }

    std::string_view input_;
    std::vector<token> tokens_;
    const std::function<bool(std::string_view)>& protocol_is_special_;
    url_pattern_init result_;
    state state_ = state::init;
    std::size_t component_start_ = 0, token_index_ = 0, increment_ = 1;
    int group_depth_ = 0, ipv6_depth_ = 0;
    bool special_ = false;
};

} // namespace

url_pattern_init
parse_constructor_string(std::string_view input,
                         const std::function<bool(std::string_view)>& protocol_is_special) {
    return constructor_parser(input, protocol_is_special).run();
}

} // namespace herald::match::detail
