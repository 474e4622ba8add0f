// SPDX-License-Identifier: Apache-2.0
// The dataflows of the systolic array, as the mapper sees them: how a dataflow lays a layer's
// pack GEMM (M pixels x Kred reduction x N filters, per block-diagonal pack of groups) onto the
// array's rows, its columns and time. The planner (systolic_planner.hpp) derives every fold,
// tile, transfer and count from that layout, so a dataflow is one implementation of this
// interface, registered by name (register_systolic_dataflows).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "arch/program/systolic.hpp"
#include "sim/core/registry.hpp"
#include "workloads/ir/graph.hpp"

namespace adasim::workloads {

/// Where the pack GEMM's dimensions lie: along the array's rows, its columns and time.
struct SystolicLayout {
  arch::GemmDim rows = arch::GemmDim::kKred;
  arch::GemmDim cols = arch::GemmDim::kN;
  arch::GemmDim time = arch::GemmDim::kM;

  /// The reduction runs in time: the outputs stay in the PEs, both operands stream.
  bool outputs_held() const { return time == arch::GemmDim::kKred; }
  /// Whether the PEs hold `op` (ifmap or weight) while the other operand streams past: the
  /// operand indexed by the rows and columns (the weights when the columns are filters).
  bool holds(arch::Operand op) const;
  bool streams(arch::Operand op) const { return op != arch::Operand::kOfmap && !holds(op); }
  /// The layout in the program contract's terms.
  void apply(arch::SystolicProgram& p) const {
    p.rows_dim = rows;
    p.cols_dim = cols;
    p.time_dim = time;
  }
};

/// A dataflow of the systolic array.
/// Contract: layout() is one the array runs (arch::SystolicProgram::layout(): the reduction down
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
  virtual int64_t chunk_step(const Layer& l, const ConvShape& s) const;
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

}  // namespace adasim::workloads
