// SPDX-License-Identifier: Apache-2.0
#include "test_support.hpp"

#include <algorithm>
#include <cstdint>

#include "workloads/reference/reference_ops.hpp"

namespace adasim::test {

using arch::AcceleratorSpec;
using arch::Operand;

AcceleratorSpec ideal_spec(int rows, int cols, std::string df, arch::TimingConvention conv,
                           int noc_latency) {
  AcceleratorSpec s;
  s.pe_array.rows = rows;
  s.pe_array.cols = cols;
  s.pe_array.dataflows = {df};
  s.pe_array.dataflow = df;
  s.pe_array.convention = conv;
  s.pe_array.vector_lanes = cols;
  if (conv == arch::TimingConvention::kScaleSim) {
    s.pe_array.weight_double_buffer = false;
    s.pe_array.output_double_buffer = false;
  }
  arch::SramLevelSpec l;
  l.name = "gbuf";
  l.size_bytes = int64_t(64) << 20;
  l.word_bits = 64;
  l.banks = 1;
  l.holds = {Operand::kIfmap, Operand::kWeight, Operand::kOfmap};
  l.ideal = true;
  s.sram = {l};
  s.dram.ideal = true;
  s.noc.link_width_bits = 1 << 20;
  s.noc.latency_cycles = noc_latency;
  s.clock.nominal = {1000.0, 0.9};
  s.clock.operating_points = {s.clock.nominal};
  return s;
}

AcceleratorSpec real_spec(int rows, int cols, std::string df, double dram_gb_per_s,
                          int64_t gbuf_bytes) {
  AcceleratorSpec s = ideal_spec(rows, cols, df);
  s.sram[0].ideal = false;
  s.sram[0].size_bytes = gbuf_bytes;
  s.sram[0].banks = 32;
  s.dram.ideal = false;
  s.dram.bandwidth_gb_per_s = dram_gb_per_s;
  s.dram.latency_ns = 100;
  s.noc.link_width_bits = 4096;
  s.noc.latency_cycles = 1;
  return s;
}

AcceleratorSpec spatial_spec(int rows, int cols, std::string df, int64_t rf_bytes,
                             int64_t gbuf_bytes, double dram_gb_per_s) {
  AcceleratorSpec s = real_spec(rows, cols, "ws", dram_gb_per_s, gbuf_bytes);
  s.pe_array.kind = arch::ArrayKind::kSpatial;
  s.pe_array.spatial_dataflows = {df};
  s.pe_array.spatial_dataflow = df;
  s.pe_array.rf_bytes = rf_bytes;
  s.sram[0].word_bits = 64;
  s.sram[0].banks = 8;
  s.noc.type = "xy_multicast";
  s.noc.link_width_bits = 64;
  return s;
}

AcceleratorSpec ifmap_l1_spec(bool chained) {
  AcceleratorSpec s = real_spec(4, 4, "ws", 16.0, 4096);
  s.mapper.chunk_len = 8;
  arch::SramLevelSpec l1 = s.sram[0];
  l1.name = "l1";
  l1.size_bytes = 64;
  l1.banks = 1;
  l1.holds = {Operand::kIfmap};
  if (chained)
    l1.parent = "gbuf";
  else
    s.sram[0].holds = {Operand::kWeight, Operand::kOfmap};
  s.sram.push_back(l1);
  return s;
}

workloads::TensorInfo make_tensor(const std::string& name, std::vector<int64_t> shape,
                                  bool constant) {
  workloads::TensorInfo t;
  t.name = name;
  t.shape = std::move(shape);
  t.is_constant = constant;
  return t;
}

namespace {
workloads::TensorInfo tensor(const std::string& name, std::vector<int64_t> shape, bool constant) {
  return make_tensor(name, std::move(shape), constant);
}

void add_layer(workloads::Graph& g, workloads::Layer l, std::vector<workloads::TensorInfo> ts,
               bool first_is_input) {
  for (size_t i = 0; i < ts.size(); ++i) {
    if (i == 0 && first_is_input) g.graph_inputs.push_back(ts[i].name);
    g.tensors[ts[i].name] = ts[i];
  }
  g.graph_outputs.push_back(l.output);
  g.layers.push_back(std::move(l));
}
}  // namespace

void add_conv(workloads::Graph& g, const ConvDesc& d) {
  workloads::Layer l;
  l.name = d.name;
  l.op = workloads::OpType::kConv2d;
  l.inputs = {d.name + ".in"};
  l.weight = d.name + ".w";
  l.output = d.name + ".out";
  l.kernel_h = int(d.r);
  l.kernel_w = int(d.s);
  l.stride_h = l.stride_w = d.stride;
  l.pad_t = l.pad_l = l.pad_b = l.pad_r = d.pad;
  l.dil_h = l.dil_w = d.dil;
  l.groups = d.groups;
  const int64_t p = (d.h + 2 * d.pad - d.dil * (d.r - 1) - 1) / d.stride + 1;
  const int64_t q = (d.w + 2 * d.pad - d.dil * (d.s - 1) - 1) / d.stride + 1;
  add_layer(g, l,
            {tensor(l.inputs[0], {d.n, d.c, d.h, d.w}, false),
             tensor(l.weight, {d.k, d.c / d.groups, d.r, d.s}, true),
             tensor(l.output, {d.n, d.k, p, q}, false)},
            true);
}

void add_fc(workloads::Graph& g, const std::string& name, int64_t n, int64_t c, int64_t k) {
  workloads::Layer l;
  l.name = name;
  l.op = workloads::OpType::kFullyConnected;
  l.inputs = {name + ".in"};
  l.weight = name + ".w";
  l.output = name + ".out";
  add_layer(g, l,
            {tensor(l.inputs[0], {n, c}, false), tensor(l.weight, {k, c}, true),
             tensor(l.output, {n, k}, false)},
            true);
}

workloads::Graph fc_sequence() {
  workloads::Graph g;
  g.name = "fc_sequence";
  const int64_t ck[6] = {8, 4, 8, 8, 4, 8};
  for (int i = 0; i < 6; ++i) add_fc(g, "fc" + std::to_string(i), 16, ck[i], ck[i]);
  return g;
}

void add_matmul(workloads::Graph& g, const std::string& name, int64_t b, int64_t m, int64_t kd,
                int64_t n, bool activation_b) {
  workloads::Layer l;
  l.name = name;
  l.op = workloads::OpType::kMatMul;
  l.inputs = {name + ".a"};
  l.output = name + ".out";
  std::vector<workloads::TensorInfo> ts = {tensor(name + ".a", {b, m, kd}, false)};
  if (activation_b) {
    l.inputs.push_back(name + ".b");
    ts.push_back(tensor(name + ".b", {b, kd, n}, false));
    g.graph_inputs.push_back(name + ".b");
  } else {
    l.weight = name + ".b";
    ts.push_back(tensor(name + ".b", {kd, n}, true));
  }
  ts.push_back(tensor(l.output, {b, m, n}, false));
  add_layer(g, l, ts, true);
}

arch::ValueStore::Generator test_generator(uint64_t seed) {
  return [seed](const workloads::TensorInfo& t) {
    uint64_t x = seed;
    for (char ch : t.name) x = (x ^ uint64_t(uint8_t(ch))) * 0x100000001b3ull;
    workloads::Int8Buffer b(t.shape);
    for (int8_t& v : b.data) {
      x += 0x9e3779b97f4a7c15ull;
      uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      z ^= z >> 31;
      v = int8_t(uint8_t(z & 0xff));
    }
    return b;
  };
}

}  // namespace adasim::test

namespace adasim::test {

void add_functional_layers(workloads::Graph& g) {
  add_conv(g, {"conv_pad", 1, 5, 7, 7, 6, 3, 3, 1, 1});
  add_conv(g, {"conv_stride2", 1, 3, 9, 9, 4, 3, 3, 2, 1});
  add_conv(g, {"conv_dil2", 1, 4, 9, 8, 5, 3, 3, 1, 2, 2});
  add_conv(g, {"conv_groups2", 1, 6, 6, 6, 4, 3, 3, 1, 1, 1, 2});
  add_conv(g, {"depthwise", 1, 12, 8, 8, 12, 3, 3, 1, 1, 1, 12});
  add_conv(g, {"depthwise_s2", 1, 7, 9, 9, 7, 3, 3, 2, 1, 1, 7});
  add_conv(g, {"batch2_1x1", 2, 9, 5, 5, 11, 1, 1});
  add_conv(g, {"rect_kernel", 1, 3, 8, 10, 5, 1, 3, 1, 0});
  add_fc(g, "fc_batch3", 3, 37, 21);
  add_matmul(g, "mm_shared", 2, 5, 19, 13, false);
  add_matmul(g, "mm_per_batch", 3, 6, 8, 7, true);
}

std::map<std::string, size_t> reference_mismatches(
    const workloads::Graph& g, const std::map<std::string, workloads::Int32Buffer>& acc,
    uint64_t seed) {
  // Fresh copies of the operands from the same seeded generator.
  return reference_mismatches(g, acc, test_generator(seed));
}

std::map<std::string, size_t> reference_mismatches(
    const workloads::Graph& g, const std::map<std::string, workloads::Int32Buffer>& acc,
    const arch::ValueStore::Generator& gen) {
  std::map<std::string, size_t> out;
  for (const workloads::Layer& l : g.layers) {
    const workloads::Int8Buffer a = gen(g.tensor(l.inputs[0]));
    workloads::Int32Buffer want;
    if (l.op == workloads::OpType::kConv2d)
      want = workloads::reference_conv2d(a, gen(g.tensor(l.weight)), g.shape(l));
    else if (l.op == workloads::OpType::kFullyConnected)
      want = workloads::reference_fc(a, gen(g.tensor(l.weight)));
    else if (l.op == workloads::OpType::kMatMul)
      want =
          workloads::reference_matmul(a, gen(g.tensor(l.weight.empty() ? l.inputs[1] : l.weight)));
    else
      continue;
    auto it = acc.find(l.output);
    if (it == acc.end() || it->second.data.size() != want.data.size()) {
      out[l.name] = SIZE_MAX;
      continue;
    }
    size_t bad = 0;
    for (size_t i = 0; i < want.data.size(); ++i) bad += it->second.data[i] != want.data[i];
    out[l.name] = bad;
  }
  return out;
}

workloads::Graph random_array_layers(std::mt19937_64& rng, int n, const RandomLayerLimits& lim) {
  auto pick = [&](int lo, int hi) { return int(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  workloads::Graph g;
  g.name = "random";
  for (int i = 0; i < n; ++i) {
    const std::string name = "l" + std::to_string(i);
    const int kind = pick(0, lim.matmul ? 5 : 4);
    if (kind == 4) {
      add_fc(g, name, pick(1, lim.fc_n), pick(1, lim.fc_c), pick(1, lim.fc_k));
      continue;
    }
    if (kind == 5) {
      add_matmul(g, name, pick(1, 2), pick(1, 12), pick(1, 30), pick(1, 20), pick(0, 1));
      continue;
    }
    ConvDesc d;
    d.name = name;
    d.groups = kind == 3 ? pick(2, lim.groups) : 1;
    d.n = pick(1, 2);
    d.c = d.groups * pick(1, kind == 3 ? 3 : lim.c);
    d.k = d.groups * pick(1, kind == 3 ? 3 : lim.k);
    d.r = pick(1, 3);
    d.s = pick(1, 3);
    d.stride = pick(1, 2);
    d.pad = pick(0, 1);
    d.dil = kind == 2 && lim.dilation ? 2 : 1;
    d.h = pick(int(d.dil * (d.r - 1) + 1), 9);
    d.w = pick(int(d.dil * (d.s - 1) + 1), 9);
    add_conv(g, d);
  }
  return g;
}

void add_random_vector_layers(std::mt19937_64& rng, workloads::Graph& g, int n) {
  auto pick = [&](int lo, int hi) { return int(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  for (int i = 0; i < n; ++i) {
    workloads::Layer l;
    l.name = "v" + std::to_string(i);
    l.output = l.name + ".out";
    const int64_t b = pick(1, 2), c = pick(1, 16), h = pick(3, 24), w = pick(3, 24);
    if (pick(0, 1) == 0) {  // elementwise add of two activations
      l.op = workloads::OpType::kAdd;
      l.inputs = {l.name + ".a", l.name + ".b"};
      for (const std::string& t : l.inputs) {
        g.tensors[t] = tensor(t, {b, c, h, w}, false);
        g.graph_inputs.push_back(t);
      }
      g.tensors[l.output] = tensor(l.output, {b, c, h, w}, false);
    } else {  // max or average pooling, window 1-3, stride 1-2, padding 0-1
      l.op = pick(0, 1) ? workloads::OpType::kMaxPool : workloads::OpType::kAvgPool;
      l.inputs = {l.name + ".in"};
      l.kernel_h = pick(1, 3);
      l.kernel_w = pick(1, 3);
      l.stride_h = l.stride_w = pick(1, 2);
      l.pad_t = l.pad_l = l.pad_b = l.pad_r = std::min(pick(0, 1), l.kernel_h - 1);
      l.pad_l = l.pad_r = std::min(l.pad_l, l.kernel_w - 1);
      const int64_t p = (h + 2 * l.pad_t - l.kernel_h) / l.stride_h + 1;
      const int64_t q = (w + 2 * l.pad_l - l.kernel_w) / l.stride_w + 1;
      g.tensors[l.inputs[0]] = tensor(l.inputs[0], {b, c, h, w}, false);
      g.graph_inputs.push_back(l.inputs[0]);
      g.tensors[l.output] = tensor(l.output, {b, c, p, q}, false);
    }
    g.graph_outputs.push_back(l.output);
    g.layers.push_back(l);
  }
}

}  // namespace adasim::test
