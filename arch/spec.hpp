// SPDX-License-Identifier: Apache-2.0
// AcceleratorSpec: the frozen, validated description of one design point. Produced by the config
// parser (sim/config) from JSON; consumed by the mapper and the SystemC models, which never see JSON.
// All quantities are in the units named by the field suffix.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/param_values.hpp"

namespace adasim::arch {

/// The two PE-array families. A systolic array passes operands between neighbour PEs (the spine);
/// a spatial array (Eyeriss-style) gives every PE a register file fed from the global buffer over
/// a multicast NoC and runs loop-nest dataflows. Names in configs: "systolic", "spatial".
enum class ArrayKind { kSystolic, kSpatial };
const char* to_string(ArrayKind k);

/// Dataflows are named implementations, not an enum: a systolic array's names are those of the
/// systolic dataflow registry (arch/program/dataflow/systolic_dataflow.hpp: "ws", "os", "is"), a
/// spatial array's those of the mapper's spatial dataflow registry
/// (workloads/mapper/spatial/spatial_dataflow.hpp: "rs", "ws", "os_a", "os_b", "os_c", "nlr",
/// after Chen et al., ISCA 2016). The config parser checks a name against its registry.

/// The three operands of a conv / matmul layer. Names in configs: "ifmap", "weight", "ofmap".
enum class Operand { kIfmap = 0, kWeight = 1, kOfmap = 2 };
constexpr int kNumOperands = 3;
const char* to_string(Operand o);
std::optional<Operand> operand_from_string(std::string_view s);

/// How fold timing is counted. kFaithful is adasim's model of the hardware (partial folds only
/// wait for the rows/cols they use, WS can preload next weights, OS pays its output drain).
/// kScaleSim mirrors SCALE-Sim's convention (full-array skew on every fold, serial weight load,
/// no output drain) so that its compute cycles can be reproduced. Names: "faithful", "scalesim".
enum class TimingConvention { kFaithful, kScaleSim };
const char* to_string(TimingConvention c);

/// What the accumulators do when a sum leaves the range of accum_bits (config
/// pe_array.psum_overflow). kExact: psums are held without loss; the model holds them in 32 bits,
/// and a layer whose operands could drive a sum out of that range (reduction length x largest
/// |operand| products) is refused when its operands are wider than 8 bits or the rule is
/// kSaturate. kWrap ("truncation" of the high bits): psum registers, psum buffers and
/// accumulators are accum_bits two's-complement registers, every add keeps the sum modulo
/// 2^accum_bits (the result does not depend on the order of the adds). kSaturate: the
/// accumulators carry guard bits (the exact sum) and the sum is clamped to
/// [-2^(accum_bits-1), 2^(accum_bits-1) - 1] once, when it leaves for the output stage (a
/// saturation on every add would depend on the adds' order, which differs between dataflows).
/// Names: "exact", "wrap", "saturate".
enum class PsumOverflow { kExact, kWrap, kSaturate };
const char* to_string(PsumOverflow o);
std::optional<PsumOverflow> psum_overflow_from_string(std::string_view s);

/// One per-operand scratchpad of a spatial PE (Eyeriss keeps ifmap, filter and psum values in
/// separate spads). A value of b bits takes ceil(b / word_bits) words.
struct SpadSpec {
  int64_t entries = 0;              ///< words
  int word_bits = 16;               ///< bits per word
  std::optional<double> access_pj;  ///< energy of one word access; absent: the energy table's
  int64_t words_per_value(int bits) const { return (bits + word_bits - 1) / word_bits; }
  /// Values of `bits` the spad holds.
  int64_t capacity_values(int bits) const { return entries / words_per_value(bits); }
};

struct PeArraySpec {
  ArrayKind kind = ArrayKind::kSystolic;
  int rows = 16;                          ///< AR: physical PE rows
  int cols = 16;                          ///< AC: physical PE columns
  std::vector<std::string> dataflows;     ///< systolic dataflows the array supports (names)
  std::string dataflow = "ws";            ///< dataflow of every layer (unless auto)
  bool dataflow_auto = false;             ///< "auto": the mapper picks one of `dataflows` per layer
  int mac_bits = 8;                       ///< native operand precision of one MAC
  /// Precision-scalable PEs (systolic WS / IS): a PE splits its mac_bits-wide multiplier into
  /// mac_bits / w lanes for operands of w bits (one 8-bit, two 4-bit or four 2-bit MACs per
  /// cycle), each lane on its own reduction index; the lanes' products enter one adder.
  bool precision_scalable = false;
  int accum_bits = 32;                    ///< partial-sum / accumulator width
  PsumOverflow psum_overflow = PsumOverflow::kExact;  ///< see PsumOverflow
  bool weight_double_buffer = true;       ///< WS/IS: shadow registers preload the next tile
  bool output_double_buffer = true;       ///< OS: results drain while the next fold computes
  TimingConvention convention = TimingConvention::kFaithful;
  int vector_lanes = 0;                   ///< vector path (pool/eltwise) lanes; 0 = cols
  int64_t rf_bytes = 0;                   ///< spatial arrays: register file bytes per PE
  /// Spatial arrays: per-operand spads (ifmap, weight, psum) instead of one rf_bytes pool
  /// (then rf_bytes is their total).
  std::optional<std::array<SpadSpec, 3>> spads;
  std::vector<std::string> spatial_dataflows;  ///< spatial arrays: supported dataflows (names)
  std::string spatial_dataflow = "rs";         ///< spatial arrays (unless auto)
};

/// MAC lanes per PE for a layer with these operand widths: mac_bits / the wider operand's bits
/// on a precision-scalable systolic array whose dataflow runs the reduction down the rows (WS,
/// IS), else 1.
inline int mac_lanes(const PeArraySpec& pe, bool reduction_on_rows, int in_bits, int w_bits) {
  if (!pe.precision_scalable || pe.kind != ArrayKind::kSystolic || !reduction_on_rows) return 1;
  const int w = in_bits > w_bits ? in_bits : w_bits;
  return w >= pe.mac_bits || w <= 0 ? 1 : pe.mac_bits / w;
}

/// One on-chip SRAM level (a global buffer or a per-operand scratchpad).
struct SramLevelSpec {
  std::string name;                 ///< also the sc_object / stats / VCD name
  int64_t size_bytes = 0;           ///< total capacity
  int word_bits = 64;               ///< bits per bank access
  int banks = 1;
  int read_ports = 1;               ///< per bank, per cycle
  int write_ports = 1;              ///< per bank, per cycle
  bool double_buffered = true;      ///< half the capacity fills while the other half is read
  std::vector<Operand> holds;       ///< operands staged in this level (each operand in exactly one)
  /// The level this one is filled from ("" = DRAM): the memory hierarchy chains a level under
  /// its parent (arch/memory/hierarchy.hpp), and operand routes follow the chain.
  std::string parent;
  bool ideal = false;               ///< unlimited bandwidth (SCALE-Sim style stall-free buffer)

  int64_t word_bytes() const { return word_bits / 8; }
  /// Bytes this level can deliver per cycle across all banks and read ports.
  int64_t read_bytes_per_cycle() const { return int64_t(banks) * read_ports * word_bytes(); }
  int64_t write_bytes_per_cycle() const { return int64_t(banks) * write_ports * word_bytes(); }
};

/// The DRAM behind the DMA. `model` names its timing model (arch/memory/i_dram_model.hpp); the
/// typed fields are the built-in model's parameters (the mapper's estimates read them too).
struct DramSpec {
  std::string model = "bandwidth_latency";
  sim::ParamValues params;            ///< every parameter of the selected model, validated
  double bandwidth_gb_per_s = 16.0;   ///< sustained bandwidth (1 GB = 1e9 bytes)
  double latency_ns = 100.0;          ///< first-byte latency of a burst
  int burst_bytes = 64;               ///< DMA transfer granularity
  bool ideal = false;                 ///< infinite bandwidth, zero latency
};

/// The interconnect from the SRAM levels to the PEs and back. `type` names the implementation
/// (arch/noc/i_noc.hpp): "bus" (systolic edge bus) or "xy_multicast" (spatial arrays).
struct NocSpec {
  std::string type = "bus";
  sim::ParamValues params;            ///< every parameter of the selected implementation
  int link_width_bits = 512;          ///< bits per cycle the bus carries in each direction
  int latency_cycles = 1;             ///< pipeline latency SRAM -> edge PE
  /// xy_multicast: per-operand bus widths (ifmap, weight, psum); 0 = link_width_bits.
  std::array<int, 3> bus_bits{};
  /// xy_multicast: width of the PE-to-PE links that accumulate psums down a column (0 = none:
  /// every PE's psums go over the psum bus).
  int psum_link_bits = 0;
  int bus_width(int operand) const {
    const int b = bus_bits[size_t(operand)];
    return b > 0 ? b : link_width_bits;
  }
  /// Whether each operand has a bus of its own, bus_width(operand) bits wide (xy_multicast:
  /// ifmap and weights toward the PEs, psums back, in parallel; arch/noc/impl/xy_multicast.cpp),
  /// rather than one link of link_width_bits each way that all operands share ("bus"). The one
  /// place that reads this off the type, for the mapper's port model
  /// (workloads/mapper/timeline/port_demand.cpp); the engines get it from the NoC the registry
  /// builds by type, and tests/unit/arch/components_test.cpp checks each registered NoC agrees.
  bool per_operand_buses() const { return type == "xy_multicast"; }
};

struct OperatingPoint {
  double freq_mhz = 1000.0;
  double voltage_v = 0.9;
};
/// Whether two points are the same (equal up to 1e-9 relative).
bool same_point(const OperatingPoint& a, const OperatingPoint& b);

/// The delay model that bounds the frequency a supply voltage can reach: the alpha-power law
/// (Sakurai & Newton, IEEE JSSC 25(2), 1990), f_max(V) = k (V - V_th)^alpha / V, with k fixed by
/// one characterised point f_max(ref_voltage_v) = ref_freq_mhz (arch/dvfs/delay_model.hpp).
/// Defaults and their sources are the key table's (sim/config/config_keys.cpp, clock.delay_model).
struct DelayModelSpec {
  double v_th_v = 0.47;          ///< threshold voltage
  double alpha = 1.3;            ///< alpha-power index (1 = velocity saturated, 2 = long channel)
  double ref_freq_mhz = 1000.0;  ///< the design's highest clock at ref_voltage_v
  double ref_voltage_v = 0.9;
};

/// A second voltage/clock domain beside the core's (gem5's VoltageDomain + SrcClockDomain: one
/// supply and one clock with its own V/f table and current point). The memory domain holds the
/// SRAM levels and the NoC; the core domain (ClockSpec's own point) the PE array and the vector
/// unit; the DRAM interface keeps its fixed clock and supply (arch/dvfs/domains.hpp).
struct DomainSpec {
  OperatingPoint nominal;                        ///< the point the domain runs at
  std::vector<OperatingPoint> operating_points;  ///< its V/f table (contains `nominal`)
  /// Stages of each synchroniser at the boundary with the core domain (a 2-flop synchroniser:
  /// 2), counted in cycles of the receiving domain's clock: a value crossing into the core domain
  /// (the operands fed to the array) waits sync_cycles core cycles; one crossing into this domain
  /// (the array's outputs and spilled partial sums on their way to SRAM) waits sync_cycles
  /// cycles of this domain's clock, ceil(sync_cycles x f_core / f_mem) core cycles
  /// (arch/program/feed_latency.hpp).
  int sync_cycles = 2;
};

/// What switching the domain between operating points costs (clock.transition). The controller
/// (arch/dvfs/dvfs_controller.hpp) raises the voltage before the frequency goes up and lowers it
/// after the frequency went down: a switch takes |V1 - V0| / slew for the regulator's ramp plus the
/// PLL's relock time, during which the domain's clock is stopped (the domain halts). Energy per
/// switch: (1 - eta) C |V1^2 - V0^2|, the charge moved on the supply rail's capacitance C through a
/// regulator of efficiency eta (Burd & Brodersen, "Design issues for dynamic voltage scaling",
/// ISLPED 2000, eq. for E_TRAN).
struct DvfsTransitionSpec {
  double slew_mv_per_us = 10.0;       ///< regulator output slew rate
  double relock_us = 10.0;            ///< PLL relock time after a frequency change
  double supply_cap_nf = 100.0;       ///< C: capacitance on the domain's supply rail
  double regulator_efficiency = 0.9;  ///< eta in [0, 1)
  /// What the domain does meanwhile (clock.transition.during): false ("halt"), its clock stops
  /// for ramp + relock; true ("run_at_lower_clock"), it keeps running at the lower of the two
  /// frequencies while the voltage ramps and stops only while the PLL relocks.
  bool run_at_lower_clock = false;
};

/// The core clock domain; the DVFS controller owns its period and may change it at a cycle
/// boundary. `memory`, when present, is the SRAM + NoC domain (absent: they share this one).
struct ClockSpec {
  std::string name = "core";
  OperatingPoint nominal;                   ///< the point the run starts at
  std::vector<OperatingPoint> operating_points;  ///< table the controller may choose from
  DelayModelSpec delay;                          ///< bounds every point's frequency
  /// Cycles a DRAM burst's data spends in the synchroniser from the DRAM interface's fixed clock
  /// domain into the domain the DMA writes (the memory domain's cycles when it is declared, else
  /// the core's; 0: no synchroniser, the boundary is treated as synchronous).
  int dram_sync_cycles = 0;
  std::optional<DomainSpec> memory;              ///< clock.domains.memory
  std::string policy = "static";                 ///< DVFS policy (arch/dvfs/i_dvfs_policy.hpp)
  sim::ParamValues policy_params;                ///< every parameter of the policy, validated
  /// Cost of switching points (clock.transition); required by a policy that switches.
  std::optional<DvfsTransitionSpec> transition;
};

/// Clock gating and power gating (config section `power`; arch/power/power_manager.hpp). Blocks
/// are named "pe_array", "vector_unit", "noc" or an SRAM level's name. With the section present,
/// every block's clock network costs energy on each cycle its clock runs (a block in
/// `clock_gated` only on its active cycles) and the vector unit leaks; without it neither is
/// modelled (reports stay as before).
struct PowerSpec {
  bool enabled = false;                  ///< the section is present
  std::vector<std::string> clock_gated;  ///< blocks whose clock is gated on idle cycles
  std::string policy = "none";           ///< power-gating policy (arch/power/i_power_policy.hpp)
  sim::ParamValues policy_params;        ///< every parameter of the policy, validated
  std::vector<std::string> power_gated;  ///< blocks (or their parts) the policy may switch off
  bool retention = false;                ///< idle parts keep their data at a fraction of leakage
  double retention_leakage_fraction = 0.25;  ///< leakage in retention / leakage powered
  int wakeup_cycles = 10;                    ///< core cycles from power-on to usable
  bool clock_gates(const std::string& block) const;
  bool power_gates(const std::string& block) const;
};

/// Per-action energies in pJ at the table's reference voltage, plus leakage in mW.
/// Keys are documented in arch/energy/energy_table.hpp; overrides replace single entries.
struct EnergySpec {
  double reference_voltage_v = 0.9;
  double scale = 1.0;                               ///< multiplies all dynamic energies (other nodes)
  std::map<std::string, double> overrides;          ///< key -> pJ (or mW for leakage keys)
  /// Spatial arrays only: energy per datum access at each level, whatever its width (the
  /// normalised costs of Chen et al., ISCA 2016). Keys "mac", "rf", "noc", "gbuf", "dram" and
  /// optionally "link" (a psum hop over a PE-to-PE link; absent: the "noc" figure);
  /// empty = use the per-bit table.
  std::map<std::string, double> per_access;
};

/// Area table scale and overrides (arch/area/area_table.hpp; keys in um^2 or um^2/bit at 45 nm).
struct AreaSpec {
  double scale = 1.0;                       ///< multiplies every area (another node)
  std::map<std::string, double> overrides;  ///< key -> value in the key's unit
};

/// What the mapper optimises and the constraints the user fixes.
enum class Objective { kLatency, kEnergy, kEdp };
const char* to_string(Objective o);
enum class LoopOrderConstraint { kAuto, kStreamOuter, kChunkOuter };

/// Spatial arrays: the product of one dim's loop bounds at one level, fixed by the user.
struct FactorConstraint {
  std::string level;  ///< "dram", "gbuf", "array" (rows and columns together) or "rf"
  std::string dim;    ///< "N", "M", "C", "P", "Q", "R" or "S"
  int64_t value = 1;  ///< clipped to the layer's extent of the dim
};

struct MapperSpec {
  Objective objective = Objective::kLatency;
  LoopOrderConstraint loop_order = LoopOrderConstraint::kAuto;  ///< WS/IS: Kred folds vs chunks
  int64_t chunk_len = 0;      ///< fixed temporal chunk (0 = searched); clipped to the layer
  std::vector<FactorConstraint> factors;  ///< spatial arrays: fixed loop factors
  std::vector<std::string> dram_order;    ///< spatial arrays: DRAM loop order, outermost first
  /// The search's budget per layer, on every array kind: candidates scored before it stops and
  /// keeps the best so far (deterministic: a count, not a time).
  int64_t max_candidates = 20000;
  /// The search's memory budget per candidate: chunks of its transfer plan (each ~170 bytes; a
  /// vector layer's chunks too). A candidate above it is skipped; none below it is an error.
  int64_t max_plan_chunks = int64_t(1) << 22;
};

/// What the PEs do with zero operands (real zeros: q == zero point, i.e. an operand of value 0
/// after the feeders' zero-point stage). Names in configs: "none", "gate", "skip".
///  gate: the MAC is not performed and its register-file reads are suppressed (energy, not
///        cycles); skip: compressed operand streams leave zeros out, so the PE spends no cycle on
///        them either (with the load imbalance real data brings: lockstep lanes wait for the
///        slowest). Skip also gates the zeros it cannot skip.
enum class SparsityMode { kNone, kGate, kSkip };
const char* to_string(SparsityMode m);
std::optional<SparsityMode> sparsity_mode_from_string(std::string_view s);

/// Storage format of an operand in SRAM and DRAM (arch/sparse/compression.hpp).
/// Names: "dense", "bitmask", "rle", "csr", "nm".
struct StorageFormats {
  std::string ifmap = "dense";
  std::string weight = "dense";
  std::string ofmap = "dense";
  int rle_run_bits = 5;  ///< Eyeriss run-length field
  int nm_n = 2, nm_m = 4;  ///< N:M groups (weights)
  /// Not a config key: set for a layer on the N:M datapath (sparsity.structured), whose weights
  /// are stored "nm" in the datapath's own slot form (storage_plan.hpp layer_formats).
  bool nm_datapath = false;
};

/// N:M structured-sparse weight datapath (config "sparsity.structured"; systolic arrays, WS).
/// Every PE holds one compressed weight slot, a value and its ceil(log2 m)-bit position in its
/// N:M group, and an m:1 multiplexer that picks the matching activation out of the group's m
/// activations, which move along the PE row together. n physical rows hold the n slots of a
/// group of m reduction indices (a tail of g < m indices: min(n, g) rows), so a fold covers about
/// rows * m / n reduction indices and issues only the slots' MACs. Weights are stored in the
/// "nm" format of arch/sparse/compression.hpp; weights that break the pattern are an error.
struct StructuredSparsity {
  bool enabled = false;
  int n = 2, m = 4;
  std::vector<std::string> layers;  ///< layers that run on it; empty = every layer with weights
  /// "unfit": "dense": a covered layer whose weights break the pattern runs on the dense path
  /// instead of being a config error (resolved per workload: sim::resolve_structured).
  bool unfit_dense = false;
  /// Whether layer `name` runs on the N:M datapath (`has_weight`: it has a weight tensor).
  bool covers(const std::string& name, bool has_weight) const {
    if (!enabled || !has_weight) return false;
    if (layers.empty()) return true;
    for (const std::string& l : layers)
      if (l == name) return true;
    return false;
  }
};

struct SparsitySpec {
  SparsityMode mode = SparsityMode::kNone;
  bool ifmap = true;   ///< zero ifmap operands are gated / skipped
  bool weight = true;  ///< zero weight operands are gated / skipped
  std::map<std::string, SparsityMode> layer_modes;  ///< per-layer modes (an adaptive array)
  StorageFormats storage;
  StructuredSparsity structured;
  SparsityMode mode_of(const std::string& layer) const {
    const auto it = layer_modes.find(layer);
    return it == layer_modes.end() ? mode : it->second;
  }
};

struct AcceleratorSpec {
  int schema_version = 1;
  std::string name = "adasim";
  PeArraySpec pe_array;
  std::vector<SramLevelSpec> sram;                  ///< each operand held by exactly one level
  DramSpec dram;
  NocSpec noc;
  ClockSpec clock;
  EnergySpec energy;
  AreaSpec area;
  MapperSpec mapper;
  SparsitySpec sparsity;
  PowerSpec power;

  /// The SRAM level that holds `op` for the array (validated to exist): of the levels holding
  /// it, the one no other of them is filled from.
  const SramLevelSpec& level_of(Operand op) const;
  int level_index_of(Operand op) const;
};

}  // namespace adasim::arch
