// SPDX-License-Identifier: Apache-2.0
// Float32 kernels of the evaluator (see float_kernels.hpp): each output element accumulated in
// double, stored as float32. The convolution walks rows of outputs so that the inner loop reads
// contiguous inputs (about 1-2 G multiply-adds per second on one core: a ResNet-18 image takes
// one to two seconds).
#include "workloads/onnx/quantize/float_kernels.hpp"

#include <algorithm>
#include <limits>

#include "sim/core/errors.hpp"
#include "workloads/reference/vector_reference.hpp"

namespace adasim::workloads::quantize {
namespace {

int64_t count(const std::vector<int64_t>& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

}  // namespace

int64_t FloatTensor::elements() const { return count(shape); }

FloatTensor conv2d(const FloatTensor& x, const FloatTensor& w, const std::vector<float>& bias,
                   int64_t groups, const Window2d& win) {
  const int64_t n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
  const int64_t k = w.shape[0], cg = w.shape[1], r = w.shape[2], s = w.shape[3];
  const int64_t p = win.out[0], q = win.out[1], kg = k / groups;
  FloatTensor y{{n, k, p, q}, {}};
  y.data.assign(size_t(n * k * p * q), 0.0f);
  std::vector<double> acc(static_cast<size_t>(q));
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ko = 0; ko < k; ++ko) {
      const int64_t g = ko / kg;
      for (int64_t po = 0; po < p; ++po) {
        std::fill(acc.begin(), acc.end(), bias.empty() ? 0.0 : double(bias[size_t(ko)]));
        for (int64_t ci = 0; ci < cg; ++ci) {
          const float* plane = &x.data[size_t(((b * c) + g * cg + ci) * h * wd)];
          for (int64_t ri = 0; ri < r; ++ri) {
            const int64_t yy = po * win.stride[0] - win.pads[0] + ri * win.dilation[0];
            if (yy < 0 || yy >= h) continue;
            for (int64_t si = 0; si < s; ++si) {
              const double wv = w.data[size_t(((ko * cg + ci) * r + ri) * s + si)];
              const int64_t x0 = si * win.dilation[1] - win.pads[1];
              for (int64_t qo = 0; qo < q; ++qo) {
                const int64_t xx = qo * win.stride[1] + x0;
                if (xx >= 0 && xx < wd) acc[size_t(qo)] += wv * double(plane[yy * wd + xx]);
              }
            }
          }
        }
        float* out = &y.data[size_t(((b * k + ko) * p + po) * q)];
        for (int64_t qo = 0; qo < q; ++qo) out[qo] = float(acc[size_t(qo)]);
      }
    }
  return y;
}

FloatTensor pool2d(const FloatTensor& x, const Window2d& win, bool max, bool count_include_pad) {
  const int64_t n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
  const int64_t p = win.out[0], q = win.out[1];
  FloatTensor y{{n, c, p, q}, std::vector<float>(size_t(n * c * p * q))};
  size_t o = 0;
  for (int64_t plane = 0; plane < n * c; ++plane)
    for (int64_t po = 0; po < p; ++po)
      for (int64_t qo = 0; qo < q; ++qo, ++o) {
        double sum = 0, best = -std::numeric_limits<double>::infinity();
        int64_t real = 0, padded = 0;
        for (int64_t ri = 0; ri < win.kernel[0]; ++ri)
          for (int64_t si = 0; si < win.kernel[1]; ++si) {
            const int64_t yy = po * win.stride[0] - win.pads[0] + ri * win.dilation[0];
            const int64_t xx = qo * win.stride[1] - win.pads[1] + si * win.dilation[1];
            if (yy >= -win.pads[0] && yy < h + win.pads[2] && xx >= -win.pads[1] &&
                xx < wd + win.pads[3])
              ++padded;
            if (yy < 0 || yy >= h || xx < 0 || xx >= wd) continue;
            const double v = x.data[size_t((plane * h + yy) * wd + xx)];
            sum += v;
            best = std::max(best, v);
            ++real;
          }
        const int64_t div = count_include_pad ? padded : real;
        y.data[o] = max ? float(best) : float(div > 0 ? sum / double(div) : 0.0);
      }
  return y;
}

FloatTensor matmul(const FloatTensor& a_in, const FloatTensor& b_in) {
  FloatTensor a = a_in, b = b_in;
  const bool a1 = a.shape.size() == 1, b1 = b.shape.size() == 1;
  if (a1) a.shape.insert(a.shape.begin(), 1);
  if (b1) b.shape.push_back(1);
  const int64_t m = a.shape[a.shape.size() - 2], kd = a.shape.back();
  const int64_t kb = b.shape[b.shape.size() - 2], nn = b.shape.back();
  if (kd != kb) throw sim::ModelError("float matmul: inner dims differ");
  const std::vector<int64_t> ab(a.shape.begin(), a.shape.end() - 2),
      bb(b.shape.begin(), b.shape.end() - 2);
  const std::vector<int64_t> batch = broadcast_shapes({ab, bb});
  std::vector<int64_t> out_shape = batch;
  out_shape.push_back(m);
  out_shape.push_back(nn);
  FloatTensor y{out_shape, std::vector<float>(size_t(count(out_shape)))};
  const int64_t batches = count(batch);
  for (int64_t t = 0; t < batches; ++t) {
    // Batch offsets of a and b (size-1 dims broadcast).
    int64_t rem = t, oa = 0, ob = 0, sa = 1, sb = 1;
    for (size_t d = batch.size(); d-- > 0;) {
      const int64_t coord = rem % batch[d];
      rem /= batch[d];
      const int64_t da = d + ab.size() >= batch.size() ? int64_t(d + ab.size() - batch.size()) : -1;
      const int64_t db = d + bb.size() >= batch.size() ? int64_t(d + bb.size() - batch.size()) : -1;
      if (da >= 0) {
        if (ab[size_t(da)] != 1) oa += coord * sa;
        sa *= ab[size_t(da)];
      }
      if (db >= 0) {
        if (bb[size_t(db)] != 1) ob += coord * sb;
        sb *= bb[size_t(db)];
      }
    }
    const float* pa = &a.data[size_t(oa * m * kd)];
    const float* pb = &b.data[size_t(ob * kd * nn)];
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < nn; ++j) {
        double acc = 0;
        for (int64_t x = 0; x < kd; ++x) acc += double(pa[i * kd + x]) * double(pb[x * nn + j]);
        y.data[size_t((t * m + i) * nn + j)] = float(acc);
      }
  }
  if (a1) y.shape.erase(y.shape.end() - 2);
  if (b1) y.shape.pop_back();
  return y;
}

FloatTensor gemm(const FloatTensor& a, const FloatTensor& b, const FloatTensor* c, float alpha,
                 float beta, bool trans_a, bool trans_b) {
  const int64_t m = trans_a ? a.shape[1] : a.shape[0], kd = trans_a ? a.shape[0] : a.shape[1];
  const int64_t n = trans_b ? b.shape[0] : b.shape[1];
  FloatTensor y{{m, n}, std::vector<float>(size_t(m * n))};
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double acc = 0;
      for (int64_t x = 0; x < kd; ++x) {
        const double av = trans_a ? a.data[size_t(x * m + i)] : a.data[size_t(i * kd + x)];
        const double bv = trans_b ? b.data[size_t(j * kd + x)] : b.data[size_t(x * n + j)];
        acc += av * bv;
      }
      double cv = 0;
      if (c) {  // C broadcast to [M][N]: [], [N], [1, N], [M, 1], [M, N]
        const std::vector<int64_t>& cs = c->shape;
        const int64_t rows = cs.size() == 2 ? cs[0] : 1, cols = cs.empty() ? 1 : cs.back();
        cv = c->data[size_t((rows == 1 ? 0 : i) * cols + (cols == 1 ? 0 : j))];
      }
      y.data[size_t(i * n + j)] = float(double(alpha) * acc + double(beta) * cv);
    }
  return y;
}

}  // namespace adasim::workloads::quantize
