// SPDX-License-Identifier: Apache-2.0
// Layer coverage: one graph with every layer kind the simulator supports (depthwise with stride
// and padding, grouped, dilated, asymmetric padding on a rectangular input, strided 1x1, batch > 1
// conv, FC with batch, attention-style matmuls per head and a projection with a shared weight, max
// and average pooling, elementwise add), run once per dataflow on ideal memory (16x16) and on a
// small real buffer with finite DRAM (8x8, chunking and stalls). Every expectation is derived here
// from the layer parameters alone (never through Graph::shape or the mapper):
//   - MACs / vector ops against the closed forms N*K*P*Q*(C/G)*R*S, B*M*Kd*N, outputs x window,
//     elements;
//   - int32 accumulators (array layers) and int8 outputs (vector layers) bit-exact against the
//     reference kernels on operands regenerated from the same seed;
//   - grouped/depthwise layers packed block-diagonally by the hand-derived factor (never dense);
//   - cycles >= ceil(work / units) and cycles_total == cycles_compute + cycles_stall.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "test_support.hpp"
#include "workloads/reference/reference_ops.hpp"

namespace adasim {
namespace {

using Dataflow = std::string;  // a registered dataflow's name
using workloads::OpType;

constexpr uint64_t kSeed = 20240611;

int64_t cdiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// A conv (or pooling window) with every attribute independent per axis.
struct Conv {
  std::string name;
  int64_t n = 1, c = 1, h = 1, w = 1, k = 1, r = 1, s = 1;
  int sh = 1, sw = 1, dh = 1, dw = 1;
  int pt = 0, pl = 0, pb = 0, pr = 0;
  int64_t groups = 1;
  int64_t p() const { return (h + pt + pb - dh * (r - 1) - 1) / sh + 1; }
  int64_t q() const { return (w + pl + pr - dw * (s - 1) - 1) / sw + 1; }
  int64_t macs() const { return n * k * p() * q() * (c / groups) * r * s; }
  /// The reference kernels' loop bounds, filled by hand.
  workloads::ConvShape shape() const {
    workloads::ConvShape cs;
    cs.n = n; cs.c = c; cs.h = h; cs.w = w; cs.k = k; cs.r = r; cs.s = s;
    cs.p = p(); cs.q = q();
    cs.stride_h = sh; cs.stride_w = sw; cs.dil_h = dh; cs.dil_w = dw;
    cs.pad_t = pt; cs.pad_l = pl; cs.pad_b = pb; cs.pad_r = pr;
    cs.groups = groups;
    return cs;
  }
};

/// Same effect as test_support's helpers (tensors registered, input a graph input, output a graph
/// output so that it stays in the ValueStore), with per-axis stride / dilation / padding.
workloads::TensorInfo tensor(const std::string& name, std::vector<int64_t> shape, bool constant) {
  return test::make_tensor(name, std::move(shape), constant);
}

workloads::Layer layer_of(const Conv& d, OpType op) {
  workloads::Layer l;
  l.name = d.name;
  l.op = op;
  l.inputs = {d.name + ".in"};
  l.output = d.name + ".out";
  l.kernel_h = int(d.r);
  l.kernel_w = int(d.s);
  l.stride_h = d.sh; l.stride_w = d.sw;
  l.dil_h = d.dh; l.dil_w = d.dw;
  l.pad_t = d.pt; l.pad_l = d.pl; l.pad_b = d.pb; l.pad_r = d.pr;
  l.groups = d.groups;
  return l;
}

void add_conv(workloads::Graph& g, const Conv& d) {
  workloads::Layer l = layer_of(d, OpType::kConv2d);
  l.weight = d.name + ".w";
  g.tensors[l.inputs[0]] = tensor(l.inputs[0], {d.n, d.c, d.h, d.w}, false);
  g.tensors[l.weight] = tensor(l.weight, {d.k, d.c / d.groups, d.r, d.s}, true);
  g.tensors[l.output] = tensor(l.output, {d.n, d.k, d.p(), d.q()}, false);
  g.graph_inputs.push_back(l.inputs[0]);
  g.graph_outputs.push_back(l.output);
  g.layers.push_back(l);
}

void add_pool(workloads::Graph& g, const Conv& d, OpType op) {
  workloads::Layer l = layer_of(d, op);
  l.groups = 1;
  g.tensors[l.inputs[0]] = tensor(l.inputs[0], {d.n, d.c, d.h, d.w}, false);
  g.tensors[l.output] = tensor(l.output, {d.n, d.c, d.p(), d.q()}, false);
  g.graph_inputs.push_back(l.inputs[0]);
  g.graph_outputs.push_back(l.output);
  g.layers.push_back(l);
}

void add_add(workloads::Graph& g, const std::string& name, std::vector<int64_t> shape) {
  workloads::Layer l;
  l.name = name;
  l.op = OpType::kAdd;
  l.inputs = {name + ".a", name + ".b"};
  l.output = name + ".out";
  for (const std::string& t : l.inputs) {
    g.tensors[t] = tensor(t, shape, false);
    g.graph_inputs.push_back(t);
  }
  g.tensors[l.output] = tensor(l.output, shape, false);
  g.graph_outputs.push_back(l.output);
  g.layers.push_back(l);
}

struct Mm {
  std::string name;
  int64_t b, m, kd, n;
  bool activation_b;
  int64_t macs() const { return b * m * kd * n; }
};

// ---- the graph --------------------------------------------------------------------------------
// Convs: {name, n, c, h, w, k, r, s, sh, sw, dh, dw, pt, pl, pb, pr, groups}
const std::vector<Conv> kConvs = {
    // Depthwise 3x3, stride 2, pad 1 (the MobileNet block): 9x9 -> 5x5.
    {"dw3x3_s2", 1, 8, 9, 9, 8, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 8},
    // Depthwise with a small window (Kred 4), so that every dataflow and array size packs groups.
    {"dw2x2_s2", 1, 12, 8, 8, 12, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 12},
    // Grouped, 3 groups of 2 input / 4 output channels, rectangular input: 7x5 -> 8x6.
    {"grouped3", 1, 6, 7, 5, 12, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 3},
    // Dilation 2 (effective 5x5 window), pad 2: 9x8 -> 9x8.
    {"dilated2", 1, 4, 9, 8, 5, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1},
    // Asymmetric padding (t1 l0 b0 r2), per-axis stride (1, 2), 3x2 kernel on a 7x11 input: -> 6x6.
    {"asym_pad", 1, 3, 7, 11, 6, 3, 2, 1, 2, 1, 1, 1, 0, 0, 2, 1},
    // Strided 1x1: 9x9 -> 5x5.
    {"pw_s2", 1, 10, 9, 9, 7, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1},
    // Batch 3.
    {"batch3", 3, 8, 20, 20, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
};
struct Fc {
  std::string name;
  int64_t n, c, k;
};
const Fc kFc = {"fc_b5", 5, 1024, 32};
// Attention, 2 heads of dimension 8 over 6 tokens (d_model 16).
const std::vector<Mm> kMms = {
    {"attn_qk", 2, 6, 8, 6, true},     // Q [h][t][dh] x K^T [h][dh][t] per head
    {"attn_av", 2, 6, 6, 8, true},     // A [h][t][t] x V [h][t][dh] per head
    {"attn_proj", 2, 6, 16, 16, false},  // X [b][t][d] x W [d][d], W shared by both batch entries
    {"lm_head", 2, 6, 16, 1024, false},  // X [b][t][d] x W [d][vocab], shared, long N
};
// Pools: window in r x s, channels in c.
const Conv kMaxPool = {"maxpool3x3_s2", 1, 4, 9, 9, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1};  // -> 5x5
const Conv kAvgPool = {"avgpool2x2_s2", 1, 6, 40, 34, 6, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 1};  // -> 20x17
const std::vector<int64_t> kAddShape = {2, 5, 24, 20};

workloads::Graph build_graph() {
  workloads::Graph g;
  g.name = "layer_coverage";
  for (const Conv& c : kConvs) add_conv(g, c);
  test::add_fc(g, kFc.name, kFc.n, kFc.c, kFc.k);
  for (const Mm& m : kMms) test::add_matmul(g, m.name, m.b, m.m, m.kd, m.n, m.activation_b);
  add_pool(g, kMaxPool, OpType::kMaxPool);
  add_pool(g, kAvgPool, OpType::kAvgPool);
  add_add(g, "add", kAddShape);
  return g;
}

size_t count_mismatches(const std::vector<int32_t>& got, const std::vector<int32_t>& want) {
  size_t bad = 0;
  for (size_t i = 0; i < want.size(); ++i) bad += got[i] != want[i];
  return bad;
}
size_t count_mismatches(const std::vector<int8_t>& got, const std::vector<int8_t>& want) {
  size_t bad = 0;
  for (size_t i = 0; i < want.size(); ++i) bad += got[i] != want[i];
  return bad;
}

using Param = std::tuple<Dataflow, bool>;  // dataflow, real memory (8x8, 16 KiB, 4 GB/s)

class LayerCoverage : public ::testing::TestWithParam<Param> {};

TEST_P(LayerCoverage, MacsFunctionalAndPacking) {
  // Named copies, not a structured binding: the lambdas below capture them (C++17 does not let
  // a lambda capture a structured binding; clang refuses it, GCC accepts it as an extension).
  const std::string df = std::get<0>(GetParam());
  const bool real_memory = std::get<1>(GetParam());
  const int ar = real_memory ? 8 : 16, ac = ar;
  const arch::AcceleratorSpec spec =
      real_memory ? test::real_spec(ar, ac, df, 4.0, 16 * 1024) : test::ideal_spec(ar, ac, df);
  const int64_t pes = int64_t(ar) * ac;
  const int64_t lanes = ac;  // both test specs set vector_lanes = cols

  const workloads::Graph g = build_graph();
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(kSeed));
  std::map<std::string, workloads::Int32Buffer> acc;
  const sim::SimulationResult res = sim::simulate(spec, g, energy, values, nullptr, &acc);
  ASSERT_EQ(res.layers.size(), g.layers.size());
  ASSERT_EQ(res.schedules.size(), g.layers.size());

  std::map<std::string, size_t> index;
  for (size_t i = 0; i < g.layers.size(); ++i) {
    ASSERT_EQ(res.layers[i].name, g.layers[i].name);
    index[g.layers[i].name] = i;
  }
  const auto gen = test::test_generator(kSeed);  // fresh operands, same values as the run's

  // Checks shared by every array layer: MACs, cycle bounds, utilization, block-diagonal packing.
  auto check_array = [&](const std::string& name, int64_t macs, int64_t groups, int64_t kred,
                         int64_t n_per_group) {
    SCOPED_TRACE(name);
    const size_t i = index.at(name);
    const sim::LayerReport& rep = res.layers[i];
    const workloads::LayerSchedule& sch = res.schedules[i];
    const arch::SystolicProgram& sys = sch.systolic();
    EXPECT_EQ(rep.dataflow, df);
    EXPECT_EQ(rep.macs, uint64_t(macs)) << "closed-form MACs";
    EXPECT_EQ(sch.macs(), macs) << "sum of fold MACs";
    EXPECT_EQ(rep.cycles_total, rep.cycles_compute + rep.cycles_stall);
    EXPECT_GE(rep.cycles_total, uint64_t(cdiv(macs, pes))) << "faster than every PE busy";
    EXPECT_LE(rep.utilization.at("pe"), 1.0);
    EXPECT_GT(rep.utilization.at("pe"), 0.0);
    // Never dense: per-group GEMM; the searched pack factor is a legal block-diagonal packing.
    EXPECT_EQ(sys.groups, groups);
    EXPECT_EQ(sys.gemm_kred, kred) << "per-group Kred (C/G*R*S), not the dense C*R*S";
    EXPECT_EQ(sys.gemm_n, n_per_group) << "per-group N (K/G)";
    EXPECT_GE(sys.group_pack, 1);
    EXPECT_LE(sys.group_pack, groups);
    EXPECT_EQ(sys.packs, cdiv(groups, sys.group_pack));
    // With stall-free memory the mapper's analytical estimate is the simulated cycle count.
    if (!real_memory) {
      EXPECT_DOUBLE_EQ(sch.search.est_cycles, double(rep.cycles_total));
    }
  };

  // 1-3 for convs.
  for (const Conv& c : kConvs) {
    check_array(c.name, c.macs(), c.groups, (c.c / c.groups) * c.r * c.s, c.k / c.groups);
    SCOPED_TRACE(c.name);
    const workloads::Layer& l = g.layers[index.at(c.name)];
    const workloads::Int32Buffer want =
        workloads::reference_conv2d(gen(g.tensor(l.inputs[0])), gen(g.tensor(l.weight)), c.shape());
    ASSERT_EQ(want.shape, (std::vector<int64_t>{c.n, c.k, c.p(), c.q()}));
    ASSERT_TRUE(acc.count(l.output));
    const workloads::Int32Buffer& got = acc.at(l.output);
    ASSERT_EQ(got.data.size(), want.data.size());
    EXPECT_EQ(count_mismatches(got.data, want.data), 0u) << "of " << want.data.size();
  }
  // Depthwise layers are packed: one group per pass would leave all but one column idle and
  // take more folds than packing the groups block-diagonally (the search compares both).
  {
    const auto gp_of = [&](const std::string& n) {
      return res.schedules[index.at(n)].systolic().group_pack;
    };
    EXPECT_GT(gp_of("dw2x2_s2"), 1);
    EXPECT_GT(gp_of("dw3x3_s2"), 1);
  }

  // FC with batch.
  {
    check_array(kFc.name, kFc.n * kFc.c * kFc.k, 1, kFc.c, kFc.k);
    SCOPED_TRACE(kFc.name);
    const workloads::Layer& l = g.layers[index.at(kFc.name)];
    const workloads::Int32Buffer want =
        workloads::reference_fc(gen(g.tensor(l.inputs[0])), gen(g.tensor(l.weight)));
    ASSERT_EQ(want.shape, (std::vector<int64_t>{kFc.n, kFc.k}));
    const workloads::Int32Buffer& got = acc.at(l.output);
    ASSERT_EQ(got.data.size(), want.data.size());
    EXPECT_EQ(count_mismatches(got.data, want.data), 0u) << "of " << want.data.size();
  }

  // Matmuls: per-head products with an activation B are B independent groups; a shared weight
  // is one GEMM with M = B*M rows.
  for (const Mm& m : kMms) {
    check_array(m.name, m.macs(), m.activation_b ? m.b : 1, m.kd, m.n);
    SCOPED_TRACE(m.name);
    const workloads::Layer& l = g.layers[index.at(m.name)];
    const std::string& b = m.activation_b ? l.inputs.at(1) : l.weight;
    const workloads::Int32Buffer want = workloads::reference_matmul(gen(g.tensor(l.inputs[0])), gen(g.tensor(b)));
    ASSERT_EQ(want.shape, (std::vector<int64_t>{m.b, m.m, m.n}));
    const workloads::Int32Buffer& got = acc.at(l.output);
    ASSERT_EQ(got.data.size(), want.data.size());
    EXPECT_EQ(count_mismatches(got.data, want.data), 0u) << "of " << want.data.size();
  }

  // Vector layers: ops, cycle bounds, int8 outputs.
  auto check_vector = [&](const std::string& name, int64_t ops, const workloads::Int8Buffer& want) {
    SCOPED_TRACE(name);
    const size_t i = index.at(name);
    const sim::LayerReport& rep = res.layers[i];
    EXPECT_EQ(rep.dataflow, "vector");
    EXPECT_TRUE(std::holds_alternative<arch::VectorProgram>(res.schedules[i].engine));
    EXPECT_EQ(rep.macs, uint64_t(ops)) << "closed-form vector ops";
    EXPECT_EQ(rep.cycles_total, rep.cycles_compute + rep.cycles_stall);
    EXPECT_GE(rep.cycles_compute, uint64_t(cdiv(ops, lanes))) << "faster than every lane busy";
    EXPECT_LE(rep.utilization.at("vector"), 1.0);
    EXPECT_EQ(acc.count(g.layers[i].output), 0u) << "no int32 accumulators on the vector path";
    ASSERT_TRUE(values.has(g.layers[i].output)) << "graph outputs stay in the ValueStore";
    const workloads::Int8Buffer& got = values.get(g.layers[i].output);
    ASSERT_EQ(got.shape, want.shape);
    EXPECT_EQ(count_mismatches(got.data, want.data), 0u) << "of " << want.data.size();
  };
  {
    const Conv& p = kMaxPool;
    const workloads::Int8Buffer want =
        workloads::reference_maxpool(gen(g.tensor(p.name + ".in")), p.shape());
    ASSERT_EQ(want.shape, (std::vector<int64_t>{p.n, p.c, p.p(), p.q()}));
    check_vector(p.name, p.n * p.c * p.p() * p.q() * p.r * p.s, want);
  }
  {
    const Conv& p = kAvgPool;
    const workloads::Int8Buffer want =
        workloads::reference_avgpool(gen(g.tensor(p.name + ".in")), p.shape());
    ASSERT_EQ(want.shape, (std::vector<int64_t>{p.n, p.c, p.p(), p.q()}));
    check_vector(p.name, p.n * p.c * p.p() * p.q() * p.r * p.s, want);
  }
  {
    int64_t elems = 1;
    for (int64_t d : kAddShape) elems *= d;
    const workloads::Int8Buffer want =
        workloads::reference_add(gen(g.tensor("add.a")), gen(g.tensor("add.b")));
    check_vector("add", elems, want);
  }

  if (real_memory) {
    // The 16 KiB buffer and 4 GB/s DRAM must exercise stalls and chunked streams, on the array
    // (a fold streaming less than the pack's temporal extent, or several chunks) and on the
    // vector unit. The large layers are there for this: batch3 (WS), fc_b5 (OS), lm_head (IS),
    // avgpool / add.
    uint64_t stalls = 0;
    size_t chunked_array = 0, chunked_vector = 0;
    for (size_t i = 0; i < res.layers.size(); ++i) {
      const workloads::LayerSchedule& sch = res.schedules[i];
      stalls += res.layers[i].cycles_stall;
      bool chunked = false;
      const arch::SystolicProgram* sys = std::get_if<arch::SystolicProgram>(&sch.engine);
      for (size_t f = 0; f < sch.transfers.folds.size(); ++f)
        chunked = chunked || sch.transfers.folds[f].chunks.size() > 1 ||
                  (sys && sys->folds[f].t_len < sys->dim_time);
      (sys ? chunked_array : chunked_vector) += chunked;
    }
    EXPECT_GT(stalls, 0u);
    EXPECT_GT(chunked_array, 0u);
    EXPECT_GT(chunked_vector, 0u);
  }
}

std::string name_of(const ::testing::TestParamInfo<Param>& info) {
  const auto [df, real_memory] = info.param;
  return df + (real_memory ? "_real8x8_16KiB" : "_ideal16x16");
}

INSTANTIATE_TEST_SUITE_P(AllDataflows, LayerCoverage,
                         ::testing::Combine(::testing::Values("ws", "os", "is"), ::testing::Bool()),
                         name_of);

}  // namespace
}  // namespace adasim
