// bench/herald_bench/histogram.hpp — a log-linear histogram of microseconds.
//
// The idea is HdrHistogram's: values below 128 get a bucket each, and every
// power of two above that is split into 64 equal sub-buckets, so any value is
// recorded with a relative error under 1/64 (1.6 %) at a fixed size and with
// no allocation. It is plain data, so a worker process can send it through a
// pipe as bytes and the parent can merge it bucket by bucket.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

namespace herald::bench {

class histogram {
public:
    static constexpr unsigned sub_bits = 6;  // 64 sub-buckets per power of two
    static constexpr unsigned max_bits = 38; // values up to 2^38 µs (~76 h); larger are clamped
    static constexpr std::size_t exact = std::size_t{2} << sub_bits; // 0..127 exactly
    static constexpr std::size_t bucket_count = exact + (max_bits - sub_bits - 1) * (exact / 2);

    void record(std::uint64_t value) noexcept {
        ++counts_[index_of(value)];
        ++count_;
        sum_ += value;
        max_ = std::max(max_, value);
        min_ = std::min(min_, value);
    }

    void merge(const histogram& other) noexcept {
        for (std::size_t i = 0; i < bucket_count; ++i)
            counts_[i] += other.counts_[i];
        count_ += other.count_;
        sum_ += other.sum_;
        max_ = std::max(max_, other.max_);
        min_ = std::min(min_, other.min_);
    }

    std::uint64_t count() const noexcept { return count_; }
    std::uint64_t max() const noexcept { return count_ ? max_ : 0; }
    std::uint64_t min() const noexcept { return count_ ? min_ : 0; }
    double mean() const noexcept { return count_ ? double(sum_) / double(count_) : 0.0; }

    /// The value at quantile q (0..1): the highest value that falls in the
    /// same bucket as the q-th recorded value, never more than the maximum.
    std::uint64_t quantile(double q) const noexcept {
        if (count_ == 0)
            return 0;
        auto rank = static_cast<std::uint64_t>(q * double(count_) + 0.5);
        rank = std::clamp<std::uint64_t>(rank, 1, count_);
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < bucket_count; ++i) {
            seen += counts_[i];
            if (seen >= rank)
                return std::min(highest_in(i), max_);
        }
        return max_;
    }

    static std::size_t index_of(std::uint64_t v) noexcept {
        if (v < exact)
            return std::size_t(v);
        const unsigned msb = unsigned(std::bit_width(v)) - 1; // >= sub_bits + 1
        if (msb >= max_bits)
            return bucket_count - 1;
        const auto sub = std::size_t(v >> (msb - sub_bits)) - (exact / 2); // 0..63
        return exact + std::size_t(msb - sub_bits - 1) * (exact / 2) + sub;
    }

    static std::uint64_t lowest_in(std::size_t i) noexcept {
        if (i < exact)
            return i;
        const auto magnitude = unsigned((i - exact) / (exact / 2)) + sub_bits + 1;
        const auto sub = std::uint64_t((i - exact) % (exact / 2)) + (exact / 2);
        return sub << (magnitude - sub_bits);
    }

    static std::uint64_t highest_in(std::size_t i) noexcept {
        if (i < exact)
            return i;
        const auto magnitude = unsigned((i - exact) / (exact / 2)) + sub_bits + 1;
        return lowest_in(i) + (std::uint64_t{1} << (magnitude - sub_bits)) - 1;
    }

private:
    std::array<std::uint64_t, bucket_count> counts_{};
    std::uint64_t count_ = 0;
    std::uint64_t sum_ = 0;
    std::uint64_t max_ = 0;
    std::uint64_t min_ = UINT64_MAX;
};

} // namespace herald::bench
