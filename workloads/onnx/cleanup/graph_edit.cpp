// SPDX-License-Identifier: Apache-2.0
#include "workloads/onnx/cleanup/graph_edit.hpp"

#include <algorithm>

namespace adasim::workloads::cleanup {

GraphEdit::GraphEdit(onnx::GraphProto& g) : g_(g) { index(); }

void GraphEdit::index() {
  producer_.clear();
  consumers_.clear();
  init_.clear();
  outputs_.clear();
  inputs_.clear();
  for (int i = 0; i < g_.initializer_size(); ++i) init_[g_.initializer(i).name()] = i;
  for (const auto& o : g_.output()) outputs_.insert(o.name());
  for (const auto& in : g_.input()) inputs_.insert(in.name());
  for (int i = 0; i < g_.node_size(); ++i) {
    const onnx::NodeProto& n = g_.node(i);
    for (const std::string& o : n.output())
      if (!o.empty()) producer_[o] = i;
    for (const std::string& in : n.input())
      if (!in.empty()) consumers_[in].push_back(i);
  }
}

const onnx::TensorProto* GraphEdit::initializer(const std::string& value) const {
  auto it = init_.find(value);
  return it == init_.end() ? nullptr : &g_.initializer(it->second);
}

std::optional<ConstTensor> GraphEdit::constant(const std::string& value) const {
  const onnx::TensorProto* t = initializer(value);
  if (!t) return std::nullopt;
  return const_from_proto(*t);
}

void GraphEdit::set_initializer(const std::string& name, const ConstTensor& c) {
  auto it = init_.find(name);
  onnx::TensorProto* t =
      it != init_.end() ? g_.mutable_initializer(it->second) : g_.add_initializer();
  if (it == init_.end()) init_[name] = g_.initializer_size() - 1;
  const_to_proto(c, name, *t);
}

int GraphEdit::producer(const std::string& value) const {
  auto it = producer_.find(value);
  if (it == producer_.end() || removed(it->second)) return -1;
  return it->second;
}

std::vector<int> GraphEdit::consumers(const std::string& value) const {
  std::vector<int> out;
  auto it = consumers_.find(value);
  if (it == consumers_.end()) return out;
  for (int i : it->second)
    if (!removed(i)) out.push_back(i);
  return out;
}

bool GraphEdit::is_graph_output(const std::string& value) const {
  return outputs_.count(value) != 0;
}

bool GraphEdit::is_graph_input(const std::string& value) const { return inputs_.count(value) != 0; }

int GraphEdit::uses(const std::string& value) const {
  int n = int(consumers(value).size());
  for (const auto& o : g_.output()) n += o.name() == value;
  return n;
}

void GraphEdit::redirect(const std::string& from, const std::string& to) {
  auto it = consumers_.find(from);
  if (it == consumers_.end()) return;
  std::vector<int> readers = it->second;
  consumers_.erase(it);
  for (int i : readers) {
    onnx::NodeProto& n = *g_.mutable_node(i);
    for (int k = 0; k < n.input_size(); ++k)
      if (n.input(k) == from) n.set_input(k, to);
    consumers_[to].push_back(i);
  }
}

void GraphEdit::rename(const std::string& from, const std::string& to) {
  const int p = producer(from);
  if (p >= 0) {
    onnx::NodeProto& n = *g_.mutable_node(p);
    for (int k = 0; k < n.output_size(); ++k)
      if (n.output(k) == from) n.set_output(k, to);
    producer_.erase(from);
    producer_[to] = p;
  }
  redirect(from, to);
}

void GraphEdit::commit() {
  if (!removed_.empty()) {
    google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
    for (int i = 0; i < g_.node_size(); ++i)
      if (!removed(i)) kept.Add()->Swap(g_.mutable_node(i));
    g_.mutable_node()->Swap(&kept);
    removed_.clear();
  }
  index();
  // Initializers nobody reads (folded away, or aliases of folded Identity nodes).
  auto unread = [this](const std::string& name) {
    return !consumers_.count(name) && !outputs_.count(name);
  };
  bool dropped = false;
  for (const auto& t : g_.initializer()) dropped = dropped || unread(t.name());
  if (!dropped) return;
  google::protobuf::RepeatedPtrField<onnx::TensorProto> inits;
  for (int i = 0; i < g_.initializer_size(); ++i)
    if (!unread(g_.initializer(i).name())) inits.Add()->Swap(g_.mutable_initializer(i));
  g_.mutable_initializer()->Swap(&inits);
  // Older IR versions list initializers among the graph inputs too: drop those entries as well.
  std::set<std::string> kept_inits;
  for (const auto& t : g_.initializer()) kept_inits.insert(t.name());
  google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> ins;
  for (int i = 0; i < g_.input_size(); ++i) {
    const std::string& name = g_.input(i).name();
    if (consumers_.count(name) || outputs_.count(name) || kept_inits.count(name) ||
        !init_.count(name))
      ins.Add()->Swap(g_.mutable_input(i));
  }
  g_.mutable_input()->Swap(&ins);
  index();
}

const onnx::AttributeProto* node_attr(const onnx::NodeProto& n, const char* name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

int64_t node_attr_int(const onnx::NodeProto& n, const char* name, int64_t dflt) {
  const auto* a = node_attr(n, name);
  return a && a->type() == onnx::AttributeProto::INT ? a->i() : dflt;
}

float node_attr_float(const onnx::NodeProto& n, const char* name, float dflt) {
  const auto* a = node_attr(n, name);
  return a && a->type() == onnx::AttributeProto::FLOAT ? a->f() : dflt;
}

std::string node_attr_string(const onnx::NodeProto& n, const char* name, const char* dflt) {
  const auto* a = node_attr(n, name);
  return a && a->type() == onnx::AttributeProto::STRING ? a->s() : std::string(dflt);
}

std::vector<int64_t> node_attr_ints(const onnx::NodeProto& n, const char* name) {
  const auto* a = node_attr(n, name);
  if (!a || a->type() != onnx::AttributeProto::INTS) return {};
  return {a->ints().begin(), a->ints().end()};
}

void set_attr_ints(onnx::NodeProto& n, const char* name, const std::vector<int64_t>& v) {
  onnx::AttributeProto* a = nullptr;
  for (auto& x : *n.mutable_attribute())
    if (x.name() == name) a = &x;
  if (!a) {
    a = n.add_attribute();
    a->set_name(name);
  }
  a->set_type(onnx::AttributeProto::INTS);
  a->clear_ints();
  for (int64_t x : v) a->add_ints(x);
}

}  // namespace adasim::workloads::cleanup
