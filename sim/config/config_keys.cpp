// SPDX-License-Identifier: Apache-2.0
// Key tables of the top level and the pe_array, memory, noc and clock sections (energy, mapper and
// sparsity are in config_keys_run.cpp).
#include "sim/config/config_keys.hpp"

#include <algorithm>

#include "arch/program/dataflow/systolic_dataflow.hpp"
#include "sim/core/suggest.hpp"
#include "workloads/mapper/spatial/spatial_dataflow.hpp"

namespace adasim::sim {
namespace detail {
namespace {

namespace p = param;
using nlohmann::json;

std::vector<std::string> with_auto(std::vector<std::string> names) {
  names.push_back("auto");
  return names;
}

// Every dataflow name of both families (the parser checks the family's own list).
std::vector<std::string> all_dataflows() {
  std::vector<std::string> out = dataflow_names(arch::ArrayKind::kSystolic);
  for (const std::string& d : dataflow_names(arch::ArrayKind::kSpatial))
    if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
  return out;
}

// "\"ws\", \"os\", \"is\"": the registered dataflows of one family.
std::string names_text(arch::ArrayKind kind) {
  std::string out;
  for (const std::string& d : dataflow_names(kind)) out += (out.empty() ? "\"" : ", \"") + d + "\"";
  return out;
}

ParamDoc operands_array(std::string name) {
  ParamDoc a = p::array_of(std::move(name), p::choice("", {"ifmap", "weight", "ofmap"}));
  a.min_items = 1;
  a.unique_items = true;
  return a;
}

ParamDoc sram_level_keys() {
  return p::object(
      "",
      {p::identifier("name")
           .except({"dram", "noc", "pe_array"})
           .described("level name, unique; also its stats and VCD scope"),
       p::number("size_kib")
           .open_closed(0, 1073741824.0)
           .multiple_of(1.0 / 1024)
           .expecting("number of KiB in (0, 1073741824] with size_kib * 1024 a whole number of "
                      "bytes")
           .in_unit("KiB")
           .described("capacity; size_kib * 1024 must be whole bytes"),
       p::integer("word_bits")
           .multiple_of(8)
           .in(8, 4096)
           .with_default(64)
           .in_unit("bits")
           .described("bits per bank access"),
       p::integer("banks").in(1, 65536).with_default(1).described("banks accessed in parallel"),
       p::integer("read_ports").in(1, 64).with_default(1).described("reads per bank per cycle"),
       p::integer("write_ports").in(1, 64).with_default(1).described("writes per bank per cycle"),
       p::boolean("double_buffered")
           .with_default(true)
           .described("half the capacity fills while the other half is read"),
       operands_array("holds")
           .expecting("non-empty array of unique operands from \"ifmap\", \"weight\", \"ofmap\"")
           .described("operands staged in this level (each operand in exactly one level, or in "
                      "the levels of one chain of `parent`s)"),
       p::identifier("parent")
           .when_absent("filled from DRAM")
           .described("the level this one is filled from (an L1 under a global buffer), which "
                      "holds every operand this one holds; systolic arrays, at most 3 levels "
                      "per chain"),
       p::boolean("ideal").with_default(false).described(
           "unlimited bandwidth (SCALE-Sim-style stall-free buffer)")});
}

// pe_array.spads: Eyeriss's per-operand scratchpads, one object per operand.
ParamDoc spads_keys() {
  std::vector<ParamDoc> spads;
  for (const char* op : {"ifmap", "weight", "psum"})
    spads.push_back(
        p::object(
            op,
            {p::integer("entries")
                 .in(1, 1 << 20)
                 .in_unit("words")
                 .described("words of the spad; a mapping whose per-PE tile of this operand needs "
                            "more is refused"),
             p::integer("word_bits")
                 .in(1, 64)
                 .with_default(16)
                 .in_unit("bits")
                 .described("bits per word; a value takes ceil(bits / word_bits) words"),
             p::number("access_pj")
                 .in(0, 1e6)
                 .typically(0.2)
                 .when_absent("the energy table's rf_pj_per_bit x the value's bits "
                              "(energy.per_access.rf with the per-access table)")
                 .in_unit("pJ")
                 .described("energy of one word read or write, at the energy table's "
                            "reference voltage")})
            .described(std::string("the ") + op + " spad"));
  return p::object("spads", spads)
      .when_absent("one register-file pool of `rf_bytes` per PE")
      .described(
          "spatial arrays: separate ifmap / weight / psum scratchpads per PE (Eyeriss: "
          "12, 224 and 24 words of 16 bits); then rf_bytes is their total (if given, it "
          "must equal it)");
}

}  // namespace

const std::vector<std::string>& dataflow_names(arch::ArrayKind kind) {
  static const std::vector<std::string> kSystolic = arch::systolic_dataflows().names();
  static const std::vector<std::string> kSpatial = workloads::spatial::spatial_dataflows().names();
  return kind == arch::ArrayKind::kSpatial ? kSpatial : kSystolic;
}

ParamDoc pe_array_keys() {
  ParamDoc dataflows = p::array_of("dataflows", p::choice("", all_dataflows()))
                           .derived("all of the family")
                           .described("dataflows the array supports: systolic " +
                                      names_text(arch::ArrayKind::kSystolic) + "; spatial " +
                                      names_text(arch::ArrayKind::kSpatial));
  dataflows.min_items = 1;
  dataflows.unique_items = true;
  return p::object(
      "pe_array",
      {p::choice("kind", {"systolic", "spatial"})
           .with_default("systolic")
           .described("array family: systolic (operands pass between neighbour PEs) or spatial "
                      "(Eyeriss-style: a register file per PE, multicast NoC)"),
       p::integer("rows").in(1, 1024).described("physical PE rows"),
       p::integer("cols").in(1, 1024).described("physical PE columns"), dataflows,
       p::choice("dataflow", with_auto(all_dataflows()))
           .derived("first of `dataflows`")
           .described("dataflow of every layer, one of `dataflows`; \"auto\": the mapper picks "
                      "one per layer (the adaptive array)"),
       p::integer("rf_bytes")
           .in(0, 1 << 20)
           .derived("512 (spatial), 0 (systolic), the spads' total with `spads`")
           .in_unit("bytes")
           .described("spatial arrays: register-file bytes per PE; 0 on a systolic array"),
       spads_keys(),
       p::integer("mac_bits")
           .one_of({2, 4, 8, 16})
           .with_default(8)
           .in_unit("bits")
           .described("native operand precision of one MAC"),
       p::boolean("precision_scalable")
           .when_absent("absent (false)")
           .described("systolic WS/IS: a PE splits its multiplier into mac_bits / w lanes for "
                      "w-bit operands (see below)"),
       p::integer("accum_bits")
           .in(16, 64)
           .with_default(32)
           .in_unit("bits")
           .described("accumulator / partial-sum width (at most 32 with psum_overflow wrap or "
                      "saturate)"),
       p::choice("psum_overflow", {"exact", "wrap", "saturate"})
           .when_absent("absent (\"exact\")")
           .described("what the accumulators do when a sum leaves accum_bits: \"exact\" (held "
                      "in 32 bits, layers that could leave them refused), \"wrap\" (two's "
                      "complement, modulo 2^accum_bits), \"saturate\" (the exact sum clamped "
                      "once when it leaves for the output stage); see below"),
       p::boolean("weight_double_buffer")
           .with_default(true)
           .described("WS/IS: shadow registers preload the next weights"),
       p::boolean("output_double_buffer")
           .with_default(true)
           .described("OS: results drain while the next fold computes"),
       p::choice("timing_convention", {"faithful", "scalesim"})
           .with_default("faithful")
           .described("\"scalesim\" reproduces SCALE-Sim's fold timing (arch/spec.hpp)"),
       p::integer("vector_lanes")
           .in(1, 65536)
           .derived("`cols`")
           .described("lanes of the vector path (pooling, element-wise)")});
}

ParamDoc memory_keys(const arch::Components& c) {
  ParamDoc sram = p::array_of("sram", sram_level_keys())
                      .expecting("non-empty array of SRAM level objects")
                      .described("on-chip SRAM levels (below)");
  sram.min_items = 1;
  ParamDoc dram = p::object(
      "dram", {p::choice("model", c.dram.names())
                   .with_default("bandwidth_latency")
                   .when_absent("`\"bandwidth_latency\"` (not written into the resolved config)")
                   .described("DRAM timing model (`adasim list dram`)"),
               p::integer("burst_bytes")
                   .pow2()
                   .in(8, 4096)
                   .with_default(64)
                   .in_unit("bytes")
                   .described("DMA transfer granularity")});
  dram.selectors = {"model"};
  dram.variants = c.dram.docs();
  dram = dram.with_default(json::object()).described("the DRAM behind the DMA (below)");
  return p::object("memory", {sram, dram})
      .described("on-chip SRAM levels (`sram`) and DRAM (`dram`)");
}

ParamDoc noc_keys(const arch::Components& c) {
  ParamDoc noc = p::object(
      "noc", {p::choice("type", c.noc.names())
                  .derived("the NoC of the array family: \"bus\" (systolic), \"xy_multicast\" "
                           "(spatial)")
                  .described("NoC implementation (`adasim list noc`)"),
              p::integer("link_width_bits")
                  .multiple_of(8)
                  .in(8, 65536)
                  .with_default(512)
                  .in_unit("bits")
                  .described("bits per cycle a link carries in each direction"),
              p::integer("latency_cycles")
                  .in(0, 100000)
                  .with_default(1)
                  .in_unit("cycles")
                  .described("pipeline stages from the SRAM read port to the PEs (systolic: "
                             "latency and area; spatial: area of each bus)")});
  noc.selectors = {"type"};
  noc.variants = c.noc.docs();
  return noc.with_default(json::object())
      .described("the interconnect from the SRAM levels to the PEs");
}

/// clock.operating_points and the domains' tables: the V/f points a DVFS policy chooses from.
ParamDoc operating_points_doc() {
  ParamDoc point = p::object("", {p::frequency_mhz("freq_mhz").described("frequency"),
                                  p::voltage_v("voltage_v").described("supply voltage")});
  ParamDoc points = p::array_of("operating_points", point)
                        .expecting("non-empty array of {\"freq_mhz\", \"voltage_v\"} objects")
                        .derived("the nominal point alone")
                        .described(
                            "V/f table the hardware supports, the points a DVFS policy "
                            "chooses from; must contain the nominal point; frequencies "
                            "unique");
  points.min_items = 1;
  return points;
}

ParamDoc delay_model_doc() {
  // The alpha-power law (Sakurai & Newton, IEEE JSSC 1990) bounds every point's frequency.
  return p::object(
      "delay_model",
      {p::number("v_th_v").open_closed(0, 2).with_default(0.47).in_unit("V").described(
           "threshold voltage; default: vth0 of the 45 nm high-performance NMOS card "
           "of the Predictive Technology Model (Zhao & Cao, IEEE TED 2006)"),
       p::number("alpha").open_closed(0, 2).with_default(1.3).described(
           "alpha-power-law index (2 = long channel, 1 = fully velocity saturated); "
           "default 1.3, the short-channel fit of Sakurai & Newton (IEEE JSSC 1990)"),
       p::number("ref_freq_mhz")
           .open_closed(0, 10000)
           .with_default(1000.0)
           .in_unit("MHz")
           .described("the design's highest clock at ref_voltage_v (its critical path); default: "
                      "1 GHz at 0.9 V, the fastest nominal point of the shipped 45 nm designs"),
       p::number("ref_voltage_v")
           .open_closed(0, 2)
           .with_default(0.9)
           .in_unit("V")
           .described("voltage of the characterised point (above v_th_v); default 0.9 V, the "
                      "voltage of the 45 nm energy table (Horowitz, ISSCC 2014)")});
}

ParamDoc domains_doc(const ParamDoc& points) {
  // gem5's VoltageDomain + SrcClockDomain: a domain is a supply and a clock with its own table.
  ParamDoc memory =
      p::object("memory",
                {p::frequency_mhz("freq_mhz").described("the domain's frequency"),
                 p::voltage_v("voltage_v").described("the domain's supply voltage"),
                 points.described(
                     "V/f table of the domain, checked against the delay model; must contain "
                     "the nominal point. The domain keeps one point for the whole run: the "
                     "nominal one, or under clock.policy per_layer the one whose plan is best "
                     "(the plan is made at each point of this table; the DVFS policies switch "
                     "the core domain only)"),
                 p::integer("sync_cycles")
                     .in(0, 64)
                     .with_default(2)
                     .in_unit("cycles")
                     .described("stages of each synchroniser between this domain and the "
                                "core's (2-flop synchroniser: 2), in cycles of the receiving "
                                "clock: the operands fed to the array (spatial: each "
                                "register-file refill) and a vector-unit chunk's inputs wait "
                                "sync_cycles core cycles, the array's and the vector unit's "
                                "outputs and spilled partial sums wait "
                                "sync_cycles memory cycles (ceil(sync_cycles x f_core / f_mem) "
                                "core cycles) before they are in SRAM")})
          .when_absent("the SRAM levels and the NoC share the core domain")
          .described(
              "the SRAM levels and the NoC in their own voltage/clock domain: their port "
              "and link cycles (spatial: the buses' and the psum links') and the NoC's "
              "stages run at its clock, their energy at its voltage");
  return p::object("domains", {memory})
      .when_absent("one domain: the whole accelerator runs at the clock section's point")
      .described(
          "voltage/clock domains beside the core one (PE array and vector unit, "
          "the clock section's own point); the DRAM interface keeps its fixed clock");
}

ParamDoc transition_doc() {
  // Burd & Brodersen, "Design issues for dynamic voltage scaling" (ISLPED 2000): the transition
  // time is set by the regulator's slew, the energy E = (1 - eta) C_DD |V2^2 - V1^2|.
  return p::object(
             "transition",
             {p::number("slew_mv_per_us")
                  .above(0)
                  .in_unit("mV/us")
                  .described("regulator output slew rate: a voltage change takes |V1 - V0| / slew"),
              p::number("relock_us")
                  .at_least(0)
                  .in_unit("us")
                  .described("PLL relock time after a frequency change (the clock is stopped)"),
              p::number("supply_cap_nf")
                  .at_least(0)
                  .in_unit("nF")
                  .described("C: capacitance on the domain's supply rail"),
              p::number("regulator_efficiency")
                  .in(0, 1)
                  .described("eta: the regulator's efficiency; a transition costs "
                             "(1 - eta) C |V1^2 - V0^2| (Burd & Brodersen, ISLPED 2000)"),
              p::choice("during", {"halt", "run_at_lower_clock"})
                  .with_default("halt")
                  .described("what the domain does during a transition: halt (its clock stops "
                             "for ramp + relock), or run_at_lower_clock (it runs at the lower of "
                             "the two frequencies while the voltage ramps, which both points "
                             "allow; the PLL relock still stops the clock)")})
      .when_absent("no transitions (a policy that switches points needs it)")
      .described(
          "what switching the core domain's point costs: the voltage rises before the "
          "frequency goes up and falls after it goes down; the domain halts (stall cause "
          "dvfs) for ramp + relock, or for the relock only (during)");
}

ParamDoc clock_keys(const arch::Components& c) {
  const ParamDoc points = operating_points_doc();
  const ParamDoc domains = domains_doc(points);
  const ParamDoc transition = transition_doc();
  const ParamDoc delay = delay_model_doc();
  ParamDoc clock = p::object(
      "clock",
      {p::identifier("name").with_default("core").described("clock-domain name"),
       p::frequency_mhz("freq_mhz").described("nominal frequency, the run starts here"),
       p::voltage_v("voltage_v").described("nominal supply voltage"),
       p::choice("policy", c.dvfs.names())
           .with_default("static")
           .described("DVFS policy (`adasim list dvfs`)"),
       points,
       p::integer("dram_sync_cycles")
           .in(0, 64)
           .when_absent("0 (no synchroniser; not written into the resolved config)")
           .described("cycles each DRAM transaction (one DMA job, a train of bursts: paid once, "
                      "the synchroniser is pipelined) spends crossing between the DRAM "
                      "interface's fixed clock domain and the domain the DMA works in "
                      "(domains.memory when declared, else the core's), at that domain's clock: "
                      "a load's data after its last burst, a store's completion after its last "
                      "burst is written (a 2-flop synchroniser: 2)"),
       domains, transition,
       delay.when_absent("the defaults below (not written into the resolved config)")
           .described("the delay model that bounds every operating point: the alpha-power law "
                      "f_max(V) = k (V - v_th_v)^alpha / V with f_max(ref_voltage_v) = "
                      "ref_freq_mhz; a point above f_max at its voltage is an error")});
  clock.selectors = {"policy"};
  clock.variants = c.dvfs.docs();
  return clock.described("the core clock domain and its V/f table");
}

}  // namespace detail

ParamDoc make_config_keys(const arch::Components& c) {
  namespace p = param;
  ParamDoc schema_version = p::integer("schema_version")
                                .in(kArchSchemaVersion, kArchSchemaVersion)
                                .expecting("integer " + std::to_string(kArchSchemaVersion) +
                                           " (the only schema_version this build reads)")
                                .described("must be 1");
  return p::object("", {schema_version,
                        p::string("name").not_empty().with_default("adasim").described(
                            "design-point name, copied into reports"),
                        detail::pe_array_keys().described("the PE array"), detail::memory_keys(c),
                        detail::noc_keys(c), detail::clock_keys(c), detail::energy_keys(),
                        detail::area_keys(), detail::mapper_keys(), detail::sparsity_keys(c),
                        detail::power_keys(c)});
}

const ParamDoc& config_keys() {
  static const ParamDoc kKeys = make_config_keys(arch::builtin_components());
  return kKeys;
}

std::string unknown_key_expectation(const std::string& key, const std::string& owner,
                                    const std::vector<std::string>& known) {
  std::string out = "a known key of " + (owner.empty() ? std::string("/") : owner);
  if (auto hint = did_you_mean(key, known)) out += " (did you mean '" + *hint + "'?)";
  out += "; known keys: ";
  for (size_t i = 0; i < known.size(); ++i) out += (i ? ", " : "") + known[i];
  return out;
}

}  // namespace adasim::sim
