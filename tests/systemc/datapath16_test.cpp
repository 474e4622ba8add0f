// SPDX-License-Identifier: Apache-2.0
// 16-bit datapaths with values: operands of 10 and 16 bits (signed, and unsigned with the zero
// point at mid-range) move through every systolic and spatial dataflow, with small buffers that
// force tiling and psum spills, and the accumulators leave through the configured psum rule
// (pe_array.psum_overflow at accum_bits). Compared bit for bit with the reference kernels
// (workloads/reference) accumulating per their own statement of the rule.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "sim/config/arch_config.hpp"
#include "sim/core/errors.hpp"
#include "test_support.hpp"
#include "workloads/reference/reference_ops.hpp"

namespace adasim {
namespace {

using arch::PsumOverflow;
using workloads::AccumulatorRule;
using workloads::Int32Buffer;

struct RuleCase {
  const char* name;
  int operand_bits;
  PsumOverflow overflow;
  int accum_bits;
};

const RuleCase kRules[] = {
    {"wrap32_16b", 16, PsumOverflow::kWrap, 32},
    {"wrap16_16b", 16, PsumOverflow::kWrap, 16},
    {"wrap24_16b", 16, PsumOverflow::kWrap, 24},
    {"saturate16_10b", 10, PsumOverflow::kSaturate, 16},
    {"exact_10b", 10, PsumOverflow::kExact, 32},
};

// Every tensor of g gets `bits`; the graph inputs of every other layer are unsigned with their
// zero point at mid-range (q - zp then spans the same signed range).
void widen(workloads::Graph& g, int bits) {
  for (auto& [name, t] : g.tensors) t.bits = bits;
  for (size_t i = 1; i < g.layers.size(); i += 2) {
    workloads::TensorInfo& t = g.tensors.at(g.layers[i].inputs[0]);
    t.is_signed = false;
    t.zero_point = int32_t(1) << (bits - 1);
  }
}

// q - zero point of the generated values of tensor t (the integers the MACs multiply).
Int32Buffer operand(const workloads::TensorInfo& t, uint64_t seed) {
  Int32Buffer v = workloads::generate_wide_values(t, seed);
  for (int32_t& x : v.data) x -= t.zero_point;
  return v;
}

AccumulatorRule reference_rule(const RuleCase& r) {
  using O = AccumulatorRule::Overflow;
  const O o = r.overflow == PsumOverflow::kWrap       ? O::kWrap
              : r.overflow == PsumOverflow::kSaturate ? O::kSaturate
                                                      : O::kExact;
  return {o, r.accum_bits};
}

std::map<std::string, size_t> mismatches(const workloads::Graph& g,
                                         const std::map<std::string, Int32Buffer>& acc,
                                         uint64_t seed, const AccumulatorRule& rule) {
  std::map<std::string, size_t> out;
  for (const workloads::Layer& l : g.layers) {
    const Int32Buffer a = operand(g.tensor(l.inputs[0]), seed);
    const Int32Buffer b = operand(g.tensor(l.weight.empty() ? l.inputs.at(1) : l.weight), seed);
    Int32Buffer want;
    if (l.op == workloads::OpType::kConv2d)
      want = workloads::reference_conv2d(a, b, g.shape(l), rule);
    else if (l.op == workloads::OpType::kFullyConnected)
      want = workloads::reference_fc(a, b, rule);
    else
      want = workloads::reference_matmul(a, b, rule);
    auto it = acc.find(l.output);
    size_t bad = SIZE_MAX;
    if (it != acc.end() && it->second.data.size() == want.data.size()) {
      bad = 0;
      for (size_t i = 0; i < want.data.size(); ++i) bad += it->second.data[i] != want.data[i];
    }
    out[l.name] = bad;
  }
  return out;
}

// An array: systolic (dataflow) or spatial (spatial dataflow), with a small buffer, or the
// shipped Eyeriss chip (configs/eyeriss_chip.json: per-operand spads, buses and psum links, a
// split global buffer) running one spatial dataflow.
struct ArrayCase {
  const char* name;
  bool spatial;
  std::string df;
  std::string sdf;
  bool chip = false;
};

arch::AcceleratorSpec spec_for(const ArrayCase& a, const RuleCase& r) {
  if (a.chip) {
    arch::AcceleratorSpec s =
        sim::load_arch_config(std::string(ADASIM_SOURCE_DIR) + "/configs/eyeriss_chip.json", {})
            .spec;
    s.pe_array.spatial_dataflow = a.sdf;
    s.pe_array.accum_bits = r.accum_bits;
    s.pe_array.psum_overflow = r.overflow;
    return s;
  }
  arch::AcceleratorSpec s = a.spatial ? test::spatial_spec(4, 4, a.sdf, 128, 1536)
                                      : test::real_spec(4, 8, a.df, 2.0, 3 * 1024);
  s.pe_array.mac_bits = 16;
  s.pe_array.accum_bits = r.accum_bits;
  s.pe_array.psum_overflow = r.overflow;
  return s;
}

const ArrayCase kArrays[] = {
    {"ws", false, "ws", {}},
    {"is", false, "is", {}},
    {"os", false, "os", {}},
    {"rs", true, {}, "rs"},
    {"sp_ws", true, {}, "ws"},
    {"os_a", true, {}, "os_a"},
    {"os_b", true, {}, "os_b"},
    {"os_c", true, {}, "os_c"},
    {"nlr", true, {}, "nlr"},
    {"chip_rs", true, {}, "rs", true},
    {"chip_ws", true, {}, "ws", true},
    {"chip_os_a", true, {}, "os_a", true},
    {"chip_os_b", true, {}, "os_b", true},
    {"chip_os_c", true, {}, "os_c", true},
    {"chip_nlr", true, {}, "nlr", true},
};

using Param = std::tuple<int, int>;  // array case, rule case
class Datapath16 : public ::testing::TestWithParam<Param> {};

TEST_P(Datapath16, OutputsEqualReferenceKernelsUnderThePsumRule) {
  const ArrayCase& arr = kArrays[std::get<0>(GetParam())];
  const RuleCase& rule = kRules[std::get<1>(GetParam())];
  workloads::Graph g;
  g.name = "datapath16";
  test::add_functional_layers(g);
  widen(g, rule.operand_bits);
  const arch::AcceleratorSpec spec = spec_for(arr, rule);
  const arch::EnergyTable energy(spec.energy);
  const uint64_t seed = 5;
  arch::ValueStore values(
      g,
      [](const workloads::TensorInfo& t) -> workloads::Int8Buffer {
        throw sim::ModelError("int8 storage asked for " + std::to_string(t.bits) + "-bit " +
                              t.name);
      },
      [seed](const workloads::TensorInfo& t) { return workloads::generate_wide_values(t, seed); });
  std::map<std::string, Int32Buffer> acc;
  sim::simulate(spec, g, energy, values, nullptr, &acc);
  ASSERT_EQ(acc.size(), g.layers.size());
  const auto bad = mismatches(g, acc, seed, reference_rule(rule));
  ASSERT_EQ(bad.size(), g.layers.size());
  for (const auto& [layer, n] : bad) EXPECT_EQ(n, 0u) << layer;
  // The rule must bite: 16-bit accumulators wrap or clamp some of these sums.
  if (rule.accum_bits == 16) {
    int64_t at_limit = 0, beyond_int16_exact = 0;
    for (const auto& [name, b] : acc)
      for (int32_t v : b.data) {
        at_limit += v == 32767 || v == -32768;
        beyond_int16_exact += v > 32767 || v < -32768;
      }
    EXPECT_EQ(beyond_int16_exact, 0);
    if (rule.overflow == PsumOverflow::kSaturate) {
      EXPECT_GT(at_limit, 0);
    }
  }
}

std::string name_of(const ::testing::TestParamInfo<Param>& info) {
  return std::string(kArrays[std::get<0>(info.param)].name) + "_" +
         kRules[std::get<1>(info.param)].name;
}

INSTANTIATE_TEST_SUITE_P(EveryDataflowAndRule, Datapath16,
                         ::testing::Combine(::testing::Range(0, 9), ::testing::Range(0, 5)),
                         name_of);

// The Eyeriss chip's own rule (16-bit psums that wrap), and 32-bit exact sums, on every spatial
// dataflow.
INSTANTIATE_TEST_SUITE_P(EyerissChip, Datapath16,
                         ::testing::Combine(::testing::Range(9, 15), ::testing::Values(1, 0)),
                         name_of);

// A hand-derived layer end to end: FC of the row [30000, 30000, -1, 2] (16-bit) with the weights
// [2, 1, 5, 7]: the exact sum is 60000 + 30000 - 5 + 14 = 90009 = 65536 + 24473.
int32_t hand_fc(const ArrayCase& arr, PsumOverflow o, int accum_bits,
                std::vector<int32_t> in_row = {30000, 30000, -1, 2},
                std::vector<int32_t> w_row = {2, 1, 5, 7}) {
  workloads::Graph g;
  g.name = "hand";
  test::add_fc(g, "fc", 1, 4, 1);
  for (auto& [name, t] : g.tensors) t.bits = 16;
  arch::AcceleratorSpec s = spec_for(arr, {"", 16, o, accum_bits});
  const arch::EnergyTable energy(s.energy);
  arch::ValueStore values(g, nullptr);
  const workloads::Layer& l = g.layers[0];
  Int32Buffer in({1, 4}), w({1, 4});
  in.data = std::move(in_row);
  w.data = std::move(w_row);
  values.put_wide(l.inputs[0], in);
  values.put_wide(l.weight, w);
  std::map<std::string, Int32Buffer> acc;
  sim::simulate(s, g, energy, values, nullptr, &acc);
  return acc.at(l.output).data.at(0);
}

struct HandCase {
  const char* name;
  PsumOverflow overflow;
  int accum_bits;
  int32_t want;
};

const HandCase kHand[] = {
    {"wrap32", PsumOverflow::kWrap, 32, 90009},
    {"wrap16", PsumOverflow::kWrap, 16, 24473},
    // 17 bits: bit 16 of 90009 is set, so 90009 - 2^17 = -41063.
    {"wrap17", PsumOverflow::kWrap, 17, -41063},
    {"saturate16", PsumOverflow::kSaturate, 16, 32767},
    {"saturate17", PsumOverflow::kSaturate, 17, 65535},
    {"exact", PsumOverflow::kExact, 32, 90009},
};

using HandParam = std::tuple<int, int>;  // array case (ws, os, rs, nlr), hand case
class Datapath16Hand : public ::testing::TestWithParam<HandParam> {};

// One simulation per test case (SystemC elaborates once per process; ctest runs each case alone).
TEST_P(Datapath16Hand, OneSumUnderTheRule) {
  const int arrays[] = {0, 2, 3, 8};
  const ArrayCase& arr = kArrays[arrays[std::get<0>(GetParam())]];
  const HandCase& h = kHand[std::get<1>(GetParam())];
  EXPECT_EQ(hand_fc(arr, h.overflow, h.accum_bits), h.want) << arr.name << " " << h.name;
}

std::string hand_name(const ::testing::TestParamInfo<HandParam>& info) {
  const int arrays[] = {0, 2, 3, 8};
  return std::string(kArrays[arrays[std::get<0>(info.param)]].name) + "_" +
         kHand[std::get<1>(info.param)].name;
}

INSTANTIATE_TEST_SUITE_P(HandDerived, Datapath16Hand,
                         ::testing::Combine(::testing::Range(0, 4), ::testing::Range(0, 6)),
                         hand_name);

// Sums that leave int32 wrap in the datapath's own adders (two's complement, modulo 2^32),
// on every kind of accumulation: down a WS column, in an OS PE, in an RS register file, reduced
// on the way to an NLR buffer. [-2^15] x 3 . [-2^15] x 3 + 1 x 5 = 3 x 2^30 + 5 = 3221225477,
// which is 3221225477 - 2^32 = -1073741819 in 32 bits and 5 in 16 (3 x 2^30 has no low bits).
class Datapath16Wrap32 : public ::testing::TestWithParam<int> {};

TEST_P(Datapath16Wrap32, SumBeyondInt32Wraps) {
  const int arrays[] = {0, 2, 3, 8};
  const ArrayCase& arr = kArrays[arrays[GetParam() / 2]];
  const int accum_bits = GetParam() % 2 == 0 ? 32 : 16;
  const std::vector<int32_t> in = {-32768, -32768, -32768, 1}, w = {-32768, -32768, -32768, 5};
  const int32_t want = accum_bits == 32 ? -1073741819 : 5;
  EXPECT_EQ(hand_fc(arr, PsumOverflow::kWrap, accum_bits, in, w), want) << arr.name;
  // The reference kernel agrees (it wraps an exact int64 sum after every add).
  Int32Buffer a({1, 4}), b({1, 4});
  a.data = in;
  b.data = w;
  EXPECT_EQ(workloads::reference_fc(a, b, {AccumulatorRule::Overflow::kWrap, accum_bits}).data,
            std::vector<int32_t>{want});
}

std::string wrap32_name(const ::testing::TestParamInfo<int>& info) {
  const int arrays[] = {0, 2, 3, 8};
  return std::string(kArrays[arrays[info.param / 2]].name) +
         (info.param % 2 == 0 ? "_wrap32" : "_wrap16");
}

INSTANTIATE_TEST_SUITE_P(HandDerived, Datapath16Wrap32, ::testing::Range(0, 8), wrap32_name);

TEST(Datapath16Refusal, WideOperandsNeedWideMacs) {
  arch::AcceleratorSpec s = spec_for(kArrays[0], {"", 16, PsumOverflow::kWrap, 32});
  s.pe_array.mac_bits = 8;
  workloads::Graph g;
  g.name = "narrow_macs";
  test::add_fc(g, "fc", 1, 4, 1);
  for (auto& [name, t] : g.tensors) t.bits = 16;
  const arch::EnergyTable energy(s.energy);
  arch::ValueStore values(g, nullptr, [](const workloads::TensorInfo& t) {
    return workloads::generate_wide_values(t, 1);
  });
  try {
    sim::simulate(s, g, energy, values);
    FAIL() << "expected a ConfigError";
  } catch (const sim::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("mac_bits"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace adasim
