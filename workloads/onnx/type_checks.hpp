// SPDX-License-Identifier: Apache-2.0
// The kinds of the values a model declares or computes, checked before ONNX's shape inference
// reads them. onnx 1.12's inference functions test that an input "has a shape" for any kind of
// value (tensor, sparse tensor, sequence, optional) and then read it as a dense tensor: a
// ConvTranspose weight declared as a sparse tensor (found by tests/fuzz's fuzz_onnx) makes
// convTransposeShapeInference1 index an empty shape and read through a null pointer. adasim maps
// graphs of dense tensors only, so every other kind is refused before that inference runs.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>

namespace adasim::workloads::onnx_import {

/// Every graph input, output and value_info of m's graph declared with a type is a dense tensor;
/// no node has a subgraph (If, Loop, Scan: control flow adasim does not map); no node is an
/// operator whose outputs can only be sequences, optionals, maps or sparse tensors
/// (SequenceConstruct, SplitToSequence, Optional, ZipMap, ...) by its ONNX schema at the model's
/// opset. Throws sim::ConfigError naming `path`, the value or node, what it is and what adasim
/// expects.
void check_value_kinds(const onnx::ModelProto& m, const std::string& path);

}  // namespace adasim::workloads::onnx_import
