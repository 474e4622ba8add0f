// SPDX-License-Identifier: Apache-2.0
// The built-in implementations of the swappable parts, each against a hand derivation: the NoCs'
// cycle laws, the DVFS static policy, the DRAM bandwidth/latency model; and the registries that
// build them by name.
#include "arch/components.hpp"

#include <gtest/gtest.h>

#include "arch/sparse/i_sparse_format.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {
namespace {

NocSpec noc_of(const std::string& type, int width_bits) {
  NocSpec s;
  s.type = type;
  s.link_width_bits = width_bits;
  return s;
}

TEST(Noc, EdgeBusSharesOneLinkPerDirection) {
  auto bus = make_noc(noc_of("bus", 512));
  NocTraffic t;
  t.to_pes_bits = {800, 320, 0};  // 100 ifmap bytes + 40 weight bytes share the link
  t.from_pes_bits = 512;
  // ceil(1120 / 512) = 3 toward the array, ceil(512 / 512) = 1 back: the slower direction.
  EXPECT_EQ(bus->cycles(t), 3u);
  EXPECT_EQ(bus->carry(t), 3u);
  EXPECT_EQ(bus->carry(NocTraffic{}), 0u);  // nothing moves: no cycle, not busy
  EXPECT_EQ(bus->stats().to_pes_bits, 1120u);
  EXPECT_EQ(bus->stats().from_pes_bits, 512u);
  EXPECT_EQ(bus->stats().busy_cycles, 1u);
  bus->reset_stats();
  EXPECT_EQ(bus->stats().to_pes_bits, 0u);
}

TEST(Noc, XyMulticastGivesEachOperandItsOwnBus) {
  auto xy = make_noc(noc_of("xy_multicast", 64));
  NocTraffic t;
  t.to_pes_bits = {200, 64, 0};  // ifmap: ceil(200 / 64) = 4; weight: 1
  t.from_pes_bits = 96;          // psums: ceil(96 / 64) = 2
  EXPECT_EQ(xy->cycles(t), 4u);  // the buses work in parallel: the busiest one
  // The same traffic on a shared edge bus of the same width: ceil(264 / 64) = 5.
  EXPECT_EQ(make_noc(noc_of("bus", 64))->cycles(t), 5u);
  EXPECT_EQ(xy->cycles(NocTraffic{}), 0u);
}

TEST(Noc, RegistryKnowsWhichArrayEachNocFeeds) {
  const NocRegistry& r = builtin_components().noc;
  EXPECT_EQ(r.names(), (std::vector<std::string>{"bus", "xy_multicast"}));
  EXPECT_EQ(r.find("bus")->make.feeds, ArrayKind::kSystolic);
  EXPECT_EQ(r.find("xy_multicast")->make.feeds, ArrayKind::kSpatial);
  EXPECT_THROW(make_noc(noc_of("mesh", 64)), sim::ModelError);
}

// NocSpec::per_operand_buses (what the mapper's port model prices by) against the NoC each
// registered type builds: one byte of ifmap and one of weights on 8-bit links take one cycle
// on per-operand buses (in parallel), two on one shared link.
TEST(Noc, PerOperandBusesIsWhatEachRegisteredNocDoes) {
  NocTraffic t;
  t.to_pes_bits = {8, 8, 0};
  for (const std::string& name : builtin_components().noc.names()) {
    SCOPED_TRACE(name);
    const NocSpec s = noc_of(name, 8);
    EXPECT_EQ(make_noc(s)->cycles(t), s.per_operand_buses() ? 1u : 2u);
  }
  EXPECT_FALSE(noc_of("bus", 8).per_operand_buses());
  EXPECT_TRUE(noc_of("xy_multicast", 8).per_operand_buses());
}

TEST(Dvfs, StaticPolicyRunsEveryLayerAtTheTablesNominalPoint) {
  ClockSpec spec;
  spec.nominal = {800.0, 0.9};
  spec.operating_points = {{400.0, 0.7}, {800.0, 0.9}, {1000.0, 1.0}};
  auto policy = builtin_components().dvfs.find("static")->make(spec);
  for (size_t layer : {0, 1, 7}) {
    EXPECT_DOUBLE_EQ(policy->point_for_layer(DvfsLayer{layer, "l", 0.0, nullptr}).freq_mhz, 800.0);
    EXPECT_DOUBLE_EQ(policy->point_for_layer(DvfsLayer{layer, "l", 0.0, nullptr}).voltage_v, 0.9);
  }
  spec.operating_points = {{400.0, 0.7}};  // the nominal point is not a point of the hardware
  EXPECT_THROW(builtin_components().dvfs.find("static")->make(spec), sim::ModelError);
}

TEST(Dvfs, ScheduleAppliesItsEntriesInListOrderAsTheirTriggersAreReached) {
  ClockSpec spec;
  spec.nominal = {800.0, 0.9};
  spec.operating_points = {{400.0, 0.7}, {800.0, 0.9}, {1000.0, 1.0}};
  spec.policy = "schedule";
  auto entry = [](const char* key, sim::ParamValue v, double f) {
    sim::ParamValues e;
    e.set(key, std::move(v));
    e.set("freq_mhz", f);
    return e;
  };
  // 1000 MHz from "b" on, then 400 MHz from 5 us on, then 800 MHz from layer 2 on: the time
  // entry waits for its time, and the layer-2 entry behind it waits with it (list order).
  spec.policy_params.set("schedule", sim::ParamRecords{entry("layer", std::string("b"), 1000.0),
                                                       entry("at_us", 5.0, 400.0),
                                                       entry("layer_index", int64_t(2), 800.0)});
  auto policy = builtin_components().dvfs.find("schedule")->make(spec);
  EXPECT_TRUE(policy->may_switch());
  EXPECT_THROW(policy->check_layers({"a", "c", "d"}), sim::ConfigError);  // no layer "b"
  EXPECT_NO_THROW(policy->check_layers({"a", "b", "c", "d"}));
  const std::vector<std::pair<DvfsLayer, double>> steps = {
      {{0, "a", 0.0, nullptr}, 800.0},   // nothing reached: the nominal point
      {{1, "b", 1.0, nullptr}, 1000.0},  // "b"
      {{2, "c", 2.0, nullptr}, 1000.0},  // 5 us not reached: layer 2's entry waits behind it
      {{3, "d", 6.0, nullptr}, 800.0}};  // 5 us reached (400), then layer 2's (800)
  for (const auto& [layer, f] : steps)
    EXPECT_DOUBLE_EQ(policy->point_for_layer(layer).freq_mhz, f) << layer.index;
}

TEST(Dvfs, FixedPolicyRunsEveryLayerAtTheTablePointOfItsFrequency) {
  ClockSpec spec;
  spec.nominal = {800.0, 0.9};
  spec.operating_points = {{400.0, 0.7}, {800.0, 0.9}, {1000.0, 1.0}};
  spec.policy = "fixed";
  spec.policy_params.set("fixed_freq_mhz", 400.0);
  auto policy = builtin_components().dvfs.find("fixed")->make(spec);
  for (size_t layer : {0, 1, 7}) {
    EXPECT_DOUBLE_EQ(policy->point_for_layer(DvfsLayer{layer, "l", 0.0, nullptr}).freq_mhz, 400.0);
    EXPECT_DOUBLE_EQ(policy->point_for_layer(DvfsLayer{layer, "l", 0.0, nullptr}).voltage_v,
                     0.7);  // the table's voltage
  }
  spec.policy_params.set("fixed_freq_mhz", 300.0);  // not a point of the hardware
  try {
    builtin_components().dvfs.find("fixed")->make(spec);
    FAIL() << "300 MHz accepted";
  } catch (const sim::ConfigError& e) {
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(e.issues()[0].where, "fixed_freq_mhz");  // the parser prefixes /clock/
    EXPECT_EQ(e.issues()[0].value, "300");
    EXPECT_NE(e.issues()[0].expected.find("(400, 800, 1000)"), std::string::npos);
  }
}

TEST(Dram, BandwidthLatencyModelSerializesBurstsAndPipelinesLatency) {
  DramSpec spec;
  spec.bandwidth_gb_per_s = 16.0;  // 64 bytes take 4 ns
  spec.latency_ns = 100.0;
  auto m = builtin_components().dram.find("bandwidth_latency")->make(spec);
  using sc_core::SC_NS;
  using sc_core::sc_time;
  DramTiming a = m->access(64, true, sc_time(0, SC_NS));
  EXPECT_EQ(a.done, sc_time(104, SC_NS));  // 4 ns on the channel + 100 ns latency
  EXPECT_EQ(a.transfer, sc_time(4, SC_NS));
  DramTiming b = m->access(64, false, sc_time(1, SC_NS));  // waits for the channel until 4 ns
  EXPECT_EQ(b.done, sc_time(108, SC_NS));
  EXPECT_EQ(m->busy_until(), sc_time(8, SC_NS));
  DramTiming c = m->access(32, true, sc_time(50, SC_NS));  // idle channel: starts at once
  EXPECT_EQ(c.done, sc_time(152, SC_NS));
  spec.ideal = true;
  auto ideal = builtin_components().dram.find("bandwidth_latency")->make(spec);
  EXPECT_EQ(ideal->access(4096, true, sc_time(7, SC_NS)).done, sc_time(7, SC_NS));
}

TEST(Dram, BandwidthLatencyTrainIsItsBurstsInClosedForm) {
  DramSpec spec;
  spec.bandwidth_gb_per_s = 16.0;  // 64 bytes take 4 ns, 2 bytes 0.125 ns
  spec.latency_ns = 100.0;
  auto train = builtin_components().dram.find("bandwidth_latency")->make(spec);
  auto burst = builtin_components().dram.find("bandwidth_latency")->make(spec);
  using sc_core::SC_NS;
  using sc_core::sc_time;
  // 130 bytes in 64-byte bursts: 64 + 64 + 2, back to back from 0 ns: the channel is busy
  // 4 + 4 + 0.125 ns and the last byte arrives one latency later.
  DramTrainTiming a = train->access_train(130, 64, true, sc_time(0, SC_NS));
  EXPECT_EQ(a.bursts, 3u);
  EXPECT_EQ(a.transfer, sc_time(8.125, SC_NS));
  EXPECT_EQ(a.done, sc_time(108.125, SC_NS));
  // Issued at 1 ns, the next train waits for the channel (8.125 ns): 2 x 4 ns, done 116.125 ns.
  DramTrainTiming b = train->access_train(128, 64, false, sc_time(1, SC_NS));
  EXPECT_EQ(b.bursts, 2u);
  EXPECT_EQ(b.done, sc_time(116.125, SC_NS));
  EXPECT_EQ(train->busy_until(), sc_time(16.125, SC_NS));
  // The same bursts one access() at a time end at the same picosecond.
  for (uint64_t n : {64, 64, 2}) burst->access(n, true, sc_time(0, SC_NS));
  DramTiming last{};
  for (int i = 0; i < 2; ++i) last = burst->access(64, false, sc_time(1, SC_NS));
  EXPECT_EQ(last.done, b.done);
  EXPECT_EQ(burst->busy_until(), train->busy_until());
  // Ideal: every burst is counted, none takes time.
  spec.ideal = true;
  auto ideal = builtin_components().dram.find("bandwidth_latency")->make(spec);
  DramTrainTiming c = ideal->access_train(4097, 64, true, sc_time(7, SC_NS));
  EXPECT_EQ(c.bursts, 65u);
  EXPECT_EQ(c.done, sc_time(7, SC_NS));
  EXPECT_EQ(c.transfer, sc_time(0, SC_NS));
}

/// A model with only per-burst timing (every burst 10 ns on the channel, 5 ns latency, in order).
class FixedBurstDram : public IDramModel {
 public:
  DramTiming access(uint64_t, bool, const sc_core::sc_time& issue) override {
    busy_ = std::max(busy_, issue) + sc_core::sc_time(10, sc_core::SC_NS);
    return {busy_ + sc_core::sc_time(5, sc_core::SC_NS), sc_core::sc_time(10, sc_core::SC_NS)};
  }
  sc_core::sc_time busy_until() const override { return busy_; }

 private:
  sc_core::sc_time busy_ = sc_core::SC_ZERO_TIME;
};

TEST(Dram, DefaultTrainTimesEachBurstInTurn) {
  FixedBurstDram m;
  using sc_core::SC_NS;
  using sc_core::sc_time;
  // ceil(200 / 64) = 4 bursts of 10 ns from 3 ns: the channel frees at 43 ns, the last burst's
  // data arrives at 48 ns.
  DramTrainTiming t = m.access_train(200, 64, true, sc_time(3, SC_NS));
  EXPECT_EQ(t.bursts, 4u);
  EXPECT_EQ(t.transfer, sc_time(40, SC_NS));
  EXPECT_EQ(t.done, sc_time(48, SC_NS));
  EXPECT_EQ(m.access_train(0, 64, true, sc_time(50, SC_NS)).done, sc_time(50, SC_NS));
  EXPECT_THROW(m.access_train(10, 0, true, sc_time(50, SC_NS)), sim::ModelError);
}

TEST(Components, EveryKindIsListedWithItsSelectingKey) {
  std::vector<std::string> kinds, keys;
  for (const sim::ComponentKind& k : builtin_components().kinds()) {
    kinds.push_back(k.kind);
    keys.push_back(k.selected_by);
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"noc", "dvfs", "dram", "sparse_format", "power"}));
  EXPECT_EQ(keys, (std::vector<std::string>{"noc.type", "clock.policy", "memory.dram.model",
                                            "sparsity.storage.ifmap / .weight / .ofmap",
                                            "power.policy"}));
}

TEST(SparseFormats, EachNameMapsToItsCodecAndItsProperties) {
  const SparseFormatRegistry& r = builtin_components().sparse_format;
  EXPECT_EQ(r.names(), (std::vector<std::string>{"dense", "bitmask", "rle", "csr", "nm"}));
  for (const auto& e : r.entries()) EXPECT_EQ(to_string(e.make->id()), e.doc.name);
  EXPECT_TRUE(format_impl(SparseFormat::kCsr).whole_tile());  // a CSR tile is one run
  EXPECT_FALSE(format_impl(SparseFormat::kNm).whole_tile());  // N:M groups run along fibres
  EXPECT_TRUE(format_impl(SparseFormat::kNm).weights_only());
  EXPECT_EQ(activation_format_expectation(r),
            "one of \"dense\", \"bitmask\", \"rle\", \"csr\" (N:M is a weight pattern)");
  // The parameters a format declares are the keys sparsity.storage accepts for it.
  EXPECT_EQ(r.find("rle")->doc.params.at(0).name, "rle_run_bits");
  EXPECT_EQ(r.find("nm")->doc.params.size(), 2u);
  EXPECT_TRUE(r.find("csr")->doc.params.empty());
}

}  // namespace
}  // namespace adasim::arch
