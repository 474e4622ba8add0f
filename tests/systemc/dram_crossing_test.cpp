// SPDX-License-Identifier: Apache-2.0
// Crossing between the DRAM interface's fixed clock domain and the core's (clock.dram_sync_cycles):
// each transaction, a read (a load's data) or a write (a store's completion), completes the
// configured number of core cycles after its last burst, at the core's current period; the
// synchroniser is pipelined, so a train of bursts pays it once.
// Times are worked by hand: 1 GB/s = 1 byte/ns, so a 64-byte burst occupies the channel 64 ns,
// then 100 ns first-byte latency, then 3 synchroniser cycles of 2 ns (500 MHz) = 6 ns.
#include <gtest/gtest.h>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <systemc>
#include <tlm>
#include <vector>

#include "arch/dvfs/clock_domain.hpp"
#include "arch/memory/dram.hpp"
#include "arch/memory/transfer_extension.hpp"
#include "sim/core/errors.hpp"

namespace adasim {
namespace {

struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> socket{"socket"};
  explicit Initiator(sc_core::sc_module_name n) : sc_core::sc_module(n) {}
  /// Issues one read burst of `bytes` at the current time; returns its completion delay in ns.
  double read(unsigned bytes) { return transfer(tlm::TLM_READ_COMMAND, bytes, 0); }
  /// Issues one transaction of `bytes` at the current time, a train of `burst`-byte bursts as the
  /// DMA sends it (0: one burst); returns its completion delay in ns.
  double transfer(tlm::tlm_command cmd, unsigned bytes, uint64_t burst) {
    std::vector<unsigned char> data(bytes);
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_data_ptr(data.data());
    t.set_data_length(bytes);
    arch::TransferExtension train;
    train.burst_bytes = burst;
    t.set_extension(&train);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(t, delay);
    t.clear_extension(&train);  // on the stack: the payload must not free it
    last_dram_end_ns = train.dram_end.to_seconds() * 1e9;
    return delay.to_seconds() * 1e9;
  }
  double last_dram_end_ns = 0.0;  ///< when the channel finished the last transaction's bursts
};

struct Rig {
  arch::ClockDomain core;
  arch::Dram dram;
  Initiator dma{"dma"};
  Rig() : core(clock_spec()), dram("dram", dram_spec()) { dma.socket.bind(dram.socket); }
  static arch::DramSpec dram_spec() {
    arch::DramSpec s;
    s.bandwidth_gb_per_s = 1.0;
    s.latency_ns = 100.0;
    return s;
  }
  static arch::ClockSpec clock_spec() {
    arch::ClockSpec s;
    s.nominal = {500.0, 0.9};
    s.operating_points = {{250.0, 0.7}, {500.0, 0.9}};
    return s;
  }
};

TEST(DramCrossing, EachReadPaysTheSynchroniserAtTheCorePeriod) {
  Rig rig;
  arch::ClockDomain& core = rig.core;
  arch::Dram& dram = rig.dram;
  Initiator& dma = rig.dma;
  dram.cross_into(core, 3);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);

  // Burst 1: channel 0..64 ns, +100 ns latency, +3 x 2 ns = 170 ns.
  EXPECT_NEAR(dma.read(64), 170.0, 1e-6);
  // Burst 2 queues behind it: channel 64..128 ns, +100, +6 = 234 ns.
  EXPECT_NEAR(dma.read(64), 234.0, 1e-6);
  // The core drops to 250 MHz (4 ns): burst 3, channel 128..192 ns, +100, +3 x 4 = 304 ns.
  core.set_point({250.0, 0.7});
  EXPECT_NEAR(dma.read(64), 304.0, 1e-6);
  // No synchroniser: burst 4, channel 192..256 ns, +100 = 356 ns.
  dram.cross_into(core, 0);
  EXPECT_NEAR(dma.read(64), 356.0, 1e-6);
  EXPECT_EQ(dram.stats().bursts, 4u);
  EXPECT_THROW(dram.cross_into(core, -1), sim::ModelError);
}

TEST(DramCrossing, ATrainPaysTheSynchroniserOnceAndAStoreDoesToo) {
  Rig rig;
  rig.dram.cross_into(rig.core, 3);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);

  // A load: 256 bytes in 64-byte bursts, issued together. The channel moves them 0..256 ns, the
  // last one's data arrives +100 ns = 356 ns, then crosses once: +3 x 2 ns = 362 ns (paying per
  // burst would give 356 + 4 x 6 = 380 ns).
  EXPECT_NEAR(rig.dma.transfer(tlm::TLM_READ_COMMAND, 256, 64), 362.0, 1e-6);
  EXPECT_NEAR(rig.dma.last_dram_end_ns, 256.0, 1e-6);
  // A store: 128 bytes in 64-byte bursts, queued behind the load: channel 256..384 ns, the last
  // write done +100 ns = 484 ns, and its completion crosses back before the DMA sees it: +6 ns =
  // 490 ns (per burst: 484 + 2 x 6 = 496 ns).
  EXPECT_NEAR(rig.dma.transfer(tlm::TLM_WRITE_COMMAND, 128, 64), 490.0, 1e-6);
  EXPECT_NEAR(rig.dma.last_dram_end_ns, 384.0, 1e-6);
  EXPECT_EQ(rig.dram.stats().bursts, 4u + 2u);
  EXPECT_EQ(rig.dram.stats().read_bytes, 256u);
  EXPECT_EQ(rig.dram.stats().write_bytes, 128u);
}

}  // namespace
}  // namespace adasim
