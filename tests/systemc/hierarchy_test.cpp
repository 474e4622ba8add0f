// SPDX-License-Identifier: Apache-2.0
// The memory hierarchy is built from the spec: an L1 chained under an L2 (SramLevelSpec::parent)
// is bound by configuration alone, and a transfer plan that names the hops (DRAM -> L2, L2 -> L1)
// moves every byte through both levels with the dependencies of the chain: a copy into the L1
// starts when its data has arrived in the L2, and a store leaves the L1 before it leaves the L2.
// Bytes and times are worked out by hand below. One SystemC elaboration per test process.
#include "arch/memory/hierarchy.hpp"

#include <gtest/gtest.h>

#include <systemc>

#include "arch/memory/transfer_controller.hpp"
#include "arch/program/transfers.hpp"
#include "test_support.hpp"

namespace adasim {
namespace {

using arch::Operand;
using sc_core::SC_NS;
using sc_core::sc_time;

TEST(MemoryHierarchy, AnL1ChainedUnderAnL2MovesEveryHop) {
  arch::AcceleratorSpec spec = test::real_spec(8, 8, "ws", 16.0, 1 << 16);
  spec.dram.burst_bytes = 64;
  spec.dram.latency_ns = 100;
  arch::SramLevelSpec l2 = spec.sram[0];
  l2.name = "l2";
  l2.holds = {};
  arch::SramLevelSpec l1 = spec.sram[0];
  l1.name = "l1";
  l1.parent = "l2";  // the chain, by configuration
  spec.sram = {l2, l1};
  arch::MemoryHierarchy mem("memory", spec);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);  // elaborate: the sockets are bound from here on

  // Every operand's route: DRAM -> l2 (level 0) -> l1 (level 1).
  arch::TransferPlan plan;
  const auto routes = arch::operand_routes(spec);
  for (int o = 0; o < arch::kNumOperands; ++o) {
    ASSERT_EQ(routes[size_t(o)], (std::vector<arch::Hop>{{arch::kDram, 0}, {0, 1}}));
    plan.operands[size_t(o)].route = routes[size_t(o)];
  }
  // One fold of two chunks: chunk 0 stages a 256-byte ifmap tile in the L2 and its first half in
  // the L1; chunk 1 copies the second half from the L2 (nothing new from DRAM) and its 64 outputs
  // go back through the L2 to DRAM.
  arch::FoldPlan f;
  arch::ChunkPlan c0, c1;
  c0.t_len = c1.t_len = 1;
  c1.t0 = 1;
  c0.load_bytes[size_t(Operand::kIfmap)] = {256, 128, 0};
  c1.load_bytes[size_t(Operand::kIfmap)] = {0, 128, 0};
  c1.store_bytes = {64, 64, 0};
  c1.out_elems = 64;
  f.chunks = {c0, c1};
  plan.folds = {f};

  mem.begin_layer();
  arch::TransferController tc(plan, mem.dma());
  // DRAM at 16 GB/s: a 64-byte burst takes 4 ns, bursts pipeline behind a 100 ns latency, so the
  // 4 bursts of the L2 fill complete at 4 x 4 + 100 = 116 ns. Both copies into the L1 wait for
  // that fill and add no time of their own (the L2 has no latency).
  EXPECT_EQ(tc.chunk_ready(0), sc_time(116, SC_NS));
  EXPECT_EQ(tc.chunk_ready(1), sc_time(116, SC_NS));
  tc.chunk_consumed(0);
  tc.chunk_consumed(1);
  tc.outputs_done(tc.out_index(1));
  // The store: out of the L1 into the L2 now (t = 0), then one burst from the L2 to DRAM:
  // 4 ns behind the channel's last fill transfer (busy until 16 ns) + 100 ns = 120 ns.
  ASSERT_TRUE(tc.all_done().has_value());
  EXPECT_EQ(*tc.all_done(), sc_time(120, SC_NS));

  const arch::SramLevel& L2 = mem.level(0);
  const arch::SramLevel& L1 = mem.level(1);
  EXPECT_EQ(mem.dram().stats().read_bytes, 256u);  // only the hop from DRAM reads DRAM
  EXPECT_EQ(mem.dram().stats().write_bytes, 64u);
  EXPECT_EQ(L2.stats().dma_write_bytes, 256u + 64u);        // the fill, then the L1's store
  EXPECT_EQ(L2.stats().dma_read_bytes, 128u + 128u + 64u);  // two copies down, one store up
  EXPECT_EQ(L1.stats().dma_write_bytes, 256u);
  EXPECT_EQ(L1.stats().dma_read_bytes, 64u);
  EXPECT_EQ(mem.dma().stats().load_bytes[size_t(Operand::kIfmap)], 256u + 128u + 128u);
  EXPECT_EQ(mem.dma().stats().store_bytes, 128u);  // both hops of the store
}

}  // namespace
}  // namespace adasim
