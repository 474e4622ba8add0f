// SPDX-License-Identifier: Apache-2.0
// The output stage: ties round half to even for ONNX models and half away from zero for JSON
// graphs, per-channel scales and the bias, on values worked out by hand.
#include <gtest/gtest.h>

#include "arch/pe/requantizer.hpp"

namespace adasim::arch {
namespace {

using workloads::Rounding;

TEST(Requantizer, TiesFollowTheLayersRounding) {
  EXPECT_EQ(round_with(2.5, Rounding::kHalfToEven), 2.0);
  EXPECT_EQ(round_with(3.5, Rounding::kHalfToEven), 4.0);
  EXPECT_EQ(round_with(-2.5, Rounding::kHalfToEven), -2.0);
  EXPECT_EQ(round_with(-3.5, Rounding::kHalfToEven), -4.0);
  EXPECT_EQ(round_with(2.5, Rounding::kHalfAwayFromZero), 3.0);
  EXPECT_EQ(round_with(-2.5, Rounding::kHalfAwayFromZero), -3.0);
  EXPECT_EQ(round_with(2.4999, Rounding::kHalfToEven), 2.0);
  EXPECT_EQ(round_with(2.5001, Rounding::kHalfToEven), 3.0);
}

// FC layer, 1 sample x 2 output channels; in scale 1, weight scales per channel {1, 0.5},
// output scale 2, output zero point 10 (uint8), bias {1, 2}.
workloads::Graph fc_graph(Rounding r) {
  workloads::Graph g;
  auto add = [&](const std::string& n, std::vector<int64_t> shape, int bits, bool sgn) -> workloads::TensorInfo& {
    workloads::TensorInfo& t = g.tensors[n];
    t.name = n;
    t.shape = std::move(shape);
    t.bits = bits;
    t.is_signed = sgn;
    return t;
  };
  add("x", {1, 1}, 8, true);
  workloads::TensorInfo& w = add("w", {2, 1}, 8, true);
  w.channel_scales = {1.0, 0.5};
  workloads::TensorInfo& y = add("y", {1, 2}, 8, false);
  y.scale = 2.0;
  y.zero_point = 10;
  add("b", {2}, 32, true);
  workloads::Layer l;
  l.name = "fc";
  l.op = workloads::OpType::kFullyConnected;
  l.inputs = {"x"};
  l.weight = "w";
  l.output = "y";
  l.bias = "b";
  l.rounding = r;
  g.layers.push_back(l);
  return g;
}

TEST(Requantizer, PerChannelScalesBiasAndRounding) {
  workloads::Int32Buffer acc({1, 2});
  acc.data = {4, 8};  // channel 0: (4 + 1) * 1 / 2 = 2.5; channel 1: (8 + 2) * 0.5 / 2 = 2.5
  const workloads::Int32Buffer bias({2}, 0);
  workloads::Int32Buffer b = bias;
  b.data = {1, 2};
  for (Rounding r : {Rounding::kHalfToEven, Rounding::kHalfAwayFromZero}) {
    const workloads::Graph g = fc_graph(r);
    const workloads::ConvShape s = g.shape(g.layers[0]);
    const workloads::Int8Buffer q = requantize_outputs(acc, g, g.layers[0], s, &b);
    const int want = r == Rounding::kHalfToEven ? 12 : 13;  // 2 or 3, plus zero point 10
    EXPECT_EQ(int(uint8_t(q.data[0])), want);
    EXPECT_EQ(int(uint8_t(q.data[1])), want);
  }
}

TEST(Requantizer, SaturatesUnsignedAtTheTop) {
  workloads::Int32Buffer acc({1, 2});
  acc.data = {1000, -1000};  // (1000 + 1) / 2 -> 500 + 10 > 255; (-1000 + 2) * 0.25 -> -250 + 10 < 0
  workloads::Int32Buffer b({2});
  b.data = {1, 2};
  const workloads::Graph g = fc_graph(Rounding::kHalfToEven);
  const workloads::Int8Buffer q = requantize_outputs(acc, g, g.layers[0], g.shape(g.layers[0]), &b);
  EXPECT_EQ(int(uint8_t(q.data[0])), 255);
  EXPECT_EQ(int(uint8_t(q.data[1])), 0);
}

TEST(Requantizer, FusedClipAndLeakyRelu) {
  // Channel 0 (multiplier 1/2), channel 1 (multiplier 1/4), bias {1, 2}, zero point 10.
  workloads::Int32Buffer b({2});
  b.data = {1, 2};
  workloads::Graph g = fc_graph(Rounding::kHalfToEven);
  workloads::Layer& l = g.layers[0];
  // Clip bounds [12, 20] in output integers: 2 * 0.5 + 10 = 11 -> 12; 99 / 2 + 10 = 59.5 -> 20.
  l.act_min = 12;
  l.act_max = 20;
  workloads::Int32Buffer acc({1, 2});
  acc.data = {1, 38};  // (1 + 1) / 2 = 1 -> 11 -> 12; (38 + 2) / 4 = 10 -> 20
  workloads::Int8Buffer q = requantize_outputs(acc, g, l, g.shape(l), &b);
  EXPECT_EQ(int(uint8_t(q.data[0])), 12);
  EXPECT_EQ(int(uint8_t(q.data[1])), 20);
  // LeakyRelu slope 0.25: negative pre-activations are scaled before rounding.
  l.act_min = INT32_MIN;
  l.act_max = INT32_MAX;
  l.negative_slope = 0.25;
  acc.data = {-17, -42};  // (-16) / 2 * 0.25 = -2 -> 8; (-40) / 4 * 0.25 = -2.5 -> -2 (even) -> 8
  q = requantize_outputs(acc, g, l, g.shape(l), &b);
  EXPECT_EQ(int(uint8_t(q.data[0])), 8);
  EXPECT_EQ(int(uint8_t(q.data[1])), 8);
  acc.data = {5, 6};  // positive: the plain multiplier, (6) / 2 = 3 -> 13; 8 / 4 = 2 -> 12
  q = requantize_outputs(acc, g, l, g.shape(l), &b);
  EXPECT_EQ(int(uint8_t(q.data[0])), 13);
  EXPECT_EQ(int(uint8_t(q.data[1])), 12);
}

}  // namespace
}  // namespace adasim::arch
