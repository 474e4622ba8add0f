// SPDX-License-Identifier: Apache-2.0
// The spatial PE array running one layer's loop nest (arch/program/loop_nest.hpp).
// Every PE has a register file holding the tiles of the operands its dataflow keeps there; the
// global buffer holds the tiles below the DRAM loops; the NoC carries operands from the buffer
// to the PEs (one buffer read multicast to every PE that needs the datum in the same cycle) and
// partial sums between PEs (spatial reduction) and back to the buffer.
//
// The engine walks the nest pass by pass (one pass = one iteration of the DRAM and buffer loops,
// during which every PE runs its register-file loops in lockstep). Data moves only when a tile
// changes, and only the elements a tile did not already hold move (sliding windows keep their
// overlap). Every access count is the count of values the engine actually copied, and the MACs
// read their operands from the copies: a movement the counts miss would corrupt the outputs,
// which the functional tests compare bit for bit.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "arch/noc/i_noc.hpp"
#include "arch/program/feed_latency.hpp"
#include "arch/program/loop_nest.hpp"
#include "arch/spatial/tile_buffer.hpp"
#include "arch/spec.hpp"

namespace adasim::arch::spatial {

/// Data accesses of one layer, per operand (0 ifmap, 1 weight, 2 psum/ofmap). Units: values.
struct SpatialCounts {
  std::array<int64_t, 3> dram_reads{};      ///< DRAM -> buffer (ofmap: psum reloads)
  std::array<int64_t, 3> dram_writes{};     ///< buffer -> DRAM (ofmap only: spills and outputs)
  std::array<int64_t, 3> gbuf_reads{};      ///< buffer reads toward the array (multicast once)
  std::array<int64_t, 3> gbuf_writes{};     ///< buffer writes from the array (psums only)
  std::array<int64_t, 3> gbuf_fills{};      ///< buffer writes from DRAM
  std::array<int64_t, 3> gbuf_drains{};     ///< buffer reads toward DRAM
  std::array<int64_t, 3> noc_deliveries{};  ///< buffer -> PE deliveries, one per destination PE
  int64_t psum_hops = 0;                    ///< PE -> PE partial-sum transfers
  int64_t psum_link_hops = 0;  ///< of psum_hops, over PE-to-PE neighbour links (INoc::psum_links)
  std::array<int64_t, 3> rf_reads{}, rf_writes{};
  int64_t macs = 0;
  int64_t passes = 0;
  int64_t compute_cycles = 0;  ///< cycles the PEs spend in their RF loops
  // Sparse datapath (mode gate / skip): MACs with a checked zero operand perform no multiply and
  // no register-file reads; skipped ones also take no step of the PE's time.
  int64_t macs_gated = 0, macs_skipped = 0;
  int64_t steps_skipped = 0;  ///< pass steps saved (the slowest PE of each pass sets its time)
  int64_t ideal_cycles = 0;   ///< sum over passes of the mean PE's nonzero steps (balanced lanes)
  int64_t noc_cycles = 0;     ///< cycles waiting for tile refills / flushes over the NoC
};

/// What one DRAM-level iteration did (the controller charges its cycles and checks its DRAM
/// traffic against the transfer plan).
struct IterationResult {
  int64_t compute_cycles = 0;
  int64_t noc_cycles = 0;
  std::array<int64_t, 3> dram_reads{};
  int64_t dram_writes = 0;  ///< values written back to DRAM when this iteration's outputs left
  /// PE steps that performed a MAC (gated ones too; skipped ones and the idle steps of PEs
  /// outside a ragged tile not): the iteration's PE-cycles of work (StepResult::pe_cycles).
  int64_t pe_cycles = 0;
};

class SpatialEngine {
 public:
  /// `noc` prices the refills, flushes and steps (it must outlive the engine); `in_bits`,
  /// `w_bits`, `psum_bits`: widths of one value on the NoC; `clock`: the NoC's link cycles in
  /// core cycles and the refills' synchroniser (a memory domain; a default NocClock: the core's clock).
  SpatialEngine(const Problem& p, const Mapping& m, const INoc& noc, int in_bits, int w_bits,
                int psum_bits, NocClock clock);

  /// Tensors: ifmap and weight values (laid out per the problem's strides) and the int32 output
  /// accumulators (the DRAM copy of the psums; zero-initialised by the caller).
  void bind(const int16_t* ifmap, const int16_t* weight, int32_t* out);

  int64_t dram_iterations() const { return dram_iters_; }
  /// Runs the next DRAM-level iteration (all its passes). The last one also flushes every
  /// partial sum to DRAM.
  IterationResult run_iteration();
  bool done() const { return iter_ >= dram_iters_; }

  const SpatialCounts& counts() const { return counts_; }

  /// Zero operands: mode and which operands are checked (values are q - zp: zero = real zero).
  void set_sparsity(SparsityMode mode, bool ifmap, bool weight) {
    sparse_mode_ = mode;
    check_[0] = ifmap;
    check_[1] = weight;
  }

 private:
  using Idx = std::array<int64_t, kNumDims>;
  struct Step {                       // one register-file loop iteration
    Idx rf{};                         // RF-level coordinate offsets
    std::array<Coord, 3> coord{};     // operand coordinate offsets of the step's datums
    std::array<int64_t, 3> rf_off{};  // offset inside each kept RF tile
    std::array<int64_t, 3> gb_off{};  // offset inside the buffer tile (bypassed operands)
    std::array<bool, 3> changes{};    // operand value differs from the previous step
  };
  struct PeState {                 // per PE, rebuilt each pass (kept to reuse the memory)
    bool all_valid = true;         // no ragged factor cuts its RF loops
    Idx lo{};                      // dim coordinates of its step 0
    std::array<Coord, 3> c0{};     // operand coordinates of its step-0 datum
    std::array<int64_t, 3> gb0{};  // buffer offset of its step-0 datum
  };

  void begin_dram_iteration(IterationResult& r);
  void run_pass(IterationResult& r);
  int64_t refill_rf(int o);  // returns the distinct values the NoC moves for the refill
  void flush_rf_psums(IterationResult& r);
  /// Sends PE pe's accumulated psums toward the buffer; returns how many it sent.
  int64_t send_rf_psums(size_t pe);
  /// Flush over the neighbour links: each column group's psums meet in its last PE, whose sums
  /// cross the psum bus. Returns the NoC cycles (slowest chain, then the bus).
  int64_t flush_over_links();
  /// Groups PEs of one column that hold the same outputs (their psums can meet over the links).
  void build_link_groups();
  /// Bypassed psums: counts the step's link hops (group_count_, then cleared) and returns the
  /// link cycles the step needs (0 when no link moved anything).
  int64_t step_link_cycles();
  void flush_gbuf_psums(IterationResult& r, const Box& keep);
  /// What every MAC of a pass reads: the operands the register files keep, the tensor boxes
  /// (bypassed operands outside them are padding) and the sparse datapath's mode.
  struct PassSetup {
    std::array<bool, 3> keep{};
    std::array<Box, 2> tensor{};
    bool sparse = false, skip = false, links = false;
  };
  /// A pass's running totals, added to counts_ once at its end.
  struct PassTally {
    int64_t stall = 0, zero = 0, macs = 0, rf_ps_writes = 0;
    std::array<int64_t, 3> rf_reads{};
  };
  /// One step's multicast events (per input operand), reduction event and distinct buffer reads.
  struct StepEvents {
    std::array<uint64_t, 2> multicast{};
    uint64_t reduction = 0;
    std::array<int64_t, 2> distinct{};
  };
  /// A MAC's two operand values and whether each came from the PE's register file.
  struct Operands {
    std::array<int32_t, 2> value{};
    std::array<bool, 2> kept{};
  };

  // compute() and the functions of its MAC loop. Those are `inline` (defined and used in
  // spatial_engine.cpp only) so that the loop keeps its operands and totals in registers as one
  // function would: callgrind counts within 1.2% of the single function on Eyeriss WS.
  /// Runs the register-file loops of one pass on every PE.
  void compute(IterationResult& r);
  /// Rebuilds pe_state_ for the pass whose temporal coordinates are `base`.
  inline void prepare_pe_states(const Idx& base);
  /// Runs every register-file step of the pass on every PE; `tally` receives the pass's totals.
  inline void run_steps(const PassSetup& setup, PassTally& tally);
  /// Counts a step's buffer reads; returns the cycles it takes (1 + its NoC stall).
  int64_t step_cycles(const StepEvents& e, int64_t psums_back, bool links);
  /// Reads operand o of PE pe's MAC at this step into v (bypassed: counts its NoC delivery).
  inline void fetch_operand(int o, size_t pe, const PeState& s, const Step& step,
                            const PassSetup& ps, StepEvents& e, Operands& v);
  /// PE pe's MAC: accumulates into its register file or sends the psum toward the buffer.
  inline void mac(size_t pe, const PeState& s, const Step& step, const Operands& v,
                  const PassSetup& ps, uint64_t reduction, PassTally& t);
  /// Adds the pass's totals to counts_ and its cycles to r.
  void close_pass(const PassTally& t, IterationResult& r);
  /// Adds a psum into buffer element i; the first arrival in event `ev` is the buffer write
  /// (a read-modify-write when the element already holds a partial sum), later ones are hops.
  void add_psum_to_gbuf(size_t i, int32_t v, uint64_t ev);
  /// Core cycles of one step's NoC traffic: these distinct values (per operand, psums back).
  int64_t noc_cycles_for(const std::array<int64_t, 3>& to_pes, int64_t psums_back) const;
  Idx temporal_base() const;
  bool advance(size_t from, size_t to);  // odometer over loops [from, to); false on wrap
  Idx dram_lo(const std::vector<int64_t>& it) const;

  const Problem p_;
  const Mapping m_;
  const INoc& noc_;
  const NocClock clock_;
  std::array<int, 3> bits_{};
  const int16_t* in_ = nullptr;
  const int16_t* w_ = nullptr;
  int32_t* out_ = nullptr;

  size_t gb0_ = 0, y0_ = 0, x0_ = 0, rf0_ = 0;
  std::vector<int64_t> inner_;
  std::vector<int64_t> it_;  // indices of the DRAM and buffer loops
  int64_t dram_iters_ = 1, iter_ = 0;
  Idx gb_span_{}, rf_span_{};
  std::vector<Idx> pe_off_;  // spatial coordinate offsets per PE
  std::vector<int> pe_row_;  // array row of each PE (psum chains run down columns)
  // Psum links: per PE its column group (PEs of a column with the same outputs), the members of
  // each group, and per group the contributions of the current step (bypassed psums).
  std::vector<int> group_of_;
  std::vector<std::vector<size_t>> groups_;
  std::vector<int64_t> group_count_;
  std::vector<uint8_t> seen_;
  std::vector<Step> steps_;

  // Storage.
  TileBuffer<int16_t> gb_in_, gb_w_;
  TileBuffer<int32_t> gb_ps_;
  TileBuffer<uint8_t> gb_ps_valid_;    // per gb_ps_ element: holds a partial sum
  std::vector<uint8_t> dram_touched_;  // per output: a partial sum was written to DRAM
  std::vector<TileBuffer<int16_t>> rf_in_, rf_w_;
  std::vector<TileBuffer<int32_t>> rf_ps_;
  std::vector<int16_t> scratch16_;
  std::vector<int32_t> scratch32_;
  std::vector<uint8_t> scratch_valid_;
  std::vector<PeState> pe_state_;
  std::array<std::vector<uint64_t>, 3>
      stamp_;  // per buffer element: last multicast / reduction event
  std::vector<std::vector<uint8_t>> rf_ps_touched_;  // per PE psum: accumulated since refill
  uint64_t event_ = 0;
  Idx last_base_{};
  bool first_pass_ = true;
  std::array<bool, 3> rf_valid_{};

  SpatialCounts counts_;
  SparsityMode sparse_mode_ = SparsityMode::kNone;
  std::array<bool, 2> check_{true, true};
  std::vector<int64_t> pe_zero_;  // per PE: zero MACs (skip: steps skipped) in the current pass
};

}  // namespace adasim::arch::spatial
