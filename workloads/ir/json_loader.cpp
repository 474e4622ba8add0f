// SPDX-License-Identifier: Apache-2.0
// JSON graph loader: validates the "adasim-graph" v1 format, infers activation shapes layer by
// layer, and builds the Graph IR. All issues are collected and thrown once as sim::ConfigError.
#include "workloads/ir/json_loader.hpp"

#include <map>
#include <optional>
#include <set>

#include "sim/core/checked_math.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/json_input.hpp"
#include "workloads/ir/graph_checks.hpp"
#include "workloads/ir/json_fields.hpp"
#include "workloads/ir/json_layer_attrs.hpp"

namespace adasim::workloads {
namespace {
using nlohmann::json;
using Shape = std::vector<int64_t>;

struct DeclaredTensor {
  TensorInfo info;
  std::string ptr;
  int64_t file_first_dim = 0;  ///< shape[0] as written in the file (before a batch override)
  bool used = false;
};

enum class Resolve { kKnown, kUnknown, kBad };

int64_t product(const Shape& s, size_t from = 0, size_t to = SIZE_MAX) {
  int64_t p = 1;
  for (size_t i = from; i < s.size() && i < to; ++i) p *= s[i];
  return p;
}

std::string tensor_text(const std::string& name, const Shape& shape) {
  return json(name).dump() + " with shape " + render_shape(shape);
}

std::optional<OpType> op_from_string(const std::string& s) {
  for (OpType op : {OpType::kConv2d, OpType::kFullyConnected, OpType::kMatMul, OpType::kMaxPool,
                    OpType::kAvgPool, OpType::kAdd})
    if (s == to_string(op)) return op;
  return std::nullopt;
}

class GraphParser {
 public:
  GraphParser(const json& j, const std::string& file, int64_t batch_override)
      : j_(j), is_(file), batch_override_(batch_override) {
    g_.source_file = file;
  }
  Graph parse();

 private:
  GraphLocator locator() const;
  void parse_tensors(const json& arr);
  void parse_inputs(int64_t file_batch);
  void parse_layer(const json& l, size_t i);
  Resolve resolve_activation(const std::string& name, const std::string& where, size_t i,
                             Shape& shape);
  std::optional<Shape> infer(OpType op, const json& l, const std::string& ptr, Layer& layer,
                             const LayerAttrs& a, const std::vector<Shape>& in);
  std::optional<Shape> weight_shape(const std::string& name, const std::string& where);
  bool create_weight(const std::string& ptr, Layer& layer, const Shape& shape,
                     const TensorInfo& quant);
  std::optional<Shape> conv_extent(const std::string& where, const Shape& in, const Layer& l);
  /// False (with an issue at `where`) when `shape` has more than sim::kMaxSizeProduct elements.
  bool size_fits(const Shape& shape, const std::string& where, const std::string& name) {
    if (sim::checked_product(shape)) return true;
    is_.add(where, tensor_text(name, shape), size_limit_text("an element count"));
    return false;
  }
  void missing(const std::string& ptr, const char* key, const std::string& expected) {
    is_.add(child_ptr(ptr, key), "nothing (key missing)", expected);
  }

  const json& j_;
  JsonIssues is_;
  int64_t batch_override_;
  Graph g_;
  std::map<std::string, DeclaredTensor> declared_;
  std::set<std::string> bad_declared_;  ///< named in /tensors but invalid (already reported)
  std::map<std::string, size_t> producer_;  ///< output name -> first layer index producing it
  std::map<std::string, std::optional<Shape>> avail_;  ///< activations defined so far
  std::map<std::string, size_t> layer_names_;
};

void GraphParser::parse_tensors(const json& arr) {
  for (size_t i = 0; i < arr.size(); ++i) {
    const json& t = arr[i];
    const std::string ptr = child_ptr("/tensors", i);
    if (!is_.require_object(t, ptr)) continue;
    is_.check_keys(t, ptr, {"name", "shape", "bits", "signed", "scale", "zero_point", "constant"});
    DeclaredTensor d;
    d.ptr = ptr;
    auto name = is_.get_string(t, ptr, "name", true);
    auto shape = is_.get_int_array(t, ptr, "shape", true, {}, 1, kMaxTensorDim);
    parse_quant(is_, t, ptr, d.info);
    if (auto c = is_.get_bool(t, ptr, "constant", false)) d.info.is_constant = *c;
    if (name && !shape) bad_declared_.insert(*name);
    if (!name || !shape) continue;
    d.info.name = *name;
    d.info.shape = *shape;
    d.file_first_dim = (*shape)[0];
    if (declared_.count(*name)) {
      is_.add(child_ptr(ptr, "name"), json(*name).dump(),
              "a tensor name not declared before (first declared at " + declared_[*name].ptr + ")");
      continue;
    }
    if (batch_override_ > 0 && !d.info.is_constant) d.info.shape[0] = batch_override_;
    if (!size_fits(d.info.shape, child_ptr(ptr, "shape"), *name)) {
      bad_declared_.insert(*name);
      continue;
    }
    declared_.emplace(*name, std::move(d));
  }
}

void GraphParser::parse_inputs(int64_t file_batch) {
  auto inputs = is_.get_string_array(j_, "", "inputs", true, 1, SIZE_MAX);
  if (!inputs) return;
  for (size_t k = 0; k < inputs->size(); ++k) {
    const std::string& name = (*inputs)[k];
    const std::string where = child_ptr("/inputs", k);
    auto it = declared_.find(name);
    if (it == declared_.end()) {
      if (bad_declared_.count(name)) avail_[name] = std::nullopt;  // reported already
      else is_.add(where, json(name).dump(), "the name of a tensor declared in /tensors");
      continue;
    }
    DeclaredTensor& d = it->second;
    if (avail_.count(name)) {
      is_.add(where, json(name).dump(), "a graph input listed once");
      continue;
    }
    if (d.info.is_constant) {
      is_.add(where, json(name).dump(),
              "an activation tensor (declared without \"constant\": true)");
      continue;
    }
    // The file's own consistency is checked against its own batch, before any override.
    if (d.file_first_dim != file_batch) {
      is_.add(child_ptr(d.ptr, "shape") + "/0", std::to_string(d.file_first_dim),
              "the batch " + std::to_string(file_batch) + " (first dim of a graph input)");
      d.used = true;
      avail_[name] = std::nullopt;  // known name, unusable shape: no cascade downstream
      continue;
    }
    d.used = true;
    g_.tensors[name] = d.info;
    g_.graph_inputs.push_back(name);
    avail_[name] = d.info.shape;
  }
}

Resolve GraphParser::resolve_activation(const std::string& name, const std::string& where,
                                        size_t i, Shape& shape) {
  auto a = avail_.find(name);
  if (bad_declared_.count(name) && a == avail_.end()) return Resolve::kUnknown;
  if (a != avail_.end()) {
    if (!a->second) return Resolve::kUnknown;
    shape = *a->second;
    return Resolve::kKnown;
  }
  auto d = declared_.find(name);
  auto p = producer_.find(name);
  if (d != declared_.end() && d->second.info.is_constant) {
    is_.add(where, json(name).dump(),
            "an activation (graph input or earlier layer output); constants are referenced "
            "through \"weight\"");
  } else if (p != producer_.end() && p->second >= i) {
    is_.add(where, json(name).dump(),
            "a tensor defined before use (it is produced by /layers/" +
                std::to_string(p->second) + ")");
  } else {
    is_.add(where, json(name).dump(),
            "a graph input (listed in /inputs) or the output of an earlier layer");
  }
  return Resolve::kBad;
}

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
    is_.add(where,
            "window " + std::to_string(ext_h) + "x" + std::to_string(ext_w) +
                " (dilation included)",
            "a window that fits the padded input " + std::to_string(hp) + "x" +
                std::to_string(wp));
    return std::nullopt;
  }
  return Shape{(hp - ext_h) / l.stride_h + 1, (wp - ext_w) / l.stride_w + 1};
}

std::optional<Shape> GraphParser::infer(OpType op, const json& l, const std::string& ptr,
                                        Layer& layer, const LayerAttrs& a,
                                        const std::vector<Shape>& in) {
  const Shape& x = in[0];
  const std::string in0 = child_ptr(child_ptr(ptr, "inputs"), 0);
  const std::string x_text = tensor_text(layer.inputs[0], x);
  const std::string wptr = child_ptr(ptr, "weight");
  switch (op) {
    case OpType::kConv2d: {
      if (x.size() != 4) { is_.add(in0, x_text, "a rank-4 NCHW activation"); return std::nullopt; }
      const int64_t c = x[1], g = layer.groups;
      Shape w;
      if (a.weight) {
        auto ws = weight_shape(*a.weight, wptr);
        if (!ws) return std::nullopt;
        w = *ws;
        if (w.size() != 4 || c % g != 0 || w[1] != c / g || w[0] % g != 0) {
          is_.add(wptr, tensor_text(*a.weight, w),
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
                  "a divisor of the input channels (" + std::to_string(c) +
                      ") and of out_channels (" + std::to_string(*a.out_count) + ")");
          return std::nullopt;
        }
        w = {*a.out_count, c / g, (*a.kernel)[0], (*a.kernel)[1]};
        if (!create_weight(ptr, layer, w, a.weight_quant)) return std::nullopt;
      }
      layer.kernel_h = int(w[2]); layer.kernel_w = int(w[3]);
      auto pq = conv_extent(child_ptr(ptr, a.weight ? "weight" : "kernel"), x, layer);
      if (!pq) return std::nullopt;
      return Shape{x[0], w[0], (*pq)[0], (*pq)[1]};
    }
    case OpType::kFullyConnected: {
      if (x.size() < 2) {
        is_.add(in0, x_text, "an activation of rank >= 2 ([N, ...])");
        return std::nullopt;
      }
      const int64_t c = product(x, 1);
      int64_t k = 0;
      if (a.weight) {
        auto ws = weight_shape(*a.weight, wptr);
        if (!ws) return std::nullopt;
        if (ws->size() != 2 || (*ws)[1] != c) {
          is_.add(wptr, tensor_text(*a.weight, *ws),
                  "a weight of shape [K, C = " + std::to_string(c) + "]");
          return std::nullopt;
        }
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
    case OpType::kMatMul: {
      if (x.size() < 2) {
        is_.add(in0, x_text, "an activation of rank >= 2 ([.., M, Kd])");
        return std::nullopt;
      }
      const int64_t kd = x.back();
      Shape out = x;  // [.., M, Kd] -> [.., M, N]
      if (in.size() == 2) {
        const Shape& b = in[1];
        if (a.weight || a.out_count) {
          is_.add(child_ptr(ptr, a.weight ? "weight" : "out_features"),
                  a.weight ? json(*a.weight).dump() : std::to_string(*a.out_count),
                  "no weight with two activation inputs (B is inputs[1])");
          return std::nullopt;
        }
        const bool lead_ok = b.size() == x.size() && x.size() >= 3 &&
                             std::equal(x.begin(), x.end() - 2, b.begin());
        if (!lead_ok || b[b.size() - 2] != kd) {
          Shape want(x.begin(), x.end() - 2);
          std::string wtxt = render_shape(want);
          wtxt.pop_back();
          is_.add(child_ptr(child_ptr(ptr, "inputs"), 1), tensor_text(layer.inputs[1], b),
                  "an activation B of shape " + wtxt + (want.empty() ? "" : ",") +
                      std::to_string(kd) + ",N] matching A " + render_shape(x) +
                      " (rank >= 3: batch first)");
          return std::nullopt;
        }
        out.back() = b.back();
        return out;
      }
      if (a.weight) {
        auto ws = weight_shape(*a.weight, wptr);
        if (!ws) return std::nullopt;
        if (ws->size() != 2 || (*ws)[0] != kd) {
          is_.add(wptr, tensor_text(*a.weight, *ws),
                  "a weight of shape [Kd = " + std::to_string(kd) + ", N]");
          return std::nullopt;
        }
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
    case OpType::kMaxPool:
    case OpType::kAvgPool: {
      if (x.size() != 4) { is_.add(in0, x_text, "a rank-4 NCHW activation"); return std::nullopt; }
      layer.kernel_h = int((*a.kernel)[0]); layer.kernel_w = int((*a.kernel)[1]);
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
    case OpType::kAdd: {
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

void GraphParser::parse_layer(const json& l, size_t i) {
  const std::string ptr = child_ptr("/layers", i);
  if (!is_.require_object(l, ptr)) return;
  std::optional<OpType> op;
  if (auto s = is_.get_string(l, ptr, "op", true)) {
    op = op_from_string(*s);
    if (!op) is_.add(child_ptr(ptr, "op"), json(*s).dump(),
                     "one of \"conv2d\", \"fc\", \"matmul\", \"maxpool\", \"avgpool\", \"add\"");
  }
  Layer layer;
  auto name = is_.get_string(l, ptr, "name", true);
  if (name) {
    auto [it, fresh] = layer_names_.emplace(*name, i);
    if (!fresh) {
      is_.add(child_ptr(ptr, "name"), json(*name).dump(),
              "a layer name not used before (already used by /layers/" +
                  std::to_string(it->second) + ")");
    }
    layer.name = *name;
  }
  auto out = is_.get_string(l, ptr, "output", true);
  if (!op) {
    if (out && !avail_.count(*out)) avail_[*out] = std::nullopt;  // no cascade downstream
    return;
  }
  switch (*op) {
    case OpType::kConv2d:
      is_.check_keys(l, ptr, {"name", "op", "inputs", "output", "weight", "out_channels", "kernel",
                              "stride", "padding", "dilation", "groups", "relu", "weight_quant"});
      break;
    case OpType::kFullyConnected:
    case OpType::kMatMul:
      is_.check_keys(l, ptr, {"name", "op", "inputs", "output", "weight", "out_features", "relu",
                              "weight_quant"});
      break;
    case OpType::kMaxPool:
    case OpType::kAvgPool:
      is_.check_keys(l, ptr, {"name", "op", "inputs", "output", "kernel", "stride", "padding"});
      break;
    case OpType::kAdd:
      is_.check_keys(l, ptr, {"name", "op", "inputs", "output", "relu"});
      break;
    default:  // op_from_string only yields the ops above
      break;
  }
  layer.op = *op;
  const size_t min_in = *op == OpType::kAdd ? 2 : 1;
  const size_t max_in = (*op == OpType::kAdd || *op == OpType::kMatMul) ? 2 : 1;
  auto ins = is_.get_string_array(l, ptr, "inputs", true, min_in, max_in);
  LayerAttrs attrs = parse_layer_attrs(is_, *op, l, ptr, layer);
  bool known = ins.has_value() && attrs.ok && name.has_value();
  std::vector<Shape> in_shapes;
  if (ins) {
    layer.inputs = *ins;
    for (size_t k = 0; k < ins->size(); ++k) {
      Shape s;
      Resolve r = resolve_activation((*ins)[k], child_ptr(child_ptr(ptr, "inputs"), k), i, s);
      if (r != Resolve::kKnown) known = false;
      in_shapes.push_back(s);
    }
  }
  std::optional<Shape> shape;
  if (known) shape = infer(*op, l, ptr, layer, attrs, in_shapes);
  if (shape && out && !size_fits(*shape, child_ptr(ptr, "output"), *out)) shape.reset();
  if (!out) return;
  const std::string optr = child_ptr(ptr, "output");
  auto d = declared_.find(*out);
  if (avail_.count(*out) || g_.tensors.count(*out)) {
    is_.add(optr, json(*out).dump(),
            "a tensor name not defined before (graph inputs and layer outputs are written once)");
    return;
  }
  if (d != declared_.end() && d->second.info.is_constant) {
    is_.add(optr, json(*out).dump(), "an activation tensor (declared without \"constant\": true)");
    return;
  }
  avail_[*out] = std::nullopt;  // poisoned until a shape is known
  if (!shape) return;
  TensorInfo t = g_.tensors.at(layer.inputs[0]);  // inferred outputs inherit quantization
  if (d != declared_.end()) {
    d->second.used = true;
    if (d->second.info.shape != *shape) {
      is_.add(optr,
              tensor_text(*out, d->second.info.shape) + " (declared at " + d->second.ptr + ")",
              "shape " + render_shape(*shape) + " inferred from the layer");
      return;
    }
    t = d->second.info;
  }
  t.name = *out;
  t.shape = *shape;
  t.is_constant = false;
  g_.tensors[*out] = t;
  layer.output = *out;
  avail_[*out] = *shape;
  g_.layers.push_back(layer);
}

Graph GraphParser::parse() {
  if (!is_.require_object(j_, "")) is_.throw_if_any();
  is_.check_keys(j_, "", {"format", "version", "name", "description", "batch", "inputs",
                          "outputs", "tensors", "layers"});
  if (auto f = is_.get_string(j_, "", "format", true); f && *f != kGraphFormat)
    is_.add("/format", json(*f).dump(), json(kGraphFormat).dump());
  is_.get_int(j_, "", "version", true, kGraphFormatVersion, kGraphFormatVersion);
  if (auto n = is_.get_string(j_, "", "name", true)) g_.name = *n;
  if (j_.contains("description") && !j_["description"].is_string())
    is_.add("/description", j_["description"].dump(), "a string");
  const int64_t file_batch = is_.get_int(j_, "", "batch", true, 1, kMaxTensorDim).value_or(1);
  g_.batch = batch_override_ > 0 ? batch_override_ : file_batch;

  const json empty = json::array();
  auto array_at = [&](const char* key, bool nonempty) -> const json& {
    auto it = j_.find(key);
    if (it == j_.end()) {
      is_.add(std::string("/") + key, "nothing (key missing)", "an array");
      return empty;
    }
    if (!it->is_array() || (nonempty && it->empty())) {
      is_.add(std::string("/") + key, it->dump(), nonempty ? "a non-empty array" : "an array");
      return empty;
    }
    return *it;
  };
  parse_tensors(array_at("tensors", false));
  parse_inputs(file_batch);
  const json& layers = array_at("layers", true);
  for (size_t i = 0; i < layers.size(); ++i)
    if (layers[i].is_object() && layers[i].contains("output") && layers[i]["output"].is_string())
      producer_.emplace(layers[i]["output"].get<std::string>(), i);
  for (size_t i = 0; i < layers.size(); ++i) parse_layer(layers[i], i);

  if (auto outs = is_.get_string_array(j_, "", "outputs", true, 1, SIZE_MAX)) {
    for (size_t k = 0; k < outs->size(); ++k) {
      const std::string& o = (*outs)[k];
      const bool produced = producer_.count(o) && avail_.count(o);
      if (!produced) {
        is_.add(child_ptr("/outputs", k), json(o).dump(), "the output tensor of some layer");
        continue;
      }
      g_.graph_outputs.push_back(o);
    }
  }
  for (const auto& [name, d] : declared_)
    if (!d.used && !producer_.count(name))
      is_.add(child_ptr(d.ptr, "name"), json(name).dump() + " (never used)",
              "a tensor used as a graph input, a layer output or a layer weight");
  is_.throw_if_any();
  check_graph_sizes(g_, is_.file(), locator());
  return g_;
}

GraphLocator GraphParser::locator() const {
  GraphLocator where;
  // With no issue left, g_.layers[i] is /layers/i of the file.
  where.layer = [](size_t i) { return child_ptr("/layers", i); };
  where.tensor = [this](const std::string& name) {
    auto d = declared_.find(name);
    if (d != declared_.end()) return child_ptr(d->second.ptr, "shape");
    for (size_t i = 0; i < g_.layers.size(); ++i) {
      if (g_.layers[i].output == name) return child_ptr(child_ptr("/layers", i), "output");
      if (g_.layers[i].weight == name) return child_ptr("/layers", i);
    }
    return std::string("/inputs");
  };
  return where;
}

}  // namespace

Graph parse_graph_json(const json& j, const std::string& file_label, int64_t batch_override) {
  return GraphParser(j, file_label, batch_override).parse();
}

Graph load_graph_json(const std::string& path, int64_t batch_override) {
  return parse_graph_json(sim::read_json_input(path), path, batch_override);
}

}  // namespace adasim::workloads
