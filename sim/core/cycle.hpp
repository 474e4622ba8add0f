// SPDX-License-Identifier: Apache-2.0
// A count of clock cycles of one clock domain, kept apart from simulated time (sc_time): only the
// clock domain converts between the two (arch/dvfs/clock_domain.hpp), as gem5's Cycles and
// ClockedObject do. Construction from an integer is explicit, so a byte count or a time cannot
// become a cycle count by accident; reading the count back is implicit.
#pragma once

#include <cstdint>
#include <ostream>

namespace adasim::sim {

class Cycle {
 public:
  constexpr Cycle() = default;
  constexpr explicit Cycle(uint64_t n) : n_(n) {}
  constexpr uint64_t value() const { return n_; }
  constexpr operator uint64_t() const { return n_; }  // NOLINT: read back as a plain count

  constexpr Cycle& operator+=(Cycle o) {
    n_ += o.n_;
    return *this;
  }
  constexpr Cycle& operator++() {
    ++n_;
    return *this;
  }
  friend constexpr Cycle operator+(Cycle a, Cycle b) { return Cycle(a.n_ + b.n_); }
  friend constexpr Cycle operator-(Cycle a, Cycle b) { return Cycle(a.n_ - b.n_); }

 private:
  uint64_t n_ = 0;
};

inline std::ostream& operator<<(std::ostream& os, Cycle c) { return os << c.value(); }

}  // namespace adasim::sim
