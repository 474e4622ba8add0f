// SPDX-License-Identifier: Apache-2.0
// Helpers of the ONNX import tests (see onnx_test_util.hpp). The evaluator is written from the
// semantics stated in graph.hpp, independently of the datapath and of the reference kernels.
#include "tests/unit/workloads/onnx_test_util.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "reference_data.hpp"

namespace adasim::workloads::onnx_test {
namespace {

namespace fs = std::filesystem;

int32_t at(const TensorInfo& t, const Int8Buffer& b, int64_t i) {
  return t.is_signed ? int32_t(b.data.at(size_t(i))) : int32_t(uint8_t(b.data.at(size_t(i))));
}

class Evaluator {
 public:
  Evaluator(const Graph& g, std::map<std::string, Int8Buffer> inputs)
      : g_(g), v8_(std::move(inputs)) {}

  void run(const Layer& l) {
    const TensorInfo& out = g_.tensor(l.output);
    if (l.op == OpType::kMaxPool) return maxpool(l);
    Int32Buffer acc =
        l.op == OpType::kConv2d ? conv(l) : (l.op == OpType::kFullyConnected ? fc(l) : matmul(l));
    if (out.wide()) {
      v32_[l.output] = std::move(acc);
      return;
    }
    const TensorInfo& x = g_.tensor(l.inputs.at(0));
    const TensorInfo& w = g_.tensor(l.weight.empty() ? l.inputs.at(1) : l.weight);
    const int64_t lo = out.is_signed ? -128 : 0, hi = out.is_signed ? 127 : 255;
    Int8Buffer y(out.shape);
    for (size_t i = 0; i < acc.data.size(); ++i) {
      const int64_t k = channel(l, int64_t(i));
      const double m = double(x.scale) * double(w.scale_of(k)) / double(out.scale);
      int64_t q = int64_t(round_half_to_even(double(acc.data[i]) * m)) + out.zero_point;
      q = std::min(hi, std::max(lo, q));
      if (l.relu) q = std::max<int64_t>(q, out.zero_point);
      y.data[i] = int8_t(uint8_t(q & 0xFF));
    }
    v8_[l.output] = std::move(y);
  }

  std::map<std::string, Int8Buffer>& values() { return v8_; }
  std::map<std::string, Int32Buffer>& wide() { return v32_; }

 private:
  const Int8Buffer& get(const std::string& name) {
    auto it = v8_.find(name);
    if (it != v8_.end()) return it->second;
    auto c = g_.constant_values.find(name);
    if (c != g_.constant_values.end()) return c->second;
    throw std::runtime_error("evaluate: no values for " + name);
  }
  int32_t bias(const Layer& l, int64_t k) const {
    return l.bias.empty() ? 0 : g_.constant_values_wide.at(l.bias).data.at(size_t(k));
  }
  /// Output channel of element i: conv K (NKPQ), fc K, matmul column N.
  int64_t channel(const Layer& l, int64_t i) const {
    const ConvShape s = g_.shape(l);
    if (l.op == OpType::kConv2d) return (i / (s.p * s.q)) % s.k;
    if (l.op == OpType::kFullyConnected) return i % s.k;
    return i % g_.tensor(l.weight.empty() ? l.inputs.at(1) : l.weight).shape.back();
  }

  Int32Buffer conv(const Layer& l) {
    const ConvShape s = g_.shape(l);
    const TensorInfo& xi = g_.tensor(l.inputs[0]);
    const TensorInfo& wi = g_.tensor(l.weight);
    const Int8Buffer& x = get(l.inputs[0]);
    const Int8Buffer& w = get(l.weight);
    Int32Buffer acc({s.n, s.k, s.p, s.q});
    const int64_t cpg = s.c_per_group(), kpg = s.k_per_group();
    for (int64_t n = 0; n < s.n; ++n)
      for (int64_t k = 0; k < s.k; ++k)
        for (int64_t p = 0; p < s.p; ++p)
          for (int64_t q = 0; q < s.q; ++q) {
            int64_t sum = bias(l, k);
            for (int64_t cg = 0; cg < cpg; ++cg)
              for (int64_t r = 0; r < s.r; ++r)
                for (int64_t t = 0; t < s.s; ++t) {
                  const int64_t yy = p * s.stride_h - s.pad_t + r * s.dil_h;
                  const int64_t xx = q * s.stride_w - s.pad_l + t * s.dil_w;
                  if (yy < 0 || yy >= s.h || xx < 0 || xx >= s.w) continue;  // padding: x = x_zp
                  const int64_t c = (k / kpg) * cpg + cg;
                  sum += int64_t(at(xi, x, ((n * s.c + c) * s.h + yy) * s.w + xx) - xi.zero_point) *
                         (at(wi, w, ((k * cpg + cg) * s.r + r) * s.s + t) - wi.zero_point_of(k));
                }
            acc.data[size_t(((n * s.k + k) * s.p + p) * s.q + q)] = int32_t(sum);
          }
    return acc;
  }

  Int32Buffer fc(const Layer& l) {
    const ConvShape s = g_.shape(l);
    const TensorInfo& xi = g_.tensor(l.inputs[0]);
    const TensorInfo& wi = g_.tensor(l.weight);
    const Int8Buffer& x = get(l.inputs[0]);
    const Int8Buffer& w = get(l.weight);
    Int32Buffer acc({s.n, s.k});
    for (int64_t n = 0; n < s.n; ++n)
      for (int64_t k = 0; k < s.k; ++k) {
        int64_t sum = bias(l, k);
        for (int64_t c = 0; c < s.c; ++c)
          sum += int64_t(at(xi, x, n * s.c + c) - xi.zero_point) *
                 (at(wi, w, k * s.c + c) - wi.zero_point_of(k));
        acc.data[size_t(n * s.k + k)] = int32_t(sum);
      }
    return acc;
  }

  Int32Buffer matmul(const Layer& l) {
    const TensorInfo& ai = g_.tensor(l.inputs[0]);
    const bool shared = !l.weight.empty();
    const TensorInfo& bi = g_.tensor(shared ? l.weight : l.inputs.at(1));
    const Int8Buffer& a = get(l.inputs[0]);
    const Int8Buffer& b = get(shared ? l.weight : l.inputs.at(1));
    const int64_t m = ai.shape[ai.shape.size() - 2], kd = ai.shape.back(), nn = bi.shape.back();
    const int64_t batches = ai.elements() / (m * kd);
    Int32Buffer acc({batches * m * nn});
    for (int64_t bt = 0; bt < batches; ++bt)
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < nn; ++j) {
          int64_t sum = bias(l, j);
          for (int64_t c = 0; c < kd; ++c) {
            const int64_t bidx = (shared ? 0 : bt * kd * nn) + c * nn + j;
            sum += int64_t(at(ai, a, (bt * m + i) * kd + c) - ai.zero_point) *
                   (at(bi, b, bidx) - bi.zero_point_of(j));
          }
          acc.data[size_t((bt * m + i) * nn + j)] = int32_t(sum);
        }
    return acc;
  }

  void maxpool(const Layer& l) {
    const ConvShape s = g_.shape(l);
    const TensorInfo& xi = g_.tensor(l.inputs[0]);
    const Int8Buffer& x = get(l.inputs[0]);
    Int8Buffer y({s.n, s.c, s.p, s.q});
    for (int64_t n = 0; n < s.n; ++n)
      for (int64_t c = 0; c < s.c; ++c)
        for (int64_t p = 0; p < s.p; ++p)
          for (int64_t q = 0; q < s.q; ++q) {
            int32_t best = INT32_MIN;
            for (int64_t r = 0; r < s.r; ++r)
              for (int64_t t = 0; t < s.s; ++t) {
                const int64_t yy = p * s.stride_h - s.pad_t + r * s.dil_h;
                const int64_t xx = q * s.stride_w - s.pad_l + t * s.dil_w;
                if (yy < 0 || yy >= s.h || xx < 0 || xx >= s.w) continue;
                best = std::max(best, at(xi, x, ((n * s.c + c) * s.h + yy) * s.w + xx));
              }
            y.data[size_t(((n * s.c + c) * s.p + p) * s.q + q)] = int8_t(uint8_t(best & 0xFF));
          }
    v8_[l.output] = std::move(y);
  }

  const Graph& g_;
  std::map<std::string, Int8Buffer> v8_;
  std::map<std::string, Int32Buffer> v32_;
};

onnx::ValueInfoProto make_value_info(const std::string& name, int elem_type,
                                     const std::vector<int64_t>& shape) {
  onnx::ValueInfoProto vi;
  vi.set_name(name);
  auto* tt = vi.mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elem_type);
  auto* sh = tt->mutable_shape();
  for (int64_t d : shape) {
    auto* dim = sh->add_dim();
    if (d < 0)
      dim->set_dim_param("N");
    else
      dim->set_dim_value(d);
  }
  return vi;
}

}  // namespace

std::string case_dir(const std::string& name) {
  const std::string dir = test::kOnnxNodeData + name;
  if (fs::exists(dir + "/model.onnx")) return dir;
  ADD_FAILURE() << "ONNX backend test case " << dir << " not found: install the Debian package "
                << "libonnx-testdata (a declared dependency, see scripts/install_deps.sh)";
  return "";
}

OnnxModel load_case(const std::string& dir, int64_t batch) {
  std::vector<HostTensor> inputs;
  for (int i = 0;; ++i) {
    const std::string f = dir + "/test_data_set_0/input_" + std::to_string(i) + ".pb";
    if (!fs::exists(f)) break;
    inputs.push_back(read_tensor_file(f));
  }
  return load_onnx_model(dir + "/model.onnx", inputs, batch);
}

std::vector<HostTensor> evaluate(const OnnxModel& m) {
  Evaluator e(m.graph, m.input_values);
  for (const Layer& l : m.graph.layers) e.run(l);
  return output_tensors(m.graph, e.values(), e.wide());
}

ModelBuilder::ModelBuilder() {
  m_.set_ir_version(8);
  m_.set_producer_name("adasim-test");
  auto* op = m_.add_opset_import();
  op->set_domain("");
  op->set_version(13);
  m_.mutable_graph()->set_name("tiny");
}

ModelBuilder& ModelBuilder::input(const std::string& name, int elem_type,
                                  const std::vector<int64_t>& shape) {
  *m_.mutable_graph()->add_input() = make_value_info(name, elem_type, shape);
  return *this;
}

ModelBuilder& ModelBuilder::output(const std::string& name, int elem_type,
                                   const std::vector<int64_t>& shape) {
  *m_.mutable_graph()->add_output() = make_value_info(name, elem_type, shape);
  return *this;
}

ModelBuilder& ModelBuilder::init_float(const std::string& name, const std::vector<int64_t>& shape,
                                       const std::vector<float>& values) {
  onnx::TensorProto* t = m_.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : shape) t->add_dims(d);
  for (float v : values) t->add_float_data(v);
  return *this;
}

ModelBuilder& ModelBuilder::init_int(const std::string& name, int elem_type,
                                     const std::vector<int64_t>& shape,
                                     const std::vector<int64_t>& values) {
  onnx::TensorProto* t = m_.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(elem_type);
  for (int64_t d : shape) t->add_dims(d);
  for (int64_t v : values) {
    if (elem_type == onnx::TensorProto::INT64)
      t->add_int64_data(v);
    else
      t->add_int32_data(int32_t(v));
  }
  return *this;
}

onnx::NodeProto& ModelBuilder::node(const std::string& op, const std::vector<std::string>& inputs,
                                    const std::vector<std::string>& outputs,
                                    const std::string& name) {
  onnx::NodeProto* n = m_.mutable_graph()->add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (const std::string& i : inputs) n->add_input(i);
  for (const std::string& o : outputs) n->add_output(o);
  return *n;
}

void ModelBuilder::set_ints(onnx::NodeProto& n, const std::string& name,
                            const std::vector<int64_t>& v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

void ModelBuilder::set_int(onnx::NodeProto& n, const std::string& name, int64_t v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void ModelBuilder::set_float(onnx::NodeProto& n, const std::string& name, float v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}

std::string ModelBuilder::save(const std::string& file_name) const {
  const fs::path dir =
      fs::path(testing::TempDir()) / ("adasim_onnx_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / file_name).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  m_.SerializeToOstream(&out);
  return path;
}

}  // namespace adasim::workloads::onnx_test
