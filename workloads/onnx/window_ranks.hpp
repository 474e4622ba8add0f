// SPDX-License-Identifier: Apache-2.0
// The ranks of every conv / pool node's window, checked before ONNX's shape inference reads them:
// onnx 1.12's convPoolShapeInference indexes its pads and kernel vectors by the weight's rank and
// the input's rank without relating them, so a model whose ranks disagree (a rank-3 input under a
// rank-4 weight, found by tests/fuzz's fuzz_onnx) reads out of bounds in the library.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>

namespace adasim::workloads::onnx_import {

/// For every Conv / ConvInteger / ConvTranspose / QLinearConv and pool node whose input ranks are
/// declared (graph inputs, initializers, value_info): the data input has at least one spatial
/// axis, a conv's weight has the data input's rank, and kernel_shape, strides and dilations have
/// one value and pads two per spatial axis. Throws sim::ConfigError naming `path`, the node, the
/// ranks or attribute and what the ONNX operator specification requires.
void check_window_ranks(const onnx::GraphProto& g, const std::string& path);

}  // namespace adasim::workloads::onnx_import
