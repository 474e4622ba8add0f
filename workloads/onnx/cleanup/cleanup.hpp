// SPDX-License-Identifier: Apache-2.0
// Graph clean-up before lowering: passes over an imported ONNX model that leave the values it
// computes unchanged (up to float32 rounding where weights are rewritten) and turn what exporters
// write into what the importer maps onto the accelerator. The reference behaviour is
// onnx-simplifier's constant folding and ONNX Runtime's basic graph optimisations:
//
//   constants_to_initializers  Constant nodes become initializers
//   fold_constants             every node whose inputs are constants (or, for Shape / Size,
//                              whose input has a static inferred shape) is evaluated
//                              (Identity, Cast, Shape, Gather, Unsqueeze, Concat,
//                              ConstantOfShape, Range, Slice, Reshape, arithmetic, ...)
//   remove_identities          Identity / Dropout on activations: the consumers read the input
//   remove_noop_casts          Cast of an activation to the type it already has
//   fold_batchnorm             BatchNormalization after a float Conv folded into its weights
//   fold_pads                  a zero constant Pad in front of a Conv folded into its pads
//   fuse_activations           QDQ: MAC -> Q -> DQ -> Relu / Clip -> Q with the same scale and
//                              zero point becomes MAC -> Relu / Clip -> Q (the activation is
//                              then the layer's output stage)
//   remove_dead_nodes          nodes no graph output depends on, unused initializers
//
// Each pass returns how many nodes it changed. Passes never throw for what they do not handle:
// they leave such nodes to the importer, which reports them.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace adasim::workloads::cleanup {

int constants_to_initializers(onnx::GraphProto& g);
/// Infers shapes (onnx::shape_inference) for Shape / Size nodes of activations; the model's graph
/// inputs must carry the concrete shapes of the run.
int fold_constants(onnx::ModelProto& m);
int remove_identities(onnx::GraphProto& g);
/// Needs value types: runs shape inference on m.
int remove_noop_casts(onnx::ModelProto& m);
int fold_batchnorm(onnx::GraphProto& g);
int fold_pads(onnx::GraphProto& g);
int fuse_activations(onnx::GraphProto& g);
int remove_dead_nodes(onnx::GraphProto& g);

struct CleanupReport {
  int constants = 0, folded = 0, identities = 0, casts = 0, batchnorms = 0, pads = 0,
      activations = 0, dead = 0;
  int nodes_before = 0, nodes_after = 0;
  std::string summary() const;  ///< one line, e.g. "1502 -> 421 nodes (folded 1011, ...)"
};

/// All passes in the order above (folding and dead-node removal repeat until nothing changes).
/// Throws sim::ConfigError (no file named) for a conv / pool node whose ranks disagree.
CleanupReport clean_up(onnx::ModelProto& m);

/// Runs onnx::shape_inference on m in place (value_info; stale entries dropped first), one
/// stretch of nodes at a time with the window ranks checked between (shape_inference.cpp): what it
/// cannot infer stays without a shape; a conv / pool node whose ranks disagree is a
/// sim::ConfigError naming the node (no file: the caller attributes it). Static shapes of values:
/// value_info, graph inputs and outputs, initializers.
void infer_shapes(onnx::ModelProto& m);
/// The static shape / element type of `value` from m's value_info, inputs, outputs or
/// initializers; false if unknown or not fully static.
bool static_shape(const onnx::ModelProto& m, const std::string& value, std::vector<int64_t>& shape);
int32_t value_type(const onnx::ModelProto& m, const std::string& value);

}  // namespace adasim::workloads::cleanup
