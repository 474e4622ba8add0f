// SPDX-License-Identifier: Apache-2.0
// A host-side budget the mapping searches answer to: a long search inside one layer (thousands
// of candidates with large transfer plans) stops when the run's wall-time or memory budget is
// spent, instead of running on until the next layer. The searches call the guard between
// candidates and, while building one, every few thousand folds (VGG-16's fc6 on an 8x8 array:
// 1.6 M folds, tens of seconds, in a single candidate), at points fixed by the enumeration alone;
// the guard only ever throws: when it does not, the search (and so every output) is the same as
// without it.
#pragma once

#include <cstdint>
#include <string>

namespace adasim::workloads {

/// Folds a plan builder runs between two guard checks (the systolic planner's candidates, the
/// spatial mapper's transfer plan): a count, so where the guard is consulted never depends on
/// the clock.
inline constexpr int64_t kFoldsPerGuardCheck = 4096;

class ISearchGuard {
 public:
  virtual ~ISearchGuard() = default;
  /// Called before each layer is mapped and between the candidates of its search; throws
  /// sim::ConfigError (naming `layer` and the budget) when the budget is spent. Cheap enough to
  /// call per candidate (an implementation reads the clock, and the memory at most a few times
  /// a second).
  virtual void check(const std::string& layer) = 0;
};

}  // namespace adasim::workloads
