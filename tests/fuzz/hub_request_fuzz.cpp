// libFuzzer target: the hub's request checks. Whatever a publish form holds,
// validate_publish either refuses it with 400 or 413, or builds an update
// whose topics obey the draft's rules and whose encoded bytes a WHATWG client
// reads back as exactly one event with the update's id and type. Whatever a
// subscribe query holds, parse_subscribe refuses it with 400 or returns
// matchers that obey the character rule and the limits.
#include "herald/hub/publish.hpp"
#include "herald/hub/subscribe_request.hpp"
#include "herald/hub/text.hpp"
#include "herald/sse/parser.hpp"

#include "invariant.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <string>

namespace {

using herald::fuzz::expect;

const herald::hub::hub_location& hub() {
    static const auto h =
        *herald::hub::hub_location::parse("https://hub.example/.well-known/mercure");
    return h;
}

void check_publish(std::string_view body) {
    using namespace herald::hub;
    static id_generator ids;
    publish_limits limits;
    limits.max_topics = 8;
    limits.max_field_bytes = 256;
    const auto fields = herald::http::parse_form(body);
    const auto r = validate_publish(fields, hub(), limits, ids);
    if (!r.accepted) {
        expect(r.refused.status == 400 || r.refused.status == 413, "refused with another status");
        expect(!r.refused.message.empty(), "refused without a message");
        return;
    }
    const auto& u = *r.accepted;
    expect(!u.topics.empty() && u.topics.size() <= limits.max_topics, "topic count");
    for (const auto& topic : u.topics) {
        const auto& t = topic.value();
        expect(t != "*", "the wildcard was published");
        expect(is_clean_text(t), "a topic with control or format characters");
        expect(!addresses_reserved_namespace(t, hub()), "a reserved topic was published");
    }
    expect(u.type != "mercure", "type mercure was published");
    expect(!u.id.empty() && u.id[0] != '#' && u.id != "earliest", "a forbidden id");
    expect(is_clean_text(u.id) && is_clean_text(u.type), "id or type not clean");
    expect(u.encoded.size() >= 2 && u.encoded.ends_with("\n\n"), "not one complete event");

    std::size_t events = 0;
    herald::sse::parser p;
    p.feed(u.encoded, [&](const herald::sse::received_event& e) {
        ++events;
        expect(e.last_event_id == u.id, "the id did not survive");
        expect(e.type == (u.type.empty() ? "message" : u.type), "the type did not survive");
    });
    expect(events == 1, "not exactly one event");
}

void check_subscribe(std::string_view query, std::string_view header, bool with_header) {
    using namespace herald::hub;
    subscribe_limits limits;
    limits.max_matchers = 8;
    limits.max_matcher_length = 64;
    const auto r = parse_subscribe(herald::http::parse_form(query),
                                   with_header ? std::optional(header) : std::nullopt, limits);
    if (!r.accepted) {
        expect(r.refused.status == 400, "refused with another status");
        return;
    }
    const auto& m = r.accepted->matchers;
    expect(!m.empty() && m.size() <= limits.max_matchers, "matcher count");
    for (const auto& spec : m)
        expect(spec.pattern.size() <= limits.max_matcher_length && is_clean_text(spec.pattern),
               "a matcher over the limit or not clean");
    if (with_header)
        expect(r.accepted->resume.requested && r.accepted->resume.last_event_id == header,
               "the header did not win");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const bool publish = in.ConsumeBool();
    const bool with_header = in.ConsumeBool();
    const auto header = in.ConsumeRandomLengthString(64);
    const auto rest = in.ConsumeRemainingBytesAsString();
    if (publish)
        check_publish(rest);
    else
        check_subscribe(rest, header, with_header);
    // Any string, resolved against the hub: must not crash or hang.
    (void)herald::hub::addresses_reserved_namespace(rest, hub());
    return 0;
}
