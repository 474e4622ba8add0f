// SPDX-License-Identifier: Apache-2.0
// The DMA engine on its own, wired to a real SRAM level filled from a real DRAM channel: a store
// queued behind an event can be resized until it issues (the output encoder sizes a store only when
// its values are final), the resized count is what moves (bytes, bursts and completion times by
// hand), an event raised for a later time issues its job then, and resizing an issued job or an
// unknown one, or raising an event in the past, is a ModelError. One SystemC simulation per
// process: this file holds one test.
#include "arch/memory/dma.hpp"

#include <gtest/gtest.h>

#include <systemc>

#include "arch/memory/dram.hpp"
#include "arch/memory/sram_level.hpp"
#include "sim/core/errors.hpp"
#include "test_support.hpp"

namespace adasim {
namespace {

using arch::Dma;
using arch::Operand;

TEST(Dma, StoreBytesCanChangeUntilTheJobIssues) {
  const arch::AcceleratorSpec spec = test::real_spec(8, 8, "ws", 16.0, 1 << 16);
  arch::Dram dram("dram", spec.dram);
  arch::SramLevel sram("gbuf", spec.sram[0], 0);
  Dma dma("dma", 1, 64);              // 64-byte bursts
  sram.downstream.bind(dram.socket);  // the level is filled from DRAM
  dma.level_sockets[0].bind(sram.upstream);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);  // elaborate: the sockets are bound from here on

  dma.begin_layer();
  const int outputs_done = dma.new_event();
  const int store = dma.add_job(Dma::Dir::kStore, Operand::kOfmap, 0, 1000, outputs_done);
  const int load = dma.add_job(Dma::Dir::kLoad, Operand::kWeight, 0, 64, Dma::kNoEvent);
  EXPECT_TRUE(dma.issued(load));  // nothing to wait for
  EXPECT_FALSE(dma.issued(store));
  dma.set_job_bytes(store, 130);  // the encoded size, known once the outputs are final
  dma.fire(outputs_done);
  ASSERT_TRUE(dma.issued(store));

  // 130 bytes in 64-byte bursts: 64 + 64 + 2 (3 bursts); the load is 1 burst.
  EXPECT_EQ(dma.stats().store_bytes, 130u);
  EXPECT_EQ(dram.stats().write_bytes, 130u);
  EXPECT_EQ(dram.stats().read_bytes, 64u);
  EXPECT_EQ(dram.stats().bursts, 4u);
  EXPECT_EQ(sram.stats().dma_read_bytes, 130u);
  EXPECT_EQ(sram.stats().dma_write_bytes, 64u);

  // Timing by hand (16 GB/s: 64 bytes take 4 ns; 100 ns latency): the load holds the channel
  // 0-4 ns; the store's bursts follow back to back, 4 + 4 + 0.125 ns, done 12.125 + 100 ns.
  EXPECT_EQ(dma.done_time(load), sc_core::sc_time(104, sc_core::SC_NS));
  EXPECT_EQ(dma.done_time(store), sc_core::sc_time(112.125, sc_core::SC_NS));
  // An event raised for a later time (fast mode: a stretch's last cycle) issues its job then:
  // 128 bytes from 50 ns on the idle channel, done 50 + 8 + 100 ns.
  const int later = dma.new_event();
  const int late_load = dma.add_job(Dma::Dir::kLoad, Operand::kIfmap, 0, 128, later);
  dma.fire(later, sc_core::sc_time(50, sc_core::SC_NS));
  ASSERT_TRUE(dma.issued(late_load));
  EXPECT_EQ(dma.done_time(late_load), sc_core::sc_time(158, sc_core::SC_NS));
  EXPECT_EQ(dram.stats().bursts, 6u);
  sc_core::sc_start(sc_core::sc_time(60, sc_core::SC_NS));
  const int past = dma.new_event();
  EXPECT_THROW(dma.fire(past, sc_core::sc_time(10, sc_core::SC_NS)), sim::ModelError);

  // Too late: the bytes already moved.
  EXPECT_THROW(dma.set_job_bytes(store, 5), sim::ModelError);
  EXPECT_THROW(dma.set_job_bytes(store + 7, 5), sim::ModelError);
  EXPECT_THROW(dma.set_job_bytes(-1, 5), sim::ModelError);
  EXPECT_EQ(dma.stats().store_bytes, 130u);
  EXPECT_EQ(dram.stats().write_bytes, 130u);
}

}  // namespace
}  // namespace adasim
