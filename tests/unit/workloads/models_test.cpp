// SPDX-License-Identifier: Apache-2.0
// The shipped models load, and their size matches published figures: total MACs (torchvision's
// reported GFLOPS are multiply-accumulates), output shapes and layer counts (counted by hand from
// the architectures' definitions, see comments).
#include <gtest/gtest.h>

#include <map>

#include "sim/core/errors.hpp"
#include "workloads/ir/json_loader.hpp"

namespace adasim::workloads {
namespace {

const std::string kModels = ADASIM_SOURCE_DIR "/workloads/models/";

Graph load(const std::string& name, int64_t batch = 0) {
  try {
    return load_graph_json(kModels + name + ".json", batch);
  } catch (const sim::ConfigError& e) {
    ADD_FAILURE() << e.what();
    return {};
  }
}

std::map<OpType, int> op_counts(const Graph& g) {
  std::map<OpType, int> n;
  for (const Layer& l : g.layers) ++n[l.op];
  return n;
}

std::vector<int64_t> out_shape(const Graph& g, size_t i = 0) {
  return g.tensor(g.graph_outputs.at(i)).shape;
}

void expect_8bit(const Graph& g) {
  for (const auto& [name, t] : g.tensors) EXPECT_EQ(t.bits, 8) << g.name << " " << name;
}

TEST(ShippedModels, AlexNetTorchvision) {
  const Graph g = load("alexnet");
  // conv1 55*55*64*3*121 + conv2 27*27*192*64*25 + conv3 13*13*384*192*9 + conv4 169*256*384*9
  // + conv5 169*256*256*9 + fc 9216*4096 + 4096*4096 + 4096*1000 = 714,188,480 (~0.71 G).
  EXPECT_EQ(g.total_macs(), 55LL * 55 * 64 * 3 * 121 + 27LL * 27 * 192 * 64 * 25 +
                                169LL * 384 * 192 * 9 + 169LL * 256 * 384 * 9 +
                                169LL * 256 * 256 * 9 + 9216LL * 4096 + 4096LL * 4096 +
                                4096LL * 1000);
  EXPECT_NEAR(double(g.total_macs()), 0.71e9, 0.01e9);
  EXPECT_EQ(g.layers.size(), 11u);  // 5 conv + 3 maxpool + 3 fc
  EXPECT_EQ(out_shape(g), (std::vector<int64_t>{1, 1000}));
  EXPECT_EQ(g.tensor("conv1.out").shape, (std::vector<int64_t>{1, 64, 55, 55}));
  EXPECT_EQ(g.tensor("pool5.out").shape, (std::vector<int64_t>{1, 256, 6, 6}));
  expect_8bit(g);
}

TEST(ShippedModels, Vgg16) {
  const Graph g = load("vgg16");
  EXPECT_NEAR(double(g.total_macs()), 15.47e9, 0.02e9);  // torchvision: 15.47 GFLOPS
  EXPECT_EQ(g.layers.size(), 21u);                        // 13 conv + 5 maxpool + 3 fc
  EXPECT_EQ(op_counts(g)[OpType::kConv2d], 13);
  EXPECT_EQ(out_shape(g), (std::vector<int64_t>{1, 1000}));
  expect_8bit(g);
}

TEST(ShippedModels, ResNet18) {
  const Graph g = load("resnet18");
  EXPECT_NEAR(double(g.total_macs()), 1.81e9, 0.02e9);  // torchvision: 1.81 GFLOPS
  // conv1 + maxpool + 8 blocks x (2 conv + add) + 3 downsample + avgpool + fc = 31
  EXPECT_EQ(g.layers.size(), 31u);
  EXPECT_EQ(op_counts(g)[OpType::kAdd], 8);
  EXPECT_EQ(out_shape(g), (std::vector<int64_t>{1, 1000}));
  EXPECT_EQ(g.tensor("layer4.1.add.out").shape, (std::vector<int64_t>{1, 512, 7, 7}));
}

TEST(ShippedModels, ResNet50) {
  const Graph g = load("resnet50");
  EXPECT_NEAR(double(g.total_macs()), 4.09e9, 0.03e9);  // torchvision: 4.09 GFLOPS
  // conv1 + maxpool + 16 bottlenecks x (3 conv + add) + 4 downsample + avgpool + fc = 72
  EXPECT_EQ(g.layers.size(), 72u);
  EXPECT_EQ(op_counts(g)[OpType::kConv2d], 53);
  EXPECT_EQ(out_shape(g), (std::vector<int64_t>{1, 1000}));
  // v1.5: the stride sits on the 3x3 conv of the first block of layer2.
  for (const Layer& l : g.layers)
    if (l.name == "layer2.0.conv2") {
      EXPECT_EQ(l.stride_h, 2);
    } else if (l.name == "layer2.0.conv1") {
      EXPECT_EQ(l.stride_h, 1);
    }
  expect_8bit(g);
  const Graph g4 = load("resnet50", 4);
  EXPECT_EQ(g4.total_macs(), 4 * g.total_macs());
  EXPECT_EQ(out_shape(g4), (std::vector<int64_t>{4, 1000}));
}

TEST(ShippedModels, MobileNetV2) {
  const Graph g = load("mobilenet_v2");
  EXPECT_NEAR(double(g.total_macs()), 300e6, 6e6);  // Sandler et al.: 300 M multiply-adds
  // stem + block 1 (dw, project) + 16 blocks x (expand, dw, project) + 10 residual adds
  // + last 1x1 conv + avgpool + fc = 1 + 2 + 48 + 10 + 3 = 64
  EXPECT_EQ(g.layers.size(), 64u);
  EXPECT_EQ(op_counts(g)[OpType::kAdd], 10);
  int depthwise = 0;
  for (const Layer& l : g.layers) {
    if (l.op == OpType::kConv2d && l.groups > 1) {
      const ConvShape s = g.shape(l);
      EXPECT_EQ(s.groups, s.c);
      EXPECT_EQ(s.groups, s.k);
      ++depthwise;
    }
  }
  EXPECT_EQ(depthwise, 17);
  EXPECT_EQ(out_shape(g), (std::vector<int64_t>{1, 1000}));
}

TEST(ShippedModels, DsCnnKeywordSpotting) {
  const Graph g = load("ds_cnn_kws");
  // conv1 25*5*64*(10*4) + 4 x (dw 25*5*64*9 + pw 25*5*64*64) + fc 64*12 = 2,656,768
  // (Zhang et al. report 5.4 M ops = 2 ops per MAC).
  EXPECT_EQ(g.total_macs(), 25 * 5 * 64 * 40 + 4 * (25 * 5 * 64 * 9 + 25 * 5 * 64 * 64) + 64 * 12);
  EXPECT_EQ(g.tensor("conv1.out").shape, (std::vector<int64_t>{1, 64, 25, 5}));
  EXPECT_EQ(g.layers.size(), 11u);  // conv + 4 x (dw + pw) + avgpool + fc
  EXPECT_EQ(out_shape(g), (std::vector<int64_t>{1, 12}));
}

TEST(ShippedModels, BertBaseEncoderLayer) {
  const Graph g = load("bert_base_encoder");
  EXPECT_EQ(g.total_macs(), 4LL * 128 * 768 * 768 + 2LL * 128 * 128 * 768 +
                                2LL * 128 * 768 * 3072);
  EXPECT_EQ(g.layers.size(), 10u);  // q, k, v, scores, context, out, add, ffn1, ffn2, add
  EXPECT_EQ(out_shape(g), (std::vector<int64_t>{1, 128, 768}));
  EXPECT_EQ(g.tensor("scores.out").shape, (std::vector<int64_t>{1, 12, 128, 128}));
  const ConvShape s = g.shape(g.layers[3]);  // Q.K^T: 12 independent (128x64)(64x128)
  EXPECT_EQ(s.groups, 12);
  EXPECT_EQ(s.gemm_m(), 128);
  EXPECT_EQ(s.gemm_kred(), 64);
  EXPECT_EQ(s.gemm_n(), 128);
}

TEST(ShippedModels, TinyNets) {
  const Graph cnn = load("tiny_cnn");
  // conv1 8*8*16*8*9 + dw 4*4*16*9 + pw 4*4*16*16 + fc 64*10 = 80,768
  EXPECT_EQ(cnn.total_macs(), 73728 + 2304 + 4096 + 640);
  EXPECT_EQ(cnn.layers.size(), 6u);
  EXPECT_EQ(out_shape(cnn), (std::vector<int64_t>{1, 10}));
  const Graph mlp = load("tiny_mlp");
  EXPECT_EQ(mlp.total_macs(), 64 * 32 + 32 * 10);
  EXPECT_EQ(mlp.layers.size(), 2u);
  const Graph att = load("tiny_attention");
  EXPECT_EQ(att.total_macs(), 2 * (2 * 8 * 8 * 4));  // two (2 heads x 8x4x8) products
  EXPECT_EQ(out_shape(att), (std::vector<int64_t>{1, 2, 8, 4}));
}

TEST(ShippedModels, RoundTripEveryModel) {
  for (const char* name : {"alexnet", "vgg16", "resnet18", "resnet50", "mobilenet_v2",
                           "ds_cnn_kws", "bert_base_encoder", "tiny_cnn", "tiny_mlp",
                           "tiny_attention", "resnet50_w4a4", "mobilenet_v2_w4a4",
                           "ds_cnn_kws_w4a4"}) {
    const Graph g = load(name);
    const nlohmann::json full = graph_to_json(g);
    const Graph h = parse_graph_json(full, name);
    EXPECT_EQ(h.total_macs(), g.total_macs()) << name;
    EXPECT_EQ(graph_to_json(h), full) << name;
  }
}

// The 4-bit twins (for precision-scalable PEs) are their 8-bit graphs layer for layer, with every
// activation and weight 4 bits wide: same layers, shapes and MACs; only the widths differ.
TEST(ShippedModels, FourBitTwinsEqualTheirEightBitGraphsButForWidths) {
  for (const std::string name : {"resnet50", "mobilenet_v2", "ds_cnn_kws"}) {
    const Graph g8 = load(name);
    const Graph g4 = load(name + "_w4a4");
    EXPECT_EQ(g4.total_macs(), g8.total_macs()) << name;
    ASSERT_EQ(g4.layers.size(), g8.layers.size()) << name;
    for (size_t i = 0; i < g8.layers.size(); ++i) {
      EXPECT_EQ(g4.layers[i].name, g8.layers[i].name);
      EXPECT_EQ(g4.tensor(g4.layers[i].output).shape, g8.tensor(g8.layers[i].output).shape);
      EXPECT_EQ(g4.tensor(g4.layers[i].output).bits, 4) << g4.layers[i].name;
    }
    for (const auto& [tname, t] : g4.tensors) {
      if (!t.wide()) {
        EXPECT_EQ(t.bits, 4) << name << " " << tname;
      }
    }
  }
}

}  // namespace
}  // namespace adasim::workloads
