// SPDX-License-Identifier: Apache-2.0
// The vector unit's kernels (arch/vector/vector_kernels.hpp, run on the program the mapper
// compiles) equal the reference semantics (workloads/reference/vector_reference.hpp) bit for bit,
// on many seeded random layers of every vector operator: random shapes (with broadcasting), both
// signednesses, random scales and zero points, fused ReLU and clamps, both tie roundings, pool
// windows with padding, dilation, ceil_mode and count_include_pad.
#include "arch/vector/vector_kernels.hpp"

#include <gtest/gtest.h>

#include <random>

#include "workloads/mapper/vector_compile.hpp"
#include "workloads/reference/vector_reference.hpp"

namespace adasim::arch {
namespace {

using workloads::Graph;
using workloads::Int32Buffer;
using workloads::Int8Buffer;
using workloads::Layer;
using workloads::OpType;
using Shape = std::vector<int64_t>;

class RandomLayer {
 public:
  explicit RandomLayer(uint32_t seed) : rng_(seed) {}

  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  double scale() { return std::uniform_real_distribution<double>(0.002, 0.5)(rng_); }

  void tensor(const std::string& name, const Shape& shape, bool values = true) {
    workloads::TensorInfo& t = g_.tensors[name];
    t.name = name;
    t.shape = shape;
    t.is_signed = uniform(0, 1) == 1;
    t.scale = scale();
    t.zero_point = t.is_signed ? uniform(-20, 20) : uniform(0, 255);
    if (!values) return;
    Int8Buffer b(shape);
    for (int8_t& v : b.data) v = int8_t(uniform(-128, 127));
    v8_[name] = b;
  }
  Layer& layer(OpType op, std::vector<std::string> in) {
    Layer l;
    l.name = "l";
    l.op = op;
    l.inputs = std::move(in);
    l.output = "y";
    l.rounding =
        uniform(0, 1) ? workloads::Rounding::kHalfToEven : workloads::Rounding::kHalfAwayFromZero;
    l.relu = uniform(0, 3) == 0;
    if (uniform(0, 3) == 0) {
      l.act_min = uniform(-100, 100);
      l.act_max = l.act_min + uniform(0, 150);
    }
    g_.layers = {l};
    return g_.layers[0];
  }
  Graph& graph() { return g_; }
  std::map<std::string, Int8Buffer>& v8() { return v8_; }
  std::map<std::string, Int32Buffer>& v32() { return g_.constant_values_wide; }

  /// Kernel and reference outputs of the layer.
  std::pair<Int8Buffer, Int8Buffer> run() {
    const Layer& l = g_.layers.at(0);
    const VectorOp p = workloads::compile_vector_layer(g_, l);
    std::vector<const Int8Buffer*> in;
    for (const std::string& n : l.inputs) in.push_back(&v8_.at(n));
    const Int8Buffer got = run_vector_op(p, in);
    const Int8Buffer want = workloads::reference_vector_layer(
        g_, l, [&](const std::string& n) -> const Int8Buffer& { return v8_.at(n); },
        [&](const std::string& n) -> const Int32Buffer& { return g_.constant_values_wide.at(n); });
    return {got, want};
  }

  Shape shape(int rank, int max_dim) {
    Shape s;
    for (int k = 0; k < rank; ++k) s.push_back(uniform(1, max_dim));
    return s;
  }

 private:
  std::mt19937 rng_;
  Graph g_;
  std::map<std::string, Int8Buffer> v8_;
};

void expect_same(RandomLayer& r, const std::string& what, int seed) {
  const auto [got, want] = r.run();
  ASSERT_EQ(got.shape, want.shape) << what << " seed " << seed;
  EXPECT_EQ(got.data, want.data) << what << " seed " << seed;
}

TEST(VectorKernels, EltwiseAddMulWithBroadcastingMatchTheReference) {
  for (int seed = 0; seed < 200; ++seed) {
    RandomLayer r{uint32_t(seed)};
    const Shape out = r.shape(r.uniform(1, 4), 5);
    std::vector<std::string> names;
    const int inputs = seed % 2 ? 2 : r.uniform(2, 4);
    for (int k = 0; k < inputs; ++k) {
      Shape s = out;
      for (int64_t& d : s)
        if (r.uniform(0, 2) == 0) d = 1;  // broadcast along this dim
      s.erase(s.begin(), s.begin() + r.uniform(0, int(s.size()) - 1));
      names.push_back("x" + std::to_string(k));
      r.tensor(names.back(), s);
    }
    r.tensor("y", out, false);
    r.layer(seed % 2 ? OpType::kMul : OpType::kAdd,
            seed % 2 ? std::vector<std::string>{names[0], names[1]} : names);
    // The output shape is the broadcast of the inputs (a dim may have broadcast away).
    std::vector<Shape> shapes;
    for (const auto& n : r.graph().layers[0].inputs) shapes.push_back(r.graph().tensor(n).shape);
    r.graph().tensors["y"].shape = workloads::broadcast_shapes(shapes);
    expect_same(r, seed % 2 ? "mul" : "add", seed);
  }
}

TEST(VectorKernels, PoolsMatchTheReference) {
  for (int seed = 0; seed < 200; ++seed) {
    RandomLayer r{uint32_t(1000 + seed)};
    const int64_t h = r.uniform(1, 9), w = r.uniform(1, 9);
    r.tensor("x", {r.uniform(1, 2), r.uniform(1, 3), h, w});
    Layer& l = r.layer(seed % 3 == 0 ? OpType::kMaxPool : OpType::kAvgPool, {"x"});
    l.kernel_h = r.uniform(1, int(std::min<int64_t>(h, 4)));
    l.kernel_w = r.uniform(1, int(std::min<int64_t>(w, 4)));
    l.stride_h = r.uniform(1, 3);
    l.stride_w = r.uniform(1, 3);
    l.pad_t = r.uniform(0, l.kernel_h - 1);
    l.pad_b = r.uniform(0, l.kernel_h - 1);
    l.pad_l = r.uniform(0, l.kernel_w - 1);
    l.pad_r = r.uniform(0, l.kernel_w - 1);
    l.ceil_mode = r.uniform(0, 1) == 1;
    l.count_include_pad = r.uniform(0, 1) == 1;
    if (l.op == OpType::kMaxPool) l.relu = false, l.act_min = INT32_MIN, l.act_max = INT32_MAX;
    Graph& g = r.graph();
    r.tensor("y", {1}, false);
    const workloads::ConvShape s = g.shape(l);
    g.tensors["y"].shape = {s.n, s.c, s.p, s.q};
    if (l.op == OpType::kMaxPool) g.tensors["y"].is_signed = g.tensors["x"].is_signed;
    // Windows that hold only padding (ceil_mode with large strides) are model errors in both.
    bool empty = false;
    for (int64_t p = 0; p < s.p; ++p) empty = empty || p * s.stride_h - s.pad_t >= s.h;
    for (int64_t q = 0; q < s.q; ++q) empty = empty || q * s.stride_w - s.pad_l >= s.w;
    if (empty) continue;
    expect_same(r, workloads::to_string(l.op), seed);
  }
}

TEST(VectorKernels, ConcatSoftmaxLayerNormTransposeLutMatchTheReference) {
  for (int seed = 0; seed < 200; ++seed) {
    RandomLayer r{uint32_t(5000 + seed)};
    const int rank = r.uniform(1, 4);
    const Shape s = r.shape(rank, 6);
    const int axis = r.uniform(0, rank - 1);
    r.tensor("x", s);
    Graph& g = r.graph();
    switch (seed % 5) {
      case 0: {  // concat of three inputs along `axis`
        Shape a = s, b = s;
        a[size_t(axis)] = r.uniform(1, 4);
        b[size_t(axis)] = r.uniform(1, 4);
        r.tensor("a", a);
        r.tensor("b", b);
        Shape out = s;
        out[size_t(axis)] += a[size_t(axis)] + b[size_t(axis)];
        r.tensor("y", out, false);
        r.layer(OpType::kConcat, {"x", "a", "b"}).axis = axis;
        break;
      }
      case 1:
        r.tensor("y", s, false);
        r.layer(OpType::kSoftmax, {"x"}).axis = axis;
        g.tensors["x"].scale = r.scale() * 20;  // wide spreads of exp
        break;
      case 2: {
        r.tensor("y", s, false);
        int64_t n = 1;
        for (int k = axis; k < rank; ++k) n *= s[size_t(k)];
        Layer& l = r.layer(OpType::kLayerNorm, {"x"});
        l.axis = axis;
        l.epsilon = r.uniform(0, 1) ? 1e-5 : 0.3;
        l.weight = "gamma";
        l.bias = "beta";
        r.tensor("gamma", {n}, false);
        r.tensor("beta", {n}, false);
        g.tensors["gamma"].bits = g.tensors["beta"].bits = 32;
        Int32Buffer gm({n}), bt({n});
        for (int64_t j = 0; j < n; ++j) {
          gm.data[size_t(j)] = r.uniform(-(1 << 22), 1 << 22);
          bt.data[size_t(j)] = r.uniform(-(1 << 22), 1 << 22);
        }
        g.tensors["gamma"].scale = 1.0 / (1 << 22);
        g.tensors["beta"].scale = 1.0 / (1 << 21);
        r.v32()["gamma"] = gm;
        r.v32()["beta"] = bt;
        break;
      }
      case 3: {
        std::vector<int64_t> perm(static_cast<size_t>(rank));
        for (int k = 0; k < rank; ++k) perm[size_t(k)] = k;
        std::shuffle(perm.begin(), perm.end(), std::mt19937(uint32_t(seed)));
        Shape out(static_cast<size_t>(rank));
        for (int k = 0; k < rank; ++k) out[size_t(k)] = s[size_t(perm[size_t(k)])];
        r.tensor("y", out, false);
        Layer& l = r.layer(OpType::kTranspose, {"x"});
        l.perm = perm;
        l.relu = false;
        l.act_min = INT32_MIN;
        l.act_max = INT32_MAX;
        break;
      }
      default: {
        r.tensor("y", s, false);
        r.tensor("table", {256});
        g.constant_values["table"] = r.v8().at("table");
        r.layer(OpType::kLut, {"x"}).weight = "table";
        break;
      }
    }
    expect_same(r, workloads::to_string(g.layers[0].op), seed);
  }
}

}  // namespace
}  // namespace adasim::arch
