// SPDX-License-Identifier: Apache-2.0
// Constant folding of the clean-up (issue 16, part 1) against the ONNX backend node tests: every
// libonnx-testdata case whose model is one node of an operator that folding evaluates has its
// graph inputs bound as initializers (test_data_set_0/input_<i>.pb), goes through the whole
// clean-up, and must come out as a graph with no nodes whose output is an initializer equal to
// the case's expected output_0.pb (element type, shape and every value exactly; NaN equals NaN).
// The expected tensors were written by the ONNX project's reference implementation.
//
// 201 cases, all 37 operators: 178 fold to the reference output. The other 23 are not
// applicable, because a tensor has an element type that shape subgraphs never use and the folder
// leaves to the importer: float16 / bfloat16 / string (test_cast[like]_*FLOAT16*, *BFLOAT16*,
// *STRING*, test_max_float16, test_min_float16), uint64 (test_max_uint64, test_min_uint64,
// test_pow_types_float32_uint64), optional and sequence values (test_identity_opt,
// test_identity_sequence). The counts are fixed below, so a case that stops folding fails.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "reference_data.hpp"
#include "workloads/onnx/cleanup/cleanup.hpp"
#include "workloads/onnx/cleanup/const_tensor.hpp"

namespace adasim::workloads {
namespace {

namespace fs = std::filesystem;
using cleanup::ConstTensor;

/// The operators the clean-up header lists as folded (shape subgraphs and their arithmetic).
const std::set<std::string> kFoldedOps = {"Identity",
                                          "Cast",
                                          "Shape",
                                          "Size",
                                          "Gather",
                                          "Unsqueeze",
                                          "Squeeze",
                                          "Concat",
                                          "ConstantOfShape",
                                          "Range",
                                          "Slice",
                                          "Reshape",
                                          "Flatten",
                                          "Transpose",
                                          "Expand",
                                          "Where",
                                          "Min",
                                          "Max",
                                          "Add",
                                          "Sub",
                                          "Mul",
                                          "Div",
                                          "Pow",
                                          "Equal",
                                          "Less",
                                          "Greater",
                                          "LessOrEqual",
                                          "GreaterOrEqual",
                                          "And",
                                          "Or",
                                          "Not",
                                          "Neg",
                                          "Abs",
                                          "Floor",
                                          "Ceil",
                                          "Sqrt",
                                          "Reciprocal"};

template <typename Proto>
bool read_proto(const std::string& path, Proto& p) {
  std::ifstream in(path, std::ios::binary);
  return in && p.ParseFromIstream(&in);
}

bool same_values(const ConstTensor& got, const ConstTensor& want) {
  if (got.type != want.type || got.dims != want.dims) return false;
  if (!want.is_real()) return got.ints == want.ints;
  if (got.reals.size() != want.reals.size()) return false;
  for (size_t i = 0; i < want.reals.size(); ++i) {
    const double g = got.reals[i], w = want.reals[i];
    if (!(g == w || (std::isnan(g) && std::isnan(w)))) return false;
  }
  return true;
}

enum class Outcome { kFolded, kNotApplicable };

/// Binds the case's inputs, cleans the model up and checks the folded output; adds a failure
/// naming the case when it does not fold or folds to another value.
Outcome check_case(const std::string& dir, onnx::ModelProto m) {
  const std::string data = dir + "/test_data_set_0/";
  onnx::GraphProto& g = *m.mutable_graph();
  // The declared types count too: the bfloat16 cases store their data as uint16 tensors.
  for (const auto* values : {&g.input(), &g.output()})
    for (const onnx::ValueInfoProto& v : *values)
      if (!cleanup::const_type_supported(v.type().tensor_type().elem_type()))
        return Outcome::kNotApplicable;
  for (int i = 0; i < g.input_size(); ++i) {
    onnx::TensorProto t;
    EXPECT_TRUE(read_proto(data + "input_" + std::to_string(i) + ".pb", t)) << dir;
    if (!cleanup::const_from_proto(t)) return Outcome::kNotApplicable;
    t.set_name(g.input(i).name());
    *g.add_initializer() = t;
  }
  onnx::TensorProto want_proto;
  EXPECT_TRUE(read_proto(data + "output_0.pb", want_proto)) << dir;
  const auto want = cleanup::const_from_proto(want_proto);
  if (!want) return Outcome::kNotApplicable;
  g.clear_input();  // the bound inputs are constants now
  const std::string out = g.output(0).name();
  cleanup::clean_up(m);
  EXPECT_EQ(m.graph().node_size(), 0) << dir << ": the node was not folded";
  for (const auto& init : m.graph().initializer())
    if (init.name() == out) {
      const auto got = cleanup::const_from_proto(init);
      EXPECT_TRUE(got && same_values(*got, *want)) << dir << ": folded to another value";
      return Outcome::kFolded;
    }
  ADD_FAILURE() << dir << ": no initializer " << out << " after the clean-up";
  return Outcome::kFolded;
}

TEST(OnnxFoldBackend, EveryFoldedOperatorCaseGivesTheReferenceOutput) {
  ASSERT_TRUE(fs::exists(test::kOnnxNodeData))
      << "install libonnx-testdata (scripts/install_deps.sh)";
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(test::kOnnxNodeData)) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  int folded = 0;
  std::vector<std::string> not_applicable;
  std::set<std::string> ops_seen;
  for (const fs::path& dir : dirs) {
    onnx::ModelProto m;
    if (!read_proto((dir / "model.onnx").string(), m) || m.graph().node_size() != 1) continue;
    const onnx::NodeProto& n = m.graph().node(0);
    if (!kFoldedOps.count(n.op_type()) || !(n.domain().empty() || n.domain() == "ai.onnx"))
      continue;
    EXPECT_TRUE(cleanup::is_foldable_op(n.op_type())) << n.op_type();
    ops_seen.insert(n.op_type());
    SCOPED_TRACE(dir.filename().string());
    if (check_case(dir.string(), m) == Outcome::kFolded)
      ++folded;
    else
      not_applicable.push_back(dir.filename().string());
  }
  EXPECT_EQ(ops_seen, kFoldedOps);  // every folded operator has backend cases
  EXPECT_EQ(folded, 178);
  EXPECT_EQ(not_applicable.size(), 23u);
  for (const std::string& name : not_applicable) {
    const bool reason =
        name.find("FLOAT16") != std::string::npos || name.find("STRING") != std::string::npos ||
        name.find("float16") != std::string::npos || name.find("uint64") != std::string::npos ||
        name == "test_identity_opt" || name == "test_identity_sequence";
    EXPECT_TRUE(reason) << name << " was not folded for none of the listed reasons";
  }
}

}  // namespace
}  // namespace adasim::workloads
