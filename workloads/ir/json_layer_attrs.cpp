// SPDX-License-Identifier: Apache-2.0
// Graph loader helpers: quantization fields and per-op layer attributes (see json_layer_attrs.hpp).
#include "workloads/ir/json_layer_attrs.hpp"

#include "workloads/ir/graph_checks.hpp"

namespace adasim::workloads {
namespace {
using nlohmann::json;
constexpr int64_t kMaxAttr = kMaxWindowAttr;  // bound for kernel/stride/padding/dilation values
}  // namespace

void parse_quant(JsonIssues& issues, const json& obj, const std::string& ptr, TensorInfo& t) {
  if (auto v = issues.get_int(obj, ptr, "bits", false, 1, 16)) t.bits = int(*v);
  if (auto v = issues.get_bool(obj, ptr, "signed", false)) t.is_signed = *v;
  if (auto v = issues.get_positive_number(obj, ptr, "scale", false)) t.scale = *v;
  const int64_t lo = t.is_signed ? -(int64_t(1) << (t.bits - 1)) : 0;
  const int64_t hi = t.is_signed ? (int64_t(1) << (t.bits - 1)) - 1 : (int64_t(1) << t.bits) - 1;
  if (auto v = issues.get_int(obj, ptr, "zero_point", false, lo, hi)) t.zero_point = int32_t(*v);
}

LayerAttrs parse_layer_attrs(JsonIssues& issues, OpType op, const json& l, const std::string& ptr,
                             Layer& layer) {
  LayerAttrs a;
  const bool is_pool = op == OpType::kMaxPool || op == OpType::kAvgPool;
  const bool has_weight = op == OpType::kConv2d || op == OpType::kFullyConnected ||
                          op == OpType::kMatMul;
  auto track = [&a](bool present_and_bad) { if (present_and_bad) a.ok = false; };
  if (!is_pool) {
    if (auto r = issues.get_bool(l, ptr, "relu", false)) layer.relu = *r;
    else track(l.contains("relu"));
  }
  if (op == OpType::kConv2d || is_pool) {
    if (auto k = issues.get_int_array(l, ptr, "kernel", is_pool, {2}, 1, kMaxAttr)) a.kernel = k;
    else track(l.contains("kernel") || is_pool);
    if (auto s = issues.get_int_array(l, ptr, "stride", is_pool, {2}, 1, kMaxAttr)) {
      layer.stride_h = int((*s)[0]); layer.stride_w = int((*s)[1]);
    } else track(l.contains("stride") || is_pool);
    if (auto p = issues.get_int_array(l, ptr, "padding", false, {2, 4}, 0, kMaxAttr)) {
      if (p->size() == 2) {
        layer.pad_t = layer.pad_b = int((*p)[0]);
        layer.pad_l = layer.pad_r = int((*p)[1]);
      } else {
        layer.pad_t = int((*p)[0]); layer.pad_l = int((*p)[1]);
        layer.pad_b = int((*p)[2]); layer.pad_r = int((*p)[3]);
      }
    } else track(l.contains("padding"));
  }
  if (op == OpType::kConv2d) {
    if (auto d = issues.get_int_array(l, ptr, "dilation", false, {2}, 1, kMaxAttr)) {
      layer.dil_h = int((*d)[0]); layer.dil_w = int((*d)[1]);
    } else track(l.contains("dilation"));
    if (auto g = issues.get_int(l, ptr, "groups", false, 1, kMaxTensorDim))
      layer.groups = *g;
    else track(l.contains("groups"));
  }
  if (has_weight) {
    const char* count_key = op == OpType::kConv2d ? "out_channels" : "out_features";
    a.weight = issues.get_string(l, ptr, "weight", false);
    track(l.contains("weight") && !a.weight);
    if (a.weight) layer.weight = *a.weight;
    a.out_count = issues.get_int(l, ptr, count_key, false, 1, kMaxTensorDim);
    track(l.contains(count_key) && !a.out_count);
    if (l.contains("weight_quant")) {
      const std::string qptr = child_ptr(ptr, "weight_quant");
      if (issues.require_object(l["weight_quant"], qptr)) {
        issues.check_keys(l["weight_quant"], qptr, {"bits", "signed", "scale", "zero_point"});
        parse_quant(issues, l["weight_quant"], qptr, a.weight_quant);
      }
    }
    const bool created = l.contains(count_key) || (op == OpType::kConv2d && l.contains("kernel"));
    if (l.contains("weight") && created) {
      issues.add(child_ptr(ptr, "weight"), l["weight"].dump(),
              std::string("either \"weight\" or \"") + count_key +
                  (op == OpType::kConv2d ? "\" + \"kernel\"" : "\"") + ", not both");
      a.ok = false;
    }
    if (l.contains("weight") && l.contains("weight_quant")) {
      issues.add(child_ptr(ptr, "weight_quant"), l["weight_quant"].dump(),
              "no \"weight_quant\" with an explicit \"weight\" (declare its quantization in "
              "/tensors)");
      a.ok = false;
    }
  }
  return a;
}

}  // namespace adasim::workloads
