// SPDX-License-Identifier: Apache-2.0
// The dataflows of the systolic array: how a dataflow lays a layer's pack GEMM (M pixels x Kred
// reduction x N filters, per block-diagonal pack of groups) onto the array's rows, its columns
// and time. The mapper's planner (workloads/mapper/systolic_planner.hpp) derives every fold,
// tile, transfer and count from that layout, and the models read which operand a dataflow holds
// in the PEs (the area model's registers), so a dataflow is one implementation of this interface,
// registered by name (register_systolic_dataflows), and the spec names it by that name. It lives
// in the program contract so that both sides see it without depending on each other.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "arch/program/systolic.hpp"
#include "sim/core/registry.hpp"
#include "workloads/ir/graph.hpp"

namespace adasim::arch {

/// Where the pack GEMM's dimensions lie: along the array's rows, its columns and time.
struct SystolicLayout {
  GemmDim rows = GemmDim::kKred;
  GemmDim cols = GemmDim::kN;
  GemmDim time = GemmDim::kM;

  /// The reduction runs in time: the outputs stay in the PEs, both operands stream.
  bool outputs_held() const { return time == GemmDim::kKred; }
  /// Whether the PEs hold `op` (ifmap or weight) while the other operand streams past: the
  /// operand indexed by the rows and columns (the weights when the columns are filters).
  bool holds(Operand op) const;
  bool streams(Operand op) const { return op != Operand::kOfmap && !holds(op); }
  /// The layout in the program contract's terms.
  void apply(SystolicProgram& p) const {
    p.rows_dim = rows;
    p.cols_dim = cols;
    p.time_dim = time;
  }
};

/// A dataflow of the systolic array.
/// Contract: layout() is one the array runs (SystolicProgram::layout(): the reduction down
/// the rows with the weights or the inputs held, or in time with the outputs held), the same on
/// every call; chunk_step() >= 1.
class ISystolicDataflow {
 public:
  virtual ~ISystolicDataflow() = default;
  virtual SystolicLayout layout() const = 0;
  /// Chunks hold a multiple of this many temporal indices (or the whole extent). The default
  /// follows what the DMA moves anyway: whole output rows (Q pixels; 1 for a matmul) when time
  /// runs over pixels, whole input channels (R*S reduction steps) when it runs over the
  /// reduction, single filters when it runs over filters.
  virtual int64_t chunk_step(const workloads::Layer& l, const workloads::ConvShape& s) const;
};

using SystolicDataflowFactory = std::function<std::unique_ptr<ISystolicDataflow>()>;
using SystolicDataflowRegistry = sim::Registry<SystolicDataflowFactory>;

/// A dataflow that is its layout and nothing else (the default chunk step).
class FixedLayoutDataflow final : public ISystolicDataflow {
 public:
  explicit FixedLayoutDataflow(SystolicLayout layout) : layout_(layout) {}
  SystolicLayout layout() const override { return layout_; }

 private:
  SystolicLayout layout_;
};

/// A factory of FixedLayoutDataflow(layout), for registrations.
SystolicDataflowFactory fixed_layout(SystolicLayout layout);

/// Registers every systolic dataflow (kind "systolic_dataflow"): ws, os, is.
void register_systolic_dataflows(SystolicDataflowRegistry& r);

/// The registered systolic dataflows (built once; immutable).
const SystolicDataflowRegistry& systolic_dataflows();

}  // namespace adasim::arch
