// herald/match/index.hpp — which subscribers want an update: the fan-out index.
//
// A publish must find its subscribers without asking every one of them.
// Exact matchers go through a hash table keyed by the topic string; `*`
// subscribers sit in a list; every other matcher is grouped by its identity
// (the shared matcher the cache handed out), so a topic that ten thousand
// subscribers watch through ten distinct patterns costs ten matches, not ten
// thousand. A subscriber that matches through several matchers or several
// topics is reported once: each subscriber entry remembers the number of the
// last lookup that reported it, so deduplication allocates nothing.
#pragma once

#include "herald/match/matcher.hpp"

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace herald::match {

/// One per worker thread: not thread-safe, and the callback of
/// for_each_match() must not add or remove subscribers. Subscriber pointers
/// are only stored and handed back, never dereferenced.
template <class Subscriber>
class subscription_index {
public:
    subscription_index() = default;
    subscription_index(const subscription_index&) = delete;
    subscription_index& operator=(const subscription_index&) = delete;

    /// Adds the subscriber's matchers. Adding to a subscriber already present
    /// adds more matchers to it. Null matchers are ignored.
    void add(Subscriber* s, std::span<const matcher_ptr> matchers) {
        entry& e = entries_[s];
        e.subscriber = s;
        for (const matcher_ptr& m : matchers) {
            if (!m) {
                continue;
            }
            bucket* b = nullptr;
            if (m->is_wildcard()) {
                b = &wildcard_;
            } else if (m->type() == matcher_type::exact) {
                auto it = exact_.find(std::string_view(m->pattern()));
                if (it == exact_.end()) {
                    it = exact_.emplace(m->pattern(), bucket{}).first;
                }
                b = &it->second;
            } else {
                auto [it, inserted] = groups_.try_emplace(m.get());
                if (inserted) {
                    it->second.matcher = m;
                }
                b = &it->second.members;
            }
            link(e, *b, m);
        }
    }

    /// Removes the subscriber and all its matchers; costs O(its matchers).
    void remove(Subscriber* s) {
        auto it = entries_.find(s);
        if (it == entries_.end()) {
            return;
        }
        entry& e = it->second;
        // Unlink from the back, so the registrations left keep their slots.
        while (!e.links.empty()) {
            registration r = e.links.back();
            unlink(e, e.links.size() - 1);
            if (r.where != &wildcard_ && r.where->members.empty()) {
                drop_bucket(r);
            }
        }
        entries_.erase(it);
    }

    /// Calls f(Subscriber*) once for every subscriber with a matcher that
    /// matches at least one of `topics`.
    template <class F>
    void for_each_match(std::span<const topic> topics, F&& f) {
        const std::uint64_t epoch = ++epoch_;
        auto visit = [&](const bucket& b) {
            for (const member& m : b.members) {
                if (m.e->epoch != epoch) {
                    m.e->epoch = epoch;
                    std::invoke(f, m.e->subscriber);
                }
            }
        };
        if (topics.empty()) {
            return;
        }
        visit(wildcard_);
        for (const topic& t : topics) {
            if (auto it = exact_.find(std::string_view(t.value())); it != exact_.end()) {
                visit(it->second);
            }
        }
        for (auto& [id, g] : groups_) {
            for (const topic& t : topics) {
                if (g.matcher->matches(t)) {
                    visit(g.members);
                    break;
                }
            }
        }
    }

    std::size_t size() const noexcept { return entries_.size(); }
    bool empty() const noexcept { return entries_.empty(); }
    bool contains(Subscriber* s) const { return entries_.contains(s); }
    /// Distinct non-exact, non-wildcard matchers: the matches one publish costs per topic.
    std::size_t pattern_groups() const noexcept { return groups_.size(); }
    std::size_t exact_topics() const noexcept { return exact_.size(); }

private:
    struct entry;
    struct member {
        entry* e;
        std::uint32_t link; // index into e->links
    };
    struct bucket {
        std::vector<member> members;
    };
    struct group {
        matcher_ptr matcher;
        bucket members;
    };
    struct registration {
        bucket* where;
        std::uint32_t position; // index into where->members
        matcher_ptr m;          // keeps the bucket's key alive until it empties
    };
    struct entry {
        Subscriber* subscriber = nullptr;
        std::uint64_t epoch = 0;
        std::vector<registration> links;
    };

    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };

    static void link(entry& e, bucket& b, const matcher_ptr& m) {
        e.links.push_back({&b, static_cast<std::uint32_t>(b.members.size()), m});
        b.members.push_back({&e, static_cast<std::uint32_t>(e.links.size() - 1)});
    }

    // Swap-and-pop in the bucket; the member moved into the hole learns its
    // new position through its own registration.
    static void unlink(entry& e, std::size_t index) {
        const registration& r = e.links[index];
        std::vector<member>& v = r.where->members;
        assert(r.position < v.size() && v[r.position].e == &e);
        if (r.position + 1 != v.size()) {
            v[r.position] = v.back();
            member& moved = v[r.position];
            moved.e->links[moved.link].position = r.position;
        }
        v.pop_back();
        e.links.pop_back();
    }

    void drop_bucket(const registration& r) {
        if (r.m->type() == matcher_type::exact) {
            exact_.erase(exact_.find(std::string_view(r.m->pattern())));
        } else {
            groups_.erase(r.m.get());
        }
    }

    // Node-based maps: buckets and entries keep their addresses as the maps grow.
    std::unordered_map<Subscriber*, entry> entries_;
    std::unordered_map<std::string, bucket, string_hash, std::equal_to<>> exact_;
    std::unordered_map<const matcher*, group> groups_;
    bucket wildcard_;
    std::uint64_t epoch_ = 0;
};

} // namespace herald::match
