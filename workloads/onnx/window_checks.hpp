// SPDX-License-Identifier: Apache-2.0
// The windows of every conv / pool node (attribute values, then ranks), checked before ONNX's
// shape inference reads them. That inference divides by a stride of 0 (SIGFPE), and
// onnx 1.12's convPoolShapeInference indexes its pads and kernel vectors by the weight's rank and
// the input's rank without relating them, so a model whose ranks disagree (a rank-3 input under a
// rank-4 weight, found by tests/fuzz's fuzz_onnx) reads out of bounds in the library.
#pragma once

#include <onnx/onnx_pb.h>

#include <map>
#include <string>

namespace adasim::workloads::onnx_import {

/// The window attributes of every conv / pool node (strides, dilations, kernel_shape, pads;
/// group >= 1) in range, with the same rule and message as the importer's (onnx_geometry.cpp).
/// Run on the model as read, before anything else looks at its nodes.
void check_window_attributes(const onnx::GraphProto& g, const std::string& path);

/// For every Conv / ConvInteger / ConvTranspose / QLinearConv and pool node whose input ranks are
/// declared (graph inputs, initializers, value_info): the data input has at least one spatial
/// axis, a conv's weight has the data input's rank, and kernel_shape, strides and dilations have
/// one value and pads two per spatial axis. Throws sim::ConfigError naming `path`, the node, the
/// ranks or attribute and what the ONNX operator specification requires.
void check_window_ranks(const onnx::GraphProto& g, const std::string& path);

/// The input index of a conv-like node's weight (Conv, ConvInteger, ConvTranspose: 1;
/// QLinearConv: 3), -1 for pools and other operators.
int window_weight_input(const std::string& op);
/// A conv-like node or a pool (an op type containing "Pool").
bool is_window_op(const std::string& op);
/// check_window_ranks' rules for one window node `n` (node `index` of its graph), with the ranks
/// known so far by value name (an absent value: rank unknown, its rules skipped).
void check_window_node(const onnx::NodeProto& n, int index, const std::map<std::string, int>& ranks,
                       const std::string& path);

}  // namespace adasim::workloads::onnx_import
