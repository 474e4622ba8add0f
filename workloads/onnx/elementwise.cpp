// SPDX-License-Identifier: Apache-2.0
// ONNX elementwise operators as scalar functions (see elementwise.hpp). Definitions and default
// attributes from the ONNX operator specification (opset 13-17; Gelu from opset 20).
#include "workloads/onnx/elementwise.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace adasim::workloads::onnx_import {
namespace {

double attr_f(const onnx::NodeProto& n, const char* name, double dflt) {
  for (const auto& a : n.attribute())
    if (a.name() == name && a.type() == onnx::AttributeProto::FLOAT) return a.f();
  return dflt;
}

std::string attr_s(const onnx::NodeProto& n, const char* name, const char* dflt) {
  for (const auto& a : n.attribute())
    if (a.name() == name && a.type() == onnx::AttributeProto::STRING) return a.s();
  return dflt;
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double hard_sigmoid(double x, double a, double b) {
  return std::max(0.0, std::min(1.0, a * x + b));
}

const std::vector<std::string>& unary_ops() {
  static const std::vector<std::string> ops = {
      "Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish",
      "Tanh", "Erf",  "Gelu",      "Exp",     "Log",         "Sqrt",
      "Neg",  "Abs",  "Softplus",  "Elu",     "Selu",        "Reciprocal"};
  return ops;
}

}  // namespace

bool is_unary_op(const std::string& op) {
  return std::find(unary_ops().begin(), unary_ops().end(), op) != unary_ops().end();
}

std::optional<UnaryFn> unary_function(const onnx::NodeProto& n, double lo, double hi) {
  const std::string& op = n.op_type();
  if (op == "Relu") return UnaryFn([](double x) { return std::max(x, 0.0); });
  if (op == "Clip") return UnaryFn([lo, hi](double x) { return std::min(std::max(x, lo), hi); });
  if (op == "LeakyRelu") {
    const double a = attr_f(n, "alpha", 0.01f);
    return UnaryFn([a](double x) { return x >= 0 ? x : a * x; });
  }
  if (op == "Sigmoid") return UnaryFn(sigmoid);
  if (op == "HardSigmoid") {
    const double a = attr_f(n, "alpha", 0.2f), b = attr_f(n, "beta", 0.5f);
    return UnaryFn([a, b](double x) { return hard_sigmoid(x, a, b); });
  }
  if (op == "HardSwish") return UnaryFn([](double x) { return x * hard_sigmoid(x, 1.0 / 6, 0.5); });
  if (op == "Tanh") return UnaryFn([](double x) { return std::tanh(x); });
  if (op == "Erf") return UnaryFn([](double x) { return std::erf(x); });
  if (op == "Gelu") {
    if (attr_s(n, "approximate", "none") == "tanh")
      return UnaryFn([](double x) {
        return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
      });
    return UnaryFn([](double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); });
  }
  if (op == "Exp") return UnaryFn([](double x) { return std::exp(x); });
  if (op == "Log") return UnaryFn([](double x) { return std::log(x); });
  if (op == "Sqrt") return UnaryFn([](double x) { return std::sqrt(x); });
  if (op == "Neg") return UnaryFn([](double x) { return -x; });
  if (op == "Abs") return UnaryFn([](double x) { return std::fabs(x); });
  if (op == "Reciprocal") return UnaryFn([](double x) { return 1.0 / x; });
  if (op == "Softplus") return UnaryFn([](double x) { return std::log1p(std::exp(x)); });
  if (op == "Elu") {
    const double a = attr_f(n, "alpha", 1.0);
    return UnaryFn([a](double x) { return x >= 0 ? x : a * (std::exp(x) - 1.0); });
  }
  if (op == "Selu") {
    const double a = attr_f(n, "alpha", 1.67326319217681884765625);
    const double g = attr_f(n, "gamma", 1.05070102214813232421875);
    return UnaryFn([a, g](double x) { return g * (x > 0 ? x : a * (std::exp(x) - 1.0)); });
  }
  return std::nullopt;
}

std::optional<BinaryFn> binary_function(const std::string& op) {
  static const std::map<std::string, BinaryFn> ops = {
      {"Add", [](double a, double b) { return a + b; }},
      {"Sub", [](double a, double b) { return a - b; }},
      {"Mul", [](double a, double b) { return a * b; }},
      {"Div", [](double a, double b) { return a / b; }},
      {"Pow", [](double a, double b) { return std::pow(a, b); }},
      {"Max", [](double a, double b) { return std::max(a, b); }},
      {"Min", [](double a, double b) { return std::min(a, b); }},
  };
  auto it = ops.find(op);
  if (it == ops.end()) return std::nullopt;
  return it->second;
}

}  // namespace adasim::workloads::onnx_import
