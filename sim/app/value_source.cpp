// SPDX-License-Identifier: Apache-2.0
#include "sim/app/value_source.hpp"

#include <sstream>

#include "sim/core/errors.hpp"
#include "workloads/reference/reference_ops.hpp"

namespace adasim::sim {

namespace {
std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  return out;
}
}  // namespace

workloads::SparsitySpec parse_sparsity_option(const std::string& flag, const std::string& text) {
  const std::string expected = "uniform:D, channel:D (D a density in (0, 1]) or nm:N:M";
  const std::vector<std::string> f = split(text, ':');
  workloads::SparsitySpec s;
  const auto pattern = f.empty() ? std::nullopt : workloads::sparsity_pattern_from_string(f[0]);
  if (!pattern) throw ConfigError("command line", flag, text, expected);
  s.pattern = *pattern;
  try {
    size_t used = 0;
    if (s.pattern == workloads::SparsityPattern::kNm) {
      if (f.size() != 3) throw ConfigError("command line", flag, text, expected);
      s.n = std::stoi(f[1], &used);
      if (used != f[1].size()) throw ConfigError("command line", flag, text, expected);
      s.m = std::stoi(f[2], &used);
      if (used != f[2].size()) throw ConfigError("command line", flag, text, expected);
      s.density = s.m > 0 ? double(s.n) / double(s.m) : 1.0;
    } else {
      if (f.size() != 2) throw ConfigError("command line", flag, text, expected);
      s.density = std::stod(f[1], &used);
      if (used != f[1].size()) throw ConfigError("command line", flag, text, expected);
    }
  } catch (const std::logic_error&) {
    throw ConfigError("command line", flag, text, expected);
  }
  try {
    workloads::validate_sparsity_spec(s);
  } catch (const ConfigError& e) {
    throw ConfigError("command line", flag, text, expected + " (" + e.what() + ")");
  }
  return s;
}

std::string describe(const workloads::SparsitySpec& s) {
  std::ostringstream o;
  o << workloads::to_string(s.pattern) << ":";
  if (s.pattern == workloads::SparsityPattern::kNm)
    o << s.n << ":" << s.m;
  else
    o << s.density;
  return o.str();
}

namespace {
template <class B>
B thinned(B v, const workloads::TensorInfo& t, const ValueOptions& o) {
  std::optional<workloads::SparsitySpec> spec = t.is_constant ? o.weight : o.act;
  if (spec && t.is_constant) spec->columns = o.column_weights.count(t.name) != 0;
  if (spec) workloads::apply_sparsity(v, t, *spec, o.seed);
  return v;
}
}  // namespace

arch::ValueStore::Generator make_generator(const ValueOptions& o) {
  return [o](const workloads::TensorInfo& t) {
    return thinned(workloads::generate_values(t, o.seed), t, o);
  };
}

arch::ValueStore::WideGenerator make_wide_generator(const ValueOptions& o) {
  return [o](const workloads::TensorInfo& t) {
    return thinned(workloads::generate_wide_values(t, o.seed), t, o);
  };
}

std::set<std::string> matmul_weights(const workloads::Graph& g) {
  std::set<std::string> out;
  for (const workloads::Layer& l : g.layers)
    if (l.op == workloads::OpType::kMatMul && !l.weight.empty()) out.insert(l.weight);
  return out;
}

}  // namespace adasim::sim
