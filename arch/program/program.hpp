// SPDX-License-Identifier: Apache-2.0
// The program contract: what the mapper produces for one layer and the hardware executes. One
// program type per layer engine (systolic fold plan, spatial loop nest, vector op), held in a
// variant the sequencer dispatches on; the transfer plan per hop; the quantisation parameters.
// Depends on the graph IR and the spec vocabulary only: the mapper and the models both depend
// on it, never on each other. Search diagnostics stay in the mapper (workloads/mapper).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "arch/program/loop_nest.hpp"
#include "arch/program/quant.hpp"
#include "arch/program/systolic.hpp"
#include "arch/program/transfers.hpp"
#include "arch/program/vector_op.hpp"
#include "arch/spec.hpp"
#include "workloads/ir/graph.hpp"

namespace adasim::arch {

/// A spatial (NoC-fed, Eyeriss-style) array runs the layer's loop nest. Each transfer-plan fold
/// is a run of DRAM iterations over one output tile, each chunk one DRAM iteration.
struct SpatialProgram {
  spatial::Mapping nest;
  int64_t macs = 0;  ///< useful MACs of the layer
};

/// A vector layer (pooling, eltwise, concat, lookup, softmax, layernorm, transpose, view) on the
/// vector unit's lanes; the transfer plan's single fold holds chunks of flat output elements.
struct VectorProgram {
  int64_t outputs = 0;   ///< output elements
  int64_t ops = 0;       ///< lane operations: outputs x op.ops_per_output()
  int64_t lanes = 0;     ///< operations per cycle
  int64_t in_bytes = 0;  ///< bytes of all inputs (constants it reads included)
  int64_t out_bytes = 0;
  VectorOp op;  ///< what the lanes compute
};

using EngineProgram = std::variant<SystolicProgram, SpatialProgram, VectorProgram>;

/// Registered name of the layer engine that runs a program ("systolic", "spatial", "vector").
const char* engine_name(const EngineProgram& p);

struct LayerProgram {
  std::string layer;
  workloads::OpType op = workloads::OpType::kConv2d;
  workloads::ConvShape shape;
  int in_bits = 8, w_bits = 8, out_bits = 8;
  EngineProgram engine;
  TransferPlan transfers;
  QuantParams quant;
  /// The core domain's operating point the mapper chose for the layer (clock.policy
  /// "per_layer"; the DVFS controller applies it at the layer boundary), else unset.
  std::optional<OperatingPoint> point;

  const char* engine_name() const { return arch::engine_name(engine); }
  /// Operations the engine performs: fold MACs (systolic; on the N:M datapath the slots'),
  /// loop-nest MACs (spatial) or vector ops.
  int64_t macs() const;
  /// The engine's program; throws sim::ModelError when the layer runs on another engine.
  const SystolicProgram& systolic() const;
  const SpatialProgram& spatial() const;
  const VectorProgram& vector() const;
  SystolicProgram& systolic();
  SpatialProgram& spatial();
  VectorProgram& vector();
};

}  // namespace adasim::arch
