// SPDX-License-Identifier: Apache-2.0
// The mapper's estimate against the engine it ranks for: on stall-free memory the estimate's
// cycles must equal the simulated ones exactly, for every dataflow and timing convention, on
// random layers (padding, stride, dilation, groups, batch, FC, matmul) and random mapping
// constraints (chunk length, loop order, SRAM size: one or many folds and chunks). The simulated
// figures come from the SystemC engine itself, run in a child process per spec.
#include <gtest/gtest.h>

#include <random>

#include "arch/energy/energy_table.hpp"
#include "forked_sim.hpp"
#include "sim/app/simulation.hpp"
#include "sim/core/errors.hpp"
#include "test_support.hpp"
#include "workloads/mapper/estimate.hpp"
#include "workloads/mapper/timeline/timeline.hpp"

namespace adasim {
namespace {

using Dataflow = std::string;  // a registered dataflow's name
using arch::TimingConvention;

/// How a random spec's memory behaves: all ideal; SRAM ports and bus finite (they may stall,
/// which the replay models cycle by cycle) with ideal DRAM; the same with the SRAM and the NoC
/// in a memory clock domain slower than the core (issue 14 part 1: n port cycles take
/// ceil(n f_core / f_mem) core cycles, plus the synchroniser on the feed path).
enum class Memory { kIdeal, kFinitePorts, kSlowDomain };

arch::AcceleratorSpec random_spec(std::mt19937_64& rng, Dataflow df, TimingConvention conv,
                                  Memory mem) {
  auto pick = [&](int lo, int hi) { return int(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  const int dims[] = {4, 8, 16};
  const bool scalesim = conv == TimingConvention::kScaleSim;
  arch::AcceleratorSpec spec =
      test::ideal_spec(dims[pick(0, 2)], dims[pick(0, 2)], df, conv, scalesim ? 0 : pick(0, 2));
  // Small buffers force many chunks and folds; a fixed chunk or loop order varies them.
  const int64_t sizes[] = {2048, 8192, int64_t(64) << 20};
  spec.sram[0].size_bytes = sizes[pick(0, 2)];
  if (pick(0, 1)) spec.mapper.chunk_len = pick(1, 40);
  spec.mapper.loop_order = arch::LoopOrderConstraint(pick(0, 2));
  if (!scalesim) {
    spec.pe_array.weight_double_buffer = pick(0, 1);
    spec.pe_array.output_double_buffer = pick(0, 1);
  }
  if (mem == Memory::kFinitePorts) {
    spec.sram[0].ideal = false;
    spec.sram[0].word_bits = 8 * pick(1, 8);
    spec.sram[0].banks = pick(1, 4);
    spec.noc.link_width_bits = 8 * pick(4, 64);
  }
  if (mem == Memory::kSlowDomain) {
    spec.sram[0].ideal = false;
    spec.sram[0].word_bits = 8 * pick(1, 8);
    spec.noc.link_width_bits = 8 * pick(4, 64);
    const double ratios[] = {1.5, 2.0, 3.0};
    arch::DomainSpec d;
    d.nominal = {spec.clock.nominal.freq_mhz / ratios[pick(0, 2)], spec.clock.nominal.voltage_v};
    d.operating_points = {d.nominal};
    d.sync_cycles = pick(0, 3);
    spec.clock.memory = d;
  }
  return spec;
}

using Param = std::tuple<Dataflow, TimingConvention, Memory, int>;

// The dataflow's position in ws, os, is (the seeds' mixing term, as when dataflows were an enum).
uint64_t seed_index(const Dataflow& df) { return df == "ws" ? 0 : df == "os" ? 1 : 2; }
class SystolicEstimateEqualsEngine : public ::testing::TestWithParam<Param> {};

TEST_P(SystolicEstimateEqualsEngine, CyclesAndAccesses) {
  const auto [df, conv, mem, seed] = GetParam();
  std::mt19937_64 rng(uint64_t(seed) * 7919 + seed_index(df) * 31 + uint64_t(mem));
  const arch::AcceleratorSpec spec = random_spec(rng, df, conv, mem);
  const workloads::Graph g = test::random_array_layers(rng, 8);
  std::vector<workloads::LayerSchedule> sch;
  std::vector<test::LayerFigures> ran;
  if (!test::map_and_simulate(spec, g, sch, ran))
    GTEST_SKIP() << "a layer does not fit this random buffer";
  ASSERT_EQ(ran.size(), sch.size());
  for (size_t i = 0; i < sch.size(); ++i) {
    SCOPED_TRACE(g.layers[i].name + " " + sch[i].search.chosen);
    const workloads::Estimate e = workloads::estimate(sch[i], spec, workloads::EnergyCosts{});
    EXPECT_EQ(int64_t(e.cycles), int64_t(ran[i].cycles));
    if (mem == Memory::kIdeal) {
      EXPECT_EQ(ran[i].stall, 0u);
    }
    for (const auto& [key, bytes] : e.accesses) {
      const auto it = ran[i].accesses.find(key);
      ASSERT_NE(it, ran[i].accesses.end()) << key;
      EXPECT_EQ(bytes, int64_t(it->second)) << key;
    }
  }
}

std::string name_of(const ::testing::TestParamInfo<Param>& info) {
  const auto [df, conv, mem, seed] = info.param;
  const char* m = mem == Memory::kIdeal         ? "_ideal_"
                  : mem == Memory::kFinitePorts ? "_ports_"
                                                : "_slowmem_";
  return df + "_" + arch::to_string(conv) + m + std::to_string(seed);
}

INSTANTIATE_TEST_SUITE_P(
    Random, SystolicEstimateEqualsEngine,
    ::testing::Combine(::testing::Values("ws", "os", "is"),
                       ::testing::Values(TimingConvention::kFaithful, TimingConvention::kScaleSim),
                       ::testing::Values(Memory::kIdeal, Memory::kFinitePorts, Memory::kSlowDomain),
                       ::testing::Range(0, 4)),
    name_of);

}  // namespace
}  // namespace adasim
