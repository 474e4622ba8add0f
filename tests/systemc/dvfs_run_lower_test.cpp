// SPDX-License-Identifier: Apache-2.0
// clock.transition.during = "run_at_lower_clock" (arch/dvfs/dvfs_controller.hpp): the domain
// runs at the lower of the two clocks while the supply ramps and halts only while the PLL
// relocks, against hand derivations:
//  - going down in the middle of a layer (ondemand): halt for the relock only, whole cycles of
//    the new clock, then the rest of the layer at the new clock while the supply still falls;
//  - going up at a layer boundary (schedule): the layer runs at the old clock through the ramp;
//    the next layer boundary inside the ramp waits for its end and the relock (halted);
//  - fast mode gives the same figures as per-cycle mode.
// ("halt", the default, is tests/systemc/dvfs_transition_test.cpp.)
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "arch/energy/energy_table.hpp"
#include "child_process.hpp"
#include "sim/app/simulation.hpp"
#include "test_support.hpp"

namespace adasim {
namespace {

// Per layer: cycles_total, compute, dvfs stall, time_ns, transitions, transition ns, ns at
// 1000 MHz, ns at 500 MHz.
std::vector<double> run_layers(const arch::AcceleratorSpec& spec, int layers,
                               arch::RunMode mode = {}) {
  return test::in_child([&spec, layers, mode] {
    workloads::Graph g;
    g.name = "convs";
    for (int i = 0; i < layers; ++i)
      test::add_conv(g, {"c" + std::to_string(i), 1, 3, 10, 10, 20, 3, 3});
    const arch::EnergyTable energy(spec.energy);
    arch::ValueStore values(g, test::test_generator(3));
    const sim::SimulationResult res =
        sim::simulate(spec, g, energy, values, nullptr, nullptr, mode);
    std::vector<double> out;
    for (const sim::LayerReport& l : res.layers) {
      const auto at = [&l](const std::string& p) {
        const auto it = l.time_ns_at_point.find(p);
        return it == l.time_ns_at_point.end() ? 0.0 : it->second;
      };
      out.insert(out.end(),
                 {double(l.cycles_total), double(l.cycles_compute),
                  double(l.stall_by_cause.at("dvfs")), l.time_ns, double(l.dvfs->transitions),
                  l.dvfs->time_ns, at("1000MHz@1V"), at("500MHz@0.8V")});
    }
    return out;
  });
}

// 500 MHz @ 0.8 V and 1000 MHz @ 1.0 V; slew 10 mV/us (the 200 mV ramp: 20 us), relock 5 us.
arch::AcceleratorSpec two_points(const arch::OperatingPoint& nominal) {
  arch::AcceleratorSpec spec = test::ideal_spec(8, 8, "ws");
  spec.clock.nominal = nominal;
  spec.clock.operating_points = {{500.0, 0.8}, {1000.0, 1.0}};
  spec.clock.transition = arch::DvfsTransitionSpec{10.0, 5.0, 100.0, 0.9, true};
  return spec;
}

TEST(DvfsRunLower, GoingDownHaltsForTheRelockOnly) {
  // Ondemand stepping down at its first sample (200 ns): 200 cycles at 1 ns; the relock halts
  // 5 us = 2500 cycles of the new 2 ns clock; the other 928 - 200 = 728 cycles run at 2 ns while
  // the supply ramps down (20 us, longer than the rest of the layer). Halted, the layer would
  // take 200 + 25000 + 1456 ns (tests/systemc/dvfs_ondemand_test.cpp).
  arch::AcceleratorSpec spec = two_points({1000.0, 1.0});
  spec.clock.policy = "ondemand";
  spec.clock.policy_params.set("sample_us", 0.2);
  spec.clock.policy_params.set("up_threshold", 1.0);
  spec.clock.policy_params.set("down_threshold", 1.0);
  spec.clock.policy_params.set("down_samples", int64_t(1));
  spec.clock.policy_params.set("load", std::string("busy"));
  const std::vector<double> f = run_layers(spec, 1);
  ASSERT_EQ(f.size(), 8u);
  EXPECT_EQ(f[0], 928.0 + 2500.0);
  EXPECT_EQ(f[1], 928.0);
  EXPECT_EQ(f[2], 2500.0);
  EXPECT_DOUBLE_EQ(f[3], 200.0 + 5000.0 + 728.0 * 2.0);
  EXPECT_EQ(f[4], 1.0);
  EXPECT_DOUBLE_EQ(f[5], 25000.0);  // the transition still takes ramp + relock
  EXPECT_NEAR(f[6], 200.0, 1e-9);
  EXPECT_NEAR(f[7], 1456.0, 1e-9);
  arch::RunMode fast;
  fast.fast = true;
  EXPECT_EQ(run_layers(spec, 1, fast), f);
}

TEST(DvfsRunLower, GoingUpRunsThroughTheRampAtTheOldClock) {
  // Three layers of 928 cycles from 500 MHz; the schedule goes up to 1000 MHz at layer 1
  // (t0 = 928 x 2 = 1856 ns). Layer 1 runs at 500 MHz while the supply rises (until t0 + 20 us);
  // it ends at t0 + 1856 = 3712 ns, inside the ramp, so layer 2 waits (halted) for the ramp's
  // end and the relock: until t0 + 25 us = 26856 ns, 23144 ns = 23144 cycles of the new 1 ns
  // clock; then its 928 cycles at 1 ns. The transition is reported where its halt is.
  arch::AcceleratorSpec spec = two_points({500.0, 0.8});
  spec.clock.policy = "schedule";
  sim::ParamValues up;
  up.set("layer_index", int64_t(1));
  up.set("freq_mhz", 1000.0);
  spec.clock.policy_params.set("schedule", sim::ParamRecords{up});
  const std::vector<double> f = run_layers(spec, 3);
  ASSERT_EQ(f.size(), 24u);
  const std::vector<double> want = {
      928,         928, 0,     1856,        0, 0,     0,   1856,  // layer 0
      928,         928, 0,     1856,        0, 0,     0,   1856,  // layer 1: through the ramp
      928 + 23144, 928, 23144, 23144 + 928, 1, 25000, 928, 0};    // layer 2
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(f[i], want[i], 1e-9) << i;
  arch::RunMode fast;
  fast.fast = true;
  EXPECT_EQ(run_layers(spec, 3, fast), f);
}

}  // namespace
}  // namespace adasim
