// SPDX-License-Identifier: Apache-2.0
// Crossing from the DRAM interface's fixed clock domain into the core's (clock.dram_sync_cycles):
// each burst's data waits the configured number of core cycles, at the core's current period.
// Times are worked by hand: 1 GB/s = 1 byte/ns, so a 64-byte burst occupies the channel 64 ns,
// then 100 ns first-byte latency, then 3 synchroniser cycles of 2 ns (500 MHz) = 6 ns.
#include <gtest/gtest.h>
#include <tlm_utils/simple_initiator_socket.h>

#include <systemc>
#include <tlm>
#include <vector>

#include "arch/dvfs/clock_domain.hpp"
#include "arch/memory/dram.hpp"
#include "sim/core/errors.hpp"

namespace adasim {
namespace {

struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> socket{"socket"};
  explicit Initiator(sc_core::sc_module_name n) : sc_core::sc_module(n) {}
  /// Issues one read burst of `bytes` at the current time; returns its completion delay in ns.
  double read(unsigned bytes) {
    std::vector<unsigned char> data(bytes);
    tlm::tlm_generic_payload t;
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_data_ptr(data.data());
    t.set_data_length(bytes);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(t, delay);
    return delay.to_seconds() * 1e9;
  }
};

TEST(DramCrossing, EachBurstPaysTheSynchroniserAtTheCorePeriod) {
  arch::DramSpec dram_spec;
  dram_spec.bandwidth_gb_per_s = 1.0;
  dram_spec.latency_ns = 100.0;
  arch::ClockSpec clock_spec;
  clock_spec.nominal = {500.0, 0.9};
  clock_spec.operating_points = {{250.0, 0.7}, {500.0, 0.9}};
  arch::ClockDomain core(clock_spec);
  arch::Dram dram("dram", dram_spec);
  Initiator dma("dma");
  dma.socket.bind(dram.socket);
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

}  // namespace
}  // namespace adasim
