// SPDX-License-Identifier: Apache-2.0
// Statistics a block declares once, with a unit and a one-line description each (gem5's ADD_STAT,
// ram2's add(name, ref)): a StatGroup holds references to the block's plain counters, so the hot
// path stays a member increment, plus derived values (formulas) evaluated when the stats are
// collected. Collection produces plain StatValue records; report writers (sim/stats) turn them
// into report keys, the blocks never see the report format.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace adasim::sim {

/// What a statistic measures, which is where a report files it.
enum class StatKind {
  kCount,        ///< an access or event count (report: accesses."<group>.<name>")
  kUtilization,  ///< a fraction of a resource's capacity (report: utilization.<name>)
  kStall,        ///< cycles spent waiting, by cause (report: cycles.stall_by_cause.<name>)
  kRatio,        ///< a measured property of the data (report: sparsity.<name>)
  /// A figure as another simulator defines it, for side-by-side comparison with that tool
  /// (report: mirror.<group>.<name>, e.g. mirror.scalesim.total_cycles; layers only).
  kMirror,
};

/// The interval a layer's derived statistics are evaluated over.
struct Interval {
  uint64_t cycles = 0;        ///< cycles of the clock domain that ran it
  double time_ns = 0;         ///< simulated time
  uint64_t stall_cycles = 0;  ///< of `cycles`, those the engine waited
};

/// One collected statistic.
struct StatValue {
  std::string group;  ///< the declaring group, e.g. "gbuf", "dram"
  std::string name;   ///< e.g. "read_bytes"
  std::string unit;   ///< e.g. "bytes", "cycles", "fraction"
  StatKind kind = StatKind::kCount;
  bool integral = true;
  uint64_t count = 0;  ///< integral values
  double real = 0;     ///< other values
};

class StatGroup {
 public:
  explicit StatGroup(std::string name) : name_(std::move(name)) {}
  StatGroup(const StatGroup&) = delete;
  StatGroup& operator=(const StatGroup&) = delete;

  const std::string& name() const { return name_; }
  void rename(std::string name) { name_ = std::move(name); }

  /// A counter the block increments; read when the stats are collected.
  void add(std::string name, const uint64_t& counter, std::string unit, std::string desc,
           StatKind kind = StatKind::kCount);
  /// The same for a signed counter (never negative).
  void add(std::string name, const int64_t& counter, std::string unit, std::string desc,
           StatKind kind = StatKind::kCount);
  /// An integral value derived from the block's counters when the stats are collected.
  void add_count(std::string name, std::function<uint64_t()> value, std::string unit,
                 std::string desc, StatKind kind = StatKind::kCount);
  /// An integral value derived over the interval (cycle figures).
  void add_count_at(std::string name, std::function<uint64_t(const Interval&)> value,
                    std::string unit, std::string desc, StatKind kind);
  /// A real value derived over the interval (utilizations, ratios).
  void add_real(std::string name, std::function<double(const Interval&)> value, std::string unit,
                std::string desc, StatKind kind);
  /// Forgets every declaration (a block whose statistics depend on the layer redeclares them).
  void clear() { stats_.clear(); }

  /// Current values, in declaration order.
  void collect(const Interval& in, std::vector<StatValue>& out) const;
  /// The declarations, for documentation: name, unit, description.
  struct Doc {
    std::string name, unit, desc;
    StatKind kind;
  };
  std::vector<Doc> docs() const;

 private:
  struct Stat {
    Doc doc;
    const uint64_t* counter = nullptr;
    const int64_t* signed_counter = nullptr;
    std::function<uint64_t(const Interval&)> count;
    std::function<double(const Interval&)> real;
  };
  std::string name_;
  std::vector<Stat> stats_;
};

}  // namespace adasim::sim
