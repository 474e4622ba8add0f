// SPDX-License-Identifier: Apache-2.0
#include "arch/spec.hpp"

#include <algorithm>
#include <cmath>

#include "sim/core/errors.hpp"

namespace adasim::arch {

bool same_point(const OperatingPoint& a, const OperatingPoint& b) {
  auto eq = [](double x, double y) {
    return std::fabs(x - y) <= 1e-9 * std::max(1.0, std::fabs(x));
  };
  return eq(a.freq_mhz, b.freq_mhz) && eq(a.voltage_v, b.voltage_v);
}

const char* to_string(ArrayKind k) { return k == ArrayKind::kSpatial ? "spatial" : "systolic"; }

const char* to_string(Operand o) {
  switch (o) {
    case Operand::kIfmap: return "ifmap";
    case Operand::kWeight: return "weight";
    case Operand::kOfmap: return "ofmap";
  }
  return "?";
}

std::optional<Operand> operand_from_string(std::string_view s) {
  if (s == "ifmap") return Operand::kIfmap;
  if (s == "weight") return Operand::kWeight;
  if (s == "ofmap") return Operand::kOfmap;
  return std::nullopt;
}

const char* to_string(TimingConvention c) {
  return c == TimingConvention::kFaithful ? "faithful" : "scalesim";
}

const char* to_string(Objective o) {
  switch (o) {
    case Objective::kLatency: return "latency";
    case Objective::kEnergy: return "energy";
    case Objective::kEdp: return "edp";
  }
  return "?";
}

int AcceleratorSpec::level_index_of(Operand op) const {
  auto holds = [&](const SramLevelSpec& l) {
    for (Operand h : l.holds)
      if (h == op) return true;
    return false;
  };
  for (size_t i = 0; i < sram.size(); ++i) {
    if (!holds(sram[i])) continue;
    bool feeds_another = false;  // a level holding op is filled from this one
    for (const SramLevelSpec& l : sram) feeds_another = feeds_another || (holds(l) && l.parent == sram[i].name);
    if (!feeds_another) return int(i);
  }
  throw sim::ModelError(std::string("no SRAM level holds operand ") + to_string(op));
}

const SramLevelSpec& AcceleratorSpec::level_of(Operand op) const {
  return sram[size_t(level_index_of(op))];
}

const char* to_string(PsumOverflow o) {
  switch (o) {
    case PsumOverflow::kExact: return "exact";
    case PsumOverflow::kWrap: return "wrap";
    case PsumOverflow::kSaturate: return "saturate";
  }
  return "?";
}

std::optional<PsumOverflow> psum_overflow_from_string(std::string_view s) {
  for (PsumOverflow o : {PsumOverflow::kExact, PsumOverflow::kWrap, PsumOverflow::kSaturate})
    if (s == to_string(o)) return o;
  return std::nullopt;
}

const char* to_string(SparsityMode m) {
  switch (m) {
    case SparsityMode::kNone: return "none";
    case SparsityMode::kGate: return "gate";
    case SparsityMode::kSkip: return "skip";
  }
  return "?";
}

std::optional<SparsityMode> sparsity_mode_from_string(std::string_view s) {
  if (s == "none") return SparsityMode::kNone;
  if (s == "gate") return SparsityMode::kGate;
  if (s == "skip") return SparsityMode::kSkip;
  return std::nullopt;
}

bool PowerSpec::clock_gates(const std::string& block) const {
  return std::find(clock_gated.begin(), clock_gated.end(), block) != clock_gated.end();
}

bool PowerSpec::power_gates(const std::string& block) const {
  return std::find(power_gated.begin(), power_gated.end(), block) != power_gated.end();
}

}  // namespace adasim::arch
