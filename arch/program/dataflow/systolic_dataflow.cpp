// SPDX-License-Identifier: Apache-2.0
#include "arch/program/dataflow/systolic_dataflow.hpp"

namespace adasim::arch {

// The implementations (one file each).
void register_ws(SystolicDataflowRegistry& r);
void register_os(SystolicDataflowRegistry& r);
void register_is(SystolicDataflowRegistry& r);

bool SystolicLayout::holds(Operand op) const {
  if (outputs_held() || op == Operand::kOfmap) return false;
  // The operand indexed by the rows (the reduction) and the columns: weights by N, inputs by M.
  return (cols == GemmDim::kN) == (op == Operand::kWeight);
}

int64_t ISystolicDataflow::chunk_step(const workloads::Layer& l,
                                      const workloads::ConvShape& s) const {
  switch (layout().time) {
    case GemmDim::kM:
      return l.op == workloads::OpType::kMatMul ? 1 : s.q;
    case GemmDim::kKred:
      return s.r * s.s;
    case GemmDim::kN:
      return 1;
  }
  return 1;
}

SystolicDataflowFactory fixed_layout(SystolicLayout layout) {
  return [layout] { return std::make_unique<FixedLayoutDataflow>(layout); };
}

void register_systolic_dataflows(SystolicDataflowRegistry& r) {
  register_ws(r);
  register_os(r);
  register_is(r);
}

const SystolicDataflowRegistry& systolic_dataflows() {
  static const SystolicDataflowRegistry registry = [] {
    SystolicDataflowRegistry r(
        "systolic_dataflow",
        "how the mapper lays a layer's GEMM on a systolic array's rows, columns and time",
        "pe_array.dataflows / pe_array.dataflow, pe_array.kind \"systolic\"");
    register_systolic_dataflows(r);
    return r;
  }();
  return registry;
}

}  // namespace adasim::arch
