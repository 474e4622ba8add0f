// SPDX-License-Identifier: Apache-2.0
// JSON graph loader: validates the "adasim-graph" v1 format, infers activation shapes layer by
// layer, and builds the Graph IR. All issues are collected and thrown once as sim::ConfigError.
#include "workloads/ir/json_loader.hpp"

#include <map>
#include <optional>
#include <set>

#include "sim/core/errors.hpp"
#include "workloads/ir/graph_parser.hpp"

namespace adasim::workloads {
namespace detail {

std::optional<OpType> op_from_string(const std::string& s) {
  for (OpType op : {OpType::kConv2d, OpType::kFullyConnected, OpType::kMatMul, OpType::kMaxPool,
                    OpType::kAvgPool, OpType::kAdd})
    if (s == to_string(op)) return op;
  return std::nullopt;
}

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
      if (bad_declared_.count(name))
        avail_[name] = std::nullopt;  // reported already
      else
        is_.add(where, json(name).dump(), "the name of a tensor declared in /tensors");
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

Resolve GraphParser::resolve_activation(const std::string& name, const std::string& where, size_t i,
                                        Shape& shape) {
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
            "a tensor defined before use (it is produced by /layers/" + std::to_string(p->second) +
                ")");
  } else {
    is_.add(where, json(name).dump(),
            "a graph input (listed in /inputs) or the output of an earlier layer");
  }
  return Resolve::kBad;
}

void GraphParser::check_layer_keys(OpType op, const json& l, const std::string& ptr) {
  switch (op) {
    case OpType::kConv2d:
      is_.check_keys(l, ptr,
                     {"name", "op", "inputs", "output", "weight", "out_channels", "kernel",
                      "stride", "padding", "dilation", "groups", "relu", "weight_quant"});
      break;
    case OpType::kFullyConnected:
    case OpType::kMatMul:
      is_.check_keys(
          l, ptr,
          {"name", "op", "inputs", "output", "weight", "out_features", "relu", "weight_quant"});
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
}

void GraphParser::parse_layer(const json& l, size_t i) {
  const std::string ptr = child_ptr("/layers", i);
  if (!is_.require_object(l, ptr)) return;
  std::optional<OpType> op;
  if (auto s = is_.get_string(l, ptr, "op", true)) {
    op = op_from_string(*s);
    if (!op)
      is_.add(child_ptr(ptr, "op"), json(*s).dump(),
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
  check_layer_keys(*op, l, ptr);
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
  define_output(ptr, *out, shape, layer);
}

void GraphParser::define_output(const std::string& ptr, const std::string& out,
                                const std::optional<Shape>& shape, Layer& layer) {
  const std::string optr = child_ptr(ptr, "output");
  auto d = declared_.find(out);
  if (avail_.count(out) || g_.tensors.count(out)) {
    is_.add(optr, json(out).dump(),
            "a tensor name not defined before (graph inputs and layer outputs are written once)");
    return;
  }
  if (d != declared_.end() && d->second.info.is_constant) {
    is_.add(optr, json(out).dump(), "an activation tensor (declared without \"constant\": true)");
    return;
  }
  avail_[out] = std::nullopt;  // poisoned until a shape is known
  if (!shape) return;
  TensorInfo t = g_.tensors.at(layer.inputs[0]);  // inferred outputs inherit quantization
  if (d != declared_.end()) {
    d->second.used = true;
    if (d->second.info.shape != *shape) {
      is_.add(optr, tensor_text(out, d->second.info.shape) + " (declared at " + d->second.ptr + ")",
              "shape " + render_shape(*shape) + " inferred from the layer");
      return;
    }
    t = d->second.info;
  }
  t.name = out;
  t.shape = *shape;
  t.is_constant = false;
  g_.tensors[out] = t;
  layer.output = out;
  avail_[out] = *shape;
  g_.layers.push_back(layer);
}

Graph GraphParser::parse() {
  if (!is_.require_object(j_, "")) is_.throw_if_any();
  is_.check_keys(j_, "",
                 {"format", "version", "name", "description", "batch", "inputs", "outputs",
                  "tensors", "layers"});
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

}  // namespace detail

Graph parse_graph_json(const nlohmann::json& j, const std::string& file_label,
                       int64_t batch_override) {
  return detail::GraphParser(j, file_label, batch_override).parse();
}

Graph load_graph_json(const std::string& path, int64_t batch_override) {
  return parse_graph_json(sim::read_json_input(path), path, batch_override);
}

}  // namespace adasim::workloads
