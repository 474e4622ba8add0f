// SPDX-License-Identifier: Apache-2.0
// Scalar semantics of the ONNX elementwise operators, in double precision: the unary functions
// (Relu, Clip, LeakyRelu, Sigmoid, HardSigmoid, HardSwish, Tanh, Erf, Gelu, Exp, Sqrt, ...) and
// the binary arithmetic (Add, Sub, Mul, Div, Pow, Max, Min). The importer tabulates them over
// the 256 values of a quantized input (lookup-table layers), the float evaluator applies them
// per element.
#pragma once

#include <onnx/onnx_pb.h>

#include <cmath>
#include <functional>
#include <optional>
#include <string>

namespace adasim::workloads::onnx_import {

using UnaryFn = std::function<double(double)>;
using BinaryFn = std::function<double(double, double)>;

/// The function of a unary elementwise node (attributes read from `n`; a Clip's bounds are
/// passed in, since they may be inputs). nullopt if `n` is not one.
std::optional<UnaryFn> unary_function(const onnx::NodeProto& n, double clip_lo = -HUGE_VAL,
                                      double clip_hi = HUGE_VAL);
/// The function of a binary elementwise operator, nullopt if `op_type` is not one.
std::optional<BinaryFn> binary_function(const std::string& op_type);
/// True for the op types unary_function knows (Clip and Relu included).
bool is_unary_op(const std::string& op_type);

}  // namespace adasim::workloads::onnx_import
