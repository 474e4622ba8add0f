// SPDX-License-Identifier: Apache-2.0
// Where a run's operand values come from: the model's constants and --input files first, then the
// seeded generator, optionally thinned by the seeded sparsity generator (--weight-sparsity /
// --act-sparsity), so that sparsity studies of models without trained weights run.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "arch/value_store.hpp"
#include "workloads/reference/sparsity_gen.hpp"

namespace adasim::sim {

struct ValueOptions {
  uint64_t seed = 1;
  std::optional<workloads::SparsitySpec> weight;  ///< applied to generated constant tensors
  std::optional<workloads::SparsitySpec> act;     ///< applied to generated graph inputs
  /// Constant tensors used as a matmul's B: N:M groups run down their columns (the reduction).
  std::set<std::string> column_weights;
};

/// Parses "uniform:D", "channel:D" or "nm:N:M" (D: density in (0, 1]); ConfigError naming `flag`.
workloads::SparsitySpec parse_sparsity_option(const std::string& flag, const std::string& text);

/// The generator of tensors without values: uniform values from the seed, then the pattern.
arch::ValueStore::Generator make_generator(const ValueOptions& o);
/// The same for tensors of 9..16 bits (held as int32 values).
arch::ValueStore::WideGenerator make_wide_generator(const ValueOptions& o);
/// The constant tensors graph g uses as a matmul's B (ValueOptions::column_weights).
std::set<std::string> matmul_weights(const workloads::Graph& g);

/// "uniform:0.5"-style text of a spec (for the report's metadata).
std::string describe(const workloads::SparsitySpec& s);

}  // namespace adasim::sim
