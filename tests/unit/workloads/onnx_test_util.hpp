// SPDX-License-Identifier: Apache-2.0
// Helpers of the ONNX import tests: locating the libonnx-testdata cases, loading a case with its
// bound inputs, a plain-loop evaluation of an imported graph with the datapath's semantics, and a
// small builder of ONNX models through the protobuf API.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

#include "workloads/onnx/onnx_loader.hpp"

namespace adasim::workloads::onnx_test {

/// Directory of a libonnx-testdata node case, or "" after adding a test failure that says to
/// install libonnx-testdata (a declared dependency: the tests fail, they do not skip).
std::string case_dir(const std::string& name);

/// model.onnx of `dir` loaded with every test_data_set_0/input_<i>.pb bound.
OnnxModel load_case(const std::string& dir, int64_t batch = 0);

/// Evaluates m.graph on m.input_values and the graph's constants: int32 MACs over
/// (x - x_zp) * (w - w_zp[k]) plus bias (padding contributes 0), requantized as
/// clamp(round_half_to_even(acc * m) + y_zp) with m = x_scale * w_scale[k] / y_scale in double,
/// ReLU as max(y, y_zp); wide outputs keep acc; maxpool on the integer values. Returns
/// output_tensors(...) of the result.
std::vector<HostTensor> evaluate(const OnnxModel& m);

/// Builds a ModelProto (opset 13, default domain) node by node.
class ModelBuilder {
 public:
  ModelBuilder();
  /// shape entries < 0 become the symbolic dimension "N".
  ModelBuilder& input(const std::string& name, int elem_type, const std::vector<int64_t>& shape);
  ModelBuilder& output(const std::string& name, int elem_type, const std::vector<int64_t>& shape);
  ModelBuilder& init_float(const std::string& name, const std::vector<int64_t>& shape,
                           const std::vector<float>& values);
  ModelBuilder& init_int(const std::string& name, int elem_type, const std::vector<int64_t>& shape,
                         const std::vector<int64_t>& values);
  onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs, const std::string& name = "");
  static void set_ints(onnx::NodeProto& n, const std::string& name, const std::vector<int64_t>& v);
  static void set_int(onnx::NodeProto& n, const std::string& name, int64_t v);
  static void set_float(onnx::NodeProto& n, const std::string& name, float v);
  onnx::ModelProto& model() { return m_; }
  /// Writes the model under the test temp dir; returns the path.
  std::string save(const std::string& file_name) const;

 private:
  onnx::ModelProto m_;
};

}  // namespace adasim::workloads::onnx_test
