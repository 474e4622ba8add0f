// SPDX-License-Identifier: Apache-2.0
// The vector layers' integer semantics (workloads/reference/vector_reference.hpp) on small cases
// worked out by hand in the comments: requantized add with broadcasting, ReLU and both tie
// roundings, mul, concat, average pooling with count_include_pad and ceil_mode, table lookup,
// softmax on a scale where the exponentials are powers of two, layer normalization, transpose.
#include "workloads/reference/vector_reference.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/core/errors.hpp"

namespace adasim::workloads {
namespace {

using Shape = std::vector<int64_t>;

struct Case {
  Graph g;
  std::map<std::string, Int8Buffer> v8;
  std::map<std::string, Int32Buffer> v32;

  void tensor(const std::string& name, Shape shape, bool sgn, double scale, int32_t zp,
              std::vector<int> values = {}) {
    TensorInfo& t = g.tensors[name];
    t.name = name;
    t.shape = shape;
    t.is_signed = sgn;
    t.scale = scale;
    t.zero_point = zp;
    if (values.empty()) return;
    Int8Buffer b(shape);
    for (size_t i = 0; i < values.size(); ++i) b.data.at(i) = int8_t(uint8_t(values[i] & 0xFF));
    v8[name] = b;
  }
  Layer& layer(OpType op, std::vector<std::string> in, const std::string& out) {
    Layer l;
    l.name = "l";
    l.op = op;
    l.inputs = std::move(in);
    l.output = out;
    l.rounding = Rounding::kHalfToEven;
    g.layers = {l};
    return g.layers[0];
  }
  /// The output's integers.
  std::vector<int> run() {
    const Layer& l = g.layers.at(0);
    const Int8Buffer y = reference_vector_layer(
        g, l, [&](const std::string& n) -> const Int8Buffer& { return v8.at(n); },
        [&](const std::string& n) -> const Int32Buffer& { return v32.at(n); });
    std::vector<int> out;
    for (int64_t i = 0; i < y.elements(); ++i) out.push_back(stored_int(y, g.tensor(l.output), i));
    return out;
  }
};

TEST(VectorReference, AddRequantizesBothInputsAndBroadcasts) {
  // a: uint8 scale 0.5 zp 10 = real {0, 1, 2, 5}; b: int8 [2] scale 0.25 = real {1, -2}, added
  // along the last dim: {1, -1, 3, 3}; / 0.1 + 5 = {15, -5, 35, 35}; -5 saturates to 0.
  Case c;
  c.tensor("a", {1, 2, 2}, false, 0.5, 10, {10, 12, 14, 20});
  c.tensor("b", {2}, true, 0.25, 0, {4, -8});
  c.tensor("y", {1, 2, 2}, false, 0.1, 5);
  c.layer(OpType::kAdd, {"a", "b"}, "y");
  EXPECT_EQ(c.run(), (std::vector<int>{15, 0, 35, 35}));
  c.g.layers[0].relu = true;  // ReLU: q >= zero point 5
  EXPECT_EQ(c.run(), (std::vector<int>{15, 5, 35, 35}));
}

TEST(VectorReference, AddTiesFollowTheRounding) {
  // Multiplier 0.5: 3 -> 1.5 (2 either way), 5 -> 2.5 (2 to even, 3 away), -5 -> -2.5 (-2 / -3).
  Case c;
  c.tensor("a", {3}, true, 0.5, 0, {3, 5, -5});
  c.tensor("b", {3}, true, 0.5, 0, {0, 0, 0});
  c.tensor("y", {3}, true, 1.0, 0);
  c.layer(OpType::kAdd, {"a", "b"}, "y");
  EXPECT_EQ(c.run(), (std::vector<int>{2, 2, -2}));
  c.g.layers[0].rounding = Rounding::kHalfAwayFromZero;
  EXPECT_EQ(c.run(), (std::vector<int>{2, 3, -3}));
}

TEST(VectorReference, JsonAddIsASaturatingAdd) {
  Case c;  // scales 1, zero points 0: the integers add and saturate to int8
  c.tensor("a", {3}, true, 1.0, 0, {100, -100, 5});
  c.tensor("b", {3}, true, 1.0, 0, {100, -100, -7});
  c.tensor("y", {3}, true, 1.0, 0);
  c.layer(OpType::kAdd, {"a", "b"}, "y").rounding = Rounding::kHalfAwayFromZero;
  EXPECT_EQ(c.run(), (std::vector<int>{127, -128, -2}));
}

TEST(VectorReference, MulMultipliesTheRealValues) {
  // a = {1.5, -2} (scale 0.5), b = 0.5 * ({4, 0} - 2) = {1, -1}; products {1.5, 2} / 0.25 = {6, 8}.
  Case c;
  c.tensor("a", {2}, true, 0.5, 0, {3, -4});
  c.tensor("b", {2}, true, 0.5, 2, {4, 0});
  c.tensor("y", {2}, true, 0.25, 0);
  c.layer(OpType::kMul, {"a", "b"}, "y");
  EXPECT_EQ(c.run(), (std::vector<int>{6, 8}));
}

TEST(VectorReference, ConcatRequantizesEachInput) {
  // [1,1,2] scale 1 zp 0 {2, 4} and [1,2,2] scale 0.5 zp 10 {10, 12, 14, 30} (real 0, 1, 2, 10)
  // along axis 1, into scale 2 zp 1: {1+1, 2+1, 0+1, 0.5->0 +1, 1+1, 5+1}.
  Case c;
  c.tensor("a", {1, 1, 2}, true, 1.0, 0, {2, 4});
  c.tensor("b", {1, 2, 2}, false, 0.5, 10, {10, 12, 14, 30});
  c.tensor("y", {1, 3, 2}, false, 2.0, 1);
  c.layer(OpType::kConcat, {"a", "b"}, "y").axis = 1;
  EXPECT_EQ(c.run(), (std::vector<int>{2, 3, 1, 1, 2, 6}));
}

TEST(VectorReference, AveragePoolCountIncludePadAndCeilMode) {
  // 3x3 input 1..9, kernel 3x3, stride 2, pads 1: 2x2 outputs. Top-left window holds 1, 2, 4, 5
  // (sum 12): mean 12 / 4 = 3 without the pads, 12 / 9 = 1.33 -> 1 with them.
  Case c;
  c.tensor("x", {1, 1, 3, 3}, true, 1.0, 0, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  c.tensor("y", {1, 1, 2, 2}, true, 1.0, 0);
  Layer& l = c.layer(OpType::kAvgPool, {"x"}, "y");
  l.kernel_h = l.kernel_w = 3;
  l.stride_h = l.stride_w = 2;
  l.pad_t = l.pad_l = l.pad_b = l.pad_r = 1;
  // Windows: {1,2,4,5} = 12/4 = 3, {2,3,5,6} = 16/4 = 4, {4,5,7,8} = 24/4 = 6, {5,6,8,9} = 28/4
  // = 7.
  EXPECT_EQ(c.run(), (std::vector<int>{3, 4, 6, 7}));
  c.g.layers[0].count_include_pad = true;  // 12/9 = 1.33, 16/9 = 1.78, 24/9 = 2.67, 28/9 = 3.11
  EXPECT_EQ(c.run(), (std::vector<int>{1, 2, 3, 3}));

  // ceil_mode: 4x4 input, kernel 3, stride 2, no pads: floor gives 1x1, ceil 2x2; the windows at
  // column / row 2 hold 2 x 3, 3 x 2 and 2 x 2 real elements.
  Case d;
  std::vector<int> x(16);
  for (int i = 0; i < 16; ++i) x[size_t(i)] = i;
  d.tensor("x", {1, 1, 4, 4}, true, 1.0, 0, x);
  d.tensor("y", {1, 1, 2, 2}, true, 1.0, 0);
  Layer& m = d.layer(OpType::kAvgPool, {"x"}, "y");
  m.kernel_h = m.kernel_w = 3;
  m.stride_h = m.stride_w = 2;
  m.ceil_mode = true;
  EXPECT_EQ(d.g.shape(m).p, 2);
  // {0,1,2,4,5,6,8,9,10} = 45/9 = 5; {2,3,6,7,10,11} = 39/6 = 6.5 -> 6 (half to even);
  // {8,9,10,12,13,14} = 66/6 = 11; {10,11,14,15} = 50/4 = 12.5 -> 12.
  EXPECT_EQ(d.run(), (std::vector<int>{5, 6, 11, 12}));
}

TEST(VectorReference, LookupTableIndexesByTheStoredByte) {
  Case c;
  std::vector<int> table(256);
  for (int b = 0; b < 256; ++b) table[size_t(b)] = 255 - b;  // out = 255 - byte
  c.tensor("x", {3}, true, 1.0, 0, {0, -1, 5});              // bytes 0, 255, 5
  c.tensor("t", {256}, false, 1.0, 0, table);
  c.tensor("y", {3}, false, 1.0, 0);
  c.layer(OpType::kLut, {"x"}, "y").weight = "t";
  EXPECT_EQ(c.run(), (std::vector<int>{255, 0, 250}));
}

TEST(VectorReference, SoftmaxWithPowerOfTwoExponentials) {
  // in scale ln 2: E[d] = 2^20 * 2^-d. Row {0, -1, -2}: e = {2^20, 2^19, 2^18}, sum 7 * 2^18;
  // p = {4/7, 2/7, 1/7}; out scale 1/256: {146.29, 73.14, 36.57} -> {146, 73, 37}.
  Case c;
  c.tensor("x", {1, 3}, true, std::log(2.0), 0, {0, -1, -2});
  c.tensor("y", {1, 3}, false, 1.0 / 256, 0);
  c.layer(OpType::kSoftmax, {"x"}, "y").axis = 1;
  const std::vector<uint32_t> e = softmax_exp_table(std::log(2.0), 8);
  EXPECT_EQ(e[0], 1u << 20);
  EXPECT_EQ(e[1], 1u << 19);
  EXPECT_EQ(e[20], 1u);
  EXPECT_EQ(e[22], 0u);  // 2^-2 rounds to 0
  EXPECT_EQ(c.run(), (std::vector<int>{146, 73, 37}));
}

TEST(VectorReference, LayerNormOverTheLastAxis) {
  // x = {1, 2, 3, 6}: mean 3, deviations {-2, -1, 0, 3}, variance 14 / 4 = 3.5; normalised
  // {-1.069, -0.535, 0, 1.604}; gamma 1, beta 0.25 (int32 1 at scale 0.25), out scale 1/64:
  // 64 * {-0.819, -0.285, 0.25, 1.854} = {-52.4, -18.2, 16, 118.6} -> {-52, -18, 16, 119}.
  Case c;
  c.tensor("x", {1, 4}, true, 1.0, 0, {1, 2, 3, 6});
  c.tensor("y", {1, 4}, true, 1.0 / 64, 0);
  c.tensor("gamma", {4}, true, 1.0, 0);
  c.tensor("beta", {4}, true, 0.25, 0);
  c.g.tensors["gamma"].bits = c.g.tensors["beta"].bits = 32;
  c.v32["gamma"] = Int32Buffer({4}, 1);
  c.v32["beta"] = Int32Buffer({4}, 1);
  Layer& l = c.layer(OpType::kLayerNorm, {"x"}, "y");
  l.axis = 1;
  l.weight = "gamma";
  l.bias = "beta";
  EXPECT_EQ(c.run(), (std::vector<int>{-52, -18, 16, 119}));
  // epsilon = 0.5 (real units): variance 4, normalised {-1, -0.5, 0, 1.5}: 64 * {-0.75, -0.25,
  // 0.25, 1.75} = {-48, -16, 16, 112}.
  c.g.layers[0].epsilon = 0.5;
  EXPECT_EQ(c.run(), (std::vector<int>{-48, -16, 16, 112}));
}

TEST(VectorReference, TransposeAndReshape) {
  Case c;
  c.tensor("x", {2, 3}, true, 1.0, 0, {1, 2, 3, 4, 5, 6});
  c.tensor("y", {3, 2}, true, 1.0, 0);
  c.layer(OpType::kTranspose, {"x"}, "y").perm = {1, 0};
  EXPECT_EQ(c.run(), (std::vector<int>{1, 4, 2, 5, 3, 6}));
  c.g.layers[0].op = OpType::kReshape;
  EXPECT_EQ(c.run(), (std::vector<int>{1, 2, 3, 4, 5, 6}));
}

TEST(VectorReference, ShapesThatDoNotBroadcastAreModelErrors) {
  EXPECT_EQ(broadcast_shapes({{2, 1, 3}, {4, 1}}), (Shape{2, 4, 3}));
  EXPECT_THROW(broadcast_shapes({{2, 3}, {4}}), sim::ModelError);
}

}  // namespace
}  // namespace adasim::workloads
