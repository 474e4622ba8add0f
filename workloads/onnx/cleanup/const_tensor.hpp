// SPDX-License-Identifier: Apache-2.0
// Internal to the ONNX clean-up: constant tensors of every element type a shape subgraph uses
// (float32, float64, int8 ... int64, uint8, uint16, bool), read from and written to
// onnx::TensorProto, and the ONNX operators that constant folding evaluates on them
// (const_fold.cpp). Integers (and bools as 0 / 1) are held exactly as int64, floats as double
// rounded to the element type after every operation (float32 values stay float32 values).
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace adasim::workloads::cleanup {

struct ConstTensor {
  int32_t type = onnx::TensorProto::FLOAT;  ///< onnx::TensorProto::DataType
  std::vector<int64_t> dims;                ///< empty = scalar
  std::vector<int64_t> ints;                ///< integer and bool types
  std::vector<double> reals;                ///< FLOAT, DOUBLE

  bool is_real() const;
  int64_t size() const;  ///< product of dims (1 for a scalar)
  double at(size_t i) const { return is_real() ? reals[i] : double(ints[i]); }
  /// A tensor of `type` and `dims` with every element `v` (converted to the type).
  static ConstTensor filled(int32_t type, std::vector<int64_t> dims, double v);
};

/// True for the element types ConstTensor holds.
bool const_type_supported(int32_t type);

/// Values of a TensorProto; nullopt for an element type outside const_type_supported, external
/// data, or a value count that does not match the dims (the node is then left unfolded and the
/// importer reports it).
std::optional<ConstTensor> const_from_proto(const onnx::TensorProto& t);
/// name, dims, data_type and little-endian raw_data.
void const_to_proto(const ConstTensor& c, const std::string& name, onnx::TensorProto& t);

/// `v` converted to an element of `type`: rounded to float32 for FLOAT, truncated toward zero
/// and wrapped to the width for integer types (C casts, which ONNX Cast follows), 0 / 1 for BOOL.
double convert_element(double v, int32_t type);
int64_t convert_integer(int64_t v, int32_t type);

/// The value of a constant operator, or nullopt if `node` is not an operator folding evaluates
/// or its operands are unsupported. `in[i]` are the node's inputs (nullptr for absent optional
/// inputs); `input_shape` is the static shape of input 0 for Shape / Size (empty if unknown,
/// then it is not folded). Only single-output operators are folded.
std::optional<ConstTensor> fold_node(const onnx::NodeProto& node,
                                     const std::vector<const ConstTensor*>& in,
                                     const std::optional<std::vector<int64_t>>& input_shape);

/// Operators fold_node evaluates.
bool is_foldable_op(const std::string& op_type);

}  // namespace adasim::workloads::cleanup
