// SPDX-License-Identifier: Apache-2.0
// The PE array as structure-of-arrays state: every PE's operand registers, stationary registers,
// partial sums and (OS) accumulators, for AR x AC PEs. One call = one clock edge of the whole array
// (evaluate from the previous state, then commit), so results do not depend on evaluation order.
// Real operand values move through the registers: zero-point-corrected q - zp (9 bits for 8-bit
// tensors, held in int16; see operand_decode.hpp); psums are int32.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace adasim::arch {

class SystolicArray {
 public:
  /// `max_lanes` > 1: precision-scalable PEs, each with up to that many MAC lanes (WS / IS).
  SystolicArray(int rows, int cols, int max_lanes = 1);

  /// What a PE's operand lanes are: independent MAC lanes (precision-scalable PEs), or the m
  /// activations of an N:M group in front of an m:1 multiplexer whose select is the stationary
  /// slot's position (the slot's value sits on the lane of its position, 0 on the others, so
  /// the lanes' multiply-add is exactly the multiplexer's product).
  enum class LaneUse { kMacLanes, kMultiplexer };
  /// Operand lanes per PE for the next layer (1..max_lanes). With L lanes, physical row r holds
  /// the L sub-rows r*L .. r*L+L-1 (one reduction index each); their products enter one adder,
  /// so a psum still moves down one physical row per cycle. Stream feeds and stationary tiles
  /// are laid out per sub-row; the registers hold a PE's lanes side by side.
  void set_lanes(int lanes, LaneUse use = LaneUse::kMacLanes);
  int lanes() const { return lanes_; }
  int max_lanes() const { return max_lanes_; }

  int rows() const { return rows_; }
  int cols() const { return cols_; }

  // ---- stationary dataflows (WS / IS) ----
  /// One cycle of the stationary-operand load chain: every shadow row moves one physical row down
  /// and `row_in` (lanes x cols values, sub-row major) enters row 0. After L shifts, shadow row i
  /// holds what entered at shift L-1-i.
  void shadow_shift(const int16_t* row_in);
  /// Shadow -> active stationary registers. PEs outside [0,rows_used) x [0,cols_used) are
  /// disabled (their stationary value is 0: psums pass through them, no MAC is issued).
  void swap_stationary(int rows_used, int cols_used);
  /// One streaming cycle: sub-row i's input register takes feed[i] (column 0) or its left
  /// neighbour's value; each PE adds its lanes' stationary x input products to the psum from
  /// the PE above. `active_rows` counts sub-rows.
  /// Only columns [0, active_cols) are evaluated (the rest are idle and hold zeros); rows at and
  /// below active_rows hold no weight and only pass psums down (one cycle per row).
  void step_stationary(const int16_t* feed, int active_rows, int active_cols);
  /// Psums leaving the bottom edge after the last step (cols values).
  const int32_t* bottom_psums() const { return psum_.data() + size_t(rows_ - 1) * cols_; }
  /// Clears the moving registers (between folds; the array is empty then anyway).
  void clear_moving();

  // ---- output stationary ----
  /// One OS cycle: inputs move right (left[i] enters row i), weights move down (top[j] enters
  /// column j), every PE accumulates input x weight in place.
  void step_output_stationary(const int16_t* left, const int16_t* top, int active_rows,
                              int active_cols);
  /// Moves all accumulators into the output drain chain and zeroes them (fold boundary).
  void capture_outputs();
  /// One drain cycle: the drain chain moves one row down; returns the row leaving the bottom.
  const int32_t* drain_shift();

  // ---- state access for traces and tests ----
  // Physical PE (r, c); its first lane for moving(); stationary() gives the first lane, or with
  // the multiplexer the slot's value.
  int16_t moving(int r, int c) const {
    return h_[size_t(r) * h_stride_ + size_t(h_off_ + c) * size_t(lanes_)];
  }
  int16_t vertical(int r, int c) const { return v_[idx(r, c)]; }
  int16_t stationary(int r, int c) const;
  int32_t psum(int r, int c) const { return psum_[idx(r, c)]; }

 private:
  size_t idx(int r, int c) const { return size_t(r) * size_t(cols_) + size_t(c); }
  /// Lane l of PE (r, c) in h_, w_ and shadow_ (lanes innermost, for the current lane count).
  size_t lane(int r, int c, int l) const { return idx(r, c) * size_t(lanes_) + size_t(l); }
  /// Row r's moving registers: PE c's lanes at [c * lanes, (c + 1) * lanes).
  int16_t* moving_row(int r) { return &h_[size_t(r) * h_stride_ + size_t(h_off_) * size_t(lanes_)]; }
  const int16_t* moving_row(int r) const {
    return &h_[size_t(r) * h_stride_ + size_t(h_off_) * size_t(lanes_)];
  }
  /// One cycle of the moving operand: every row's values move one PE right (PE 0 is then free
  /// for the feed).
  void advance_moving();
  void reset_moving();

  int rows_, cols_;
  int max_lanes_ = 1, lanes_ = 1;
  LaneUse use_ = LaneUse::kMacLanes;
  // The moving operand is a delay line per row rather than a shifted register file: row r's
  // PEs are the window at offset h_off_ (in PEs) of a line of cols + slack_ PEs, and a cycle
  // moves the window one PE to the left instead of copying every value (which would also stall
  // the following vector loads on store forwarding). The window wraps every slack_ cycles.
  int slack_ = 0;
  size_t h_stride_ = 0;  ///< per row: (cols + slack_) x max_lanes values
  int h_off_ = 0;
  // w_, shadow_ hold up to max_lanes lanes per PE (index lane(r, c, l)); h_ the delay lines;
  // psum_, drain_ and v_ one value per PE.
  // Operand registers hold q - zp in int16, which also lets the per-row multiply-accumulate
  // loops vectorise (SSE2 on any x86-64; AVX2 versions are picked at load time when the CPU has
  // it, see bench/README.md). The kernels use x86 intrinsics: the build targets x86-64.
  std::vector<int16_t> h_;       ///< horizontally moving operand (stream input)
  std::vector<int16_t> v_;       ///< vertically moving operand (OS weights)
  std::vector<int16_t> w_;       ///< stationary registers
  std::vector<int16_t> shadow_;   ///< next stationary tile being loaded
  std::vector<int32_t> psum_;    ///< psum registers (WS/IS) / accumulators (OS)
  std::vector<int32_t> drain_;   ///< OS output drain chain
  std::vector<int32_t> out_row_; ///< row leaving the drain chain
  std::vector<int32_t> pairs_;   ///< scratch: a row's lane-pair products
};

}  // namespace adasim::arch
