// SPDX-License-Identifier: Apache-2.0
// Shape inference of the JSON graph parser: each layer's output shape from its inputs, weight
// and attributes, with the created weight tensor of a layer given by out_channels + kernel.
#include <algorithm>

#include "workloads/ir/graph_parser.hpp"

namespace adasim::workloads::detail {

std::optional<Shape> GraphParser::weight_shape(const std::string& name, const std::string& where) {
  auto d = declared_.find(name);
  if (d == declared_.end() || !d->second.info.is_constant) {
    is_.add(where, json(name).dump(),
            "the name of a tensor declared in /tensors with \"constant\": true");
    return std::nullopt;
  }
  d->second.used = true;
  g_.tensors[name] = d->second.info;
  return d->second.info.shape;
}

bool GraphParser::create_weight(const std::string& ptr, Layer& layer, const Shape& shape,
                                const TensorInfo& quant) {
  const std::string name = layer.name + ".weight";
  if (!size_fits(shape, ptr, name)) return false;
  TensorInfo t = quant;
  t.name = name;
  t.shape = shape;
  t.is_constant = true;
  if (declared_.count(name) || avail_.count(name) || producer_.count(name) ||
      g_.tensors.count(name)) {
    is_.add(child_ptr(ptr, "name"), json(layer.name).dump(),
            "a layer name whose created weight tensor \"" + name +
                "\" does not clash with another tensor name");
    return false;
  }
  g_.tensors[name] = t;
  layer.weight = name;
  return true;
}

std::optional<Shape> GraphParser::conv_extent(const std::string& where, const Shape& in,
                                              const Layer& l) {
  const int64_t ext_h = int64_t(l.dil_h) * (l.kernel_h - 1) + 1;
  const int64_t ext_w = int64_t(l.dil_w) * (l.kernel_w - 1) + 1;
  const int64_t hp = in[2] + l.pad_t + l.pad_b, wp = in[3] + l.pad_l + l.pad_r;
  if (ext_h > hp || ext_w > wp) {
    is_.add(
        where,
        "window " + std::to_string(ext_h) + "x" + std::to_string(ext_w) + " (dilation included)",
        "a window that fits the padded input " + std::to_string(hp) + "x" + std::to_string(wp));
    return std::nullopt;
  }
  return Shape{(hp - ext_h) / l.stride_h + 1, (wp - ext_w) / l.stride_w + 1};
}

std::optional<Shape> GraphParser::infer(OpType op, const json& l, const std::string& ptr,
                                        Layer& layer, const LayerAttrs& a,
                                        const std::vector<Shape>& in) {
  switch (op) {
    case OpType::kConv2d:
      return infer_conv(l, ptr, layer, a, in[0]);
    case OpType::kFullyConnected:
      return infer_fc(ptr, layer, a, in[0]);
    case OpType::kMatMul:
      return infer_matmul(ptr, layer, a, in);
    case OpType::kMaxPool:
    case OpType::kAvgPool:
      return infer_pool(l, ptr, layer, a, in[0]);
    case OpType::kAdd: {
      const Shape& x = in[0];
      if (in[1] != x) {
        is_.add(child_ptr(child_ptr(ptr, "inputs"), 1), tensor_text(layer.inputs[1], in[1]),
                "the same shape as inputs[0] " + render_shape(x));
        return std::nullopt;
      }
      return x;
    }
    default:  // op_from_string only yields the ops above
      break;
  }
  return std::nullopt;
}

void GraphParser::bad_input(const std::string& ptr, const Layer& layer, const Shape& x,
                            const std::string& expected) {
  is_.add(child_ptr(child_ptr(ptr, "inputs"), 0), tensor_text(layer.inputs[0], x), expected);
}

std::optional<Shape> GraphParser::infer_conv(const json& l, const std::string& ptr, Layer& layer,
                                             const LayerAttrs& a, const Shape& x) {
  if (x.size() != 4) {
    bad_input(ptr, layer, x, "a rank-4 NCHW activation");
    return std::nullopt;
  }
  const int64_t c = x[1], g = layer.groups;
  Shape w;
  if (a.weight) {
    auto ws = weight_shape(*a.weight, child_ptr(ptr, "weight"));
    if (!ws) return std::nullopt;
    w = *ws;
    if (w.size() != 4 || c % g != 0 || w[1] != c / g || w[0] % g != 0) {
      is_.add(child_ptr(ptr, "weight"), tensor_text(*a.weight, w),
              "a weight of shape [K, C/groups = " + std::to_string(c / g) +
                  ", R, S] with K divisible by groups = " + std::to_string(g));
      return std::nullopt;
    }
  } else {
    if (!a.out_count || !a.kernel) {
      const char* want = "\"weight\" or \"out_channels\" + \"kernel\"";
      if (!l.contains("out_channels")) missing(ptr, "out_channels", want);
      if (!l.contains("kernel")) missing(ptr, "kernel", want);
      return std::nullopt;
    }
    if (c % g != 0 || *a.out_count % g != 0) {
      is_.add(child_ptr(ptr, "groups"), std::to_string(g),
              "a divisor of the input channels (" + std::to_string(c) + ") and of out_channels (" +
                  std::to_string(*a.out_count) + ")");
      return std::nullopt;
    }
    w = {*a.out_count, c / g, (*a.kernel)[0], (*a.kernel)[1]};
    if (!create_weight(ptr, layer, w, a.weight_quant)) return std::nullopt;
  }
  layer.kernel_h = int(w[2]);
  layer.kernel_w = int(w[3]);
  auto pq = conv_extent(child_ptr(ptr, a.weight ? "weight" : "kernel"), x, layer);
  if (!pq) return std::nullopt;
  return Shape{x[0], w[0], (*pq)[0], (*pq)[1]};
}

std::optional<Shape> GraphParser::matrix_weight(const std::string& ptr, const std::string& name,
                                                size_t d, int64_t extent,
                                                const std::string& expected) {
  auto ws = weight_shape(name, child_ptr(ptr, "weight"));
  if (!ws) return std::nullopt;
  if (ws->size() != 2 || (*ws)[d] != extent) {
    is_.add(child_ptr(ptr, "weight"), tensor_text(name, *ws), expected);
    return std::nullopt;
  }
  return ws;
}

std::optional<Shape> GraphParser::infer_fc(const std::string& ptr, Layer& layer,
                                           const LayerAttrs& a, const Shape& x) {
  if (x.size() < 2) {
    bad_input(ptr, layer, x, "an activation of rank >= 2 ([N, ...])");
    return std::nullopt;
  }
  const int64_t c = product(x, 1);
  int64_t k = 0;
  if (a.weight) {
    auto ws =
        matrix_weight(ptr, *a.weight, 1, c, "a weight of shape [K, C = " + std::to_string(c) + "]");
    if (!ws) return std::nullopt;
    k = (*ws)[0];
  } else {
    if (!a.out_count) {
      missing(ptr, "out_features", "\"weight\" or \"out_features\"");
      return std::nullopt;
    }
    k = *a.out_count;
    if (!create_weight(ptr, layer, {k, c}, a.weight_quant)) return std::nullopt;
  }
  return Shape{x[0], k};
}

std::optional<Shape> GraphParser::infer_matmul(const std::string& ptr, Layer& layer,
                                               const LayerAttrs& a, const std::vector<Shape>& in) {
  const Shape& x = in[0];
  if (x.size() < 2) {
    bad_input(ptr, layer, x, "an activation of rank >= 2 ([.., M, Kd])");
    return std::nullopt;
  }
  if (in.size() == 2) return matmul_activations(ptr, layer, a, x, in[1]);
  const int64_t kd = x.back();
  Shape out = x;  // [.., M, Kd] -> [.., M, N]
  if (a.weight) {
    auto ws = matrix_weight(ptr, *a.weight, 0, kd,
                            "a weight of shape [Kd = " + std::to_string(kd) + ", N]");
    if (!ws) return std::nullopt;
    out.back() = (*ws)[1];
  } else {
    if (!a.out_count) {
      missing(ptr, "out_features", "\"weight\", \"out_features\" or a second activation input");
      return std::nullopt;
    }
    if (!create_weight(ptr, layer, {kd, *a.out_count}, a.weight_quant)) return std::nullopt;
    out.back() = *a.out_count;
  }
  return out;
}

std::optional<Shape> GraphParser::matmul_activations(const std::string& ptr, const Layer& layer,
                                                     const LayerAttrs& a, const Shape& x,
                                                     const Shape& b) {
  const int64_t kd = x.back();
  if (a.weight || a.out_count) {
    is_.add(child_ptr(ptr, a.weight ? "weight" : "out_features"),
            a.weight ? json(*a.weight).dump() : std::to_string(*a.out_count),
            "no weight with two activation inputs (B is inputs[1])");
    return std::nullopt;
  }
  const bool lead_ok =
      b.size() == x.size() && x.size() >= 3 && std::equal(x.begin(), x.end() - 2, b.begin());
  if (!lead_ok || b[b.size() - 2] != kd) {
    Shape want(x.begin(), x.end() - 2);
    std::string wtxt = render_shape(want);
    wtxt.pop_back();
    is_.add(child_ptr(child_ptr(ptr, "inputs"), 1), tensor_text(layer.inputs[1], b),
            "an activation B of shape " + wtxt + (want.empty() ? "" : ",") + std::to_string(kd) +
                ",N] matching A " + render_shape(x) + " (rank >= 3: batch first)");
    return std::nullopt;
  }
  Shape out = x;  // [.., M, Kd] -> [.., M, N]
  out.back() = b.back();
  return out;
}

std::optional<Shape> GraphParser::infer_pool(const json& l, const std::string& ptr, Layer& layer,
                                             const LayerAttrs& a, const Shape& x) {
  if (x.size() != 4) {
    bad_input(ptr, layer, x, "a rank-4 NCHW activation");
    return std::nullopt;
  }
  layer.kernel_h = int((*a.kernel)[0]);
  layer.kernel_w = int((*a.kernel)[1]);
  if (layer.pad_t >= layer.kernel_h || layer.pad_b >= layer.kernel_h ||
      layer.pad_l >= layer.kernel_w || layer.pad_r >= layer.kernel_w) {
    is_.add(child_ptr(ptr, "padding"), l["padding"].dump(),
            "padding smaller than the kernel " + render_shape(*a.kernel) +
                " (every window must hold a real element)");
    return std::nullopt;
  }
  auto pq = conv_extent(child_ptr(ptr, "kernel"), x, layer);
  if (!pq) return std::nullopt;
  return Shape{x[0], x[1], (*pq)[0], (*pq)[1]};
}

}  // namespace adasim::workloads::detail
