#include "herald/hub/update.hpp"

namespace herald::hub {

std::size_t update::footprint() const noexcept {
    std::size_t n = sizeof(update) + id.size() + type.size() + encoded.size();
    for (const auto& t : topics)
        n += sizeof(match::topic) + 2 * t.value().size(); // the value, and its URL form
    return n;
}

id_generator::id_generator() {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device()};
    engine_.seed(seed);
}

std::string id_generator::next() {
    std::uint64_t high, low;
    {
        std::lock_guard lock(mutex_);
        high = engine_();
        low = engine_();
    }
    // RFC 9562 §5.4: version 4 in the high nibble of byte 6, variant 10 in
    // the top bits of byte 8.
    high = (high & ~std::uint64_t(0xF000)) | 0x4000;
    low = (low & ~(std::uint64_t(0xC) << 60)) | (std::uint64_t(0x8) << 60);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "urn:uuid:";
    out.reserve(9 + 36);
    for (int i = 0; i < 32; ++i) {
        if (i == 8 || i == 12 || i == 16 || i == 20)
            out += '-';
        const auto word = i < 16 ? high : low;
        out += hex[(word >> (60 - 4 * (i % 16))) & 0xF];
    }
    return out;
}

} // namespace herald::hub
