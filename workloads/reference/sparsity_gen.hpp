// SPDX-License-Identifier: Apache-2.0
// Seeded sparsity generator: zeroes values of a tensor (writes its zero-point byte) following a
// pattern (unstructured, N:M structured, whole channels), so that large models without trained
// weights can be studied with realistic zero densities. Models no training or pruning criterion:
// which values survive is random, only the pattern and the density are controlled.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "workloads/ir/graph.hpp"
#include "workloads/ir/tensor_data.hpp"

namespace adasim::workloads {

enum class SparsityPattern { kUniform, kNm, kChannel };

/// "uniform", "nm", "channel".
const char* to_string(SparsityPattern p);
std::optional<SparsityPattern> sparsity_pattern_from_string(std::string_view name);

struct SparsitySpec {
  SparsityPattern pattern = SparsityPattern::kUniform;
  double density = 1.0;  ///< fraction of values kept nonzero, in (0, 1]; not used by kNm
  int n = 2, m = 4;      ///< kNm: n kept per group of m, 1 <= n <= m
  /// kNm on a matmul's B [..][Kd][N] (rank >= 2): groups run down each column, along its
  /// reduction Kd, instead of along the rows (the caller knows how the tensor is used).
  bool columns = false;
};

/// Throws sim::ConfigError (file "sparsity", pointers "/density", "/n", "/m") listing every
/// problem: density outside (0, 1] (also for kNm, where it is otherwise unused), m < 1,
/// n < 1 or n > m.
void validate_sparsity_spec(const SparsitySpec& s);

/// The axis whose slices kChannel keeps or drops: 0 (output channels K) for constant tensors
/// (weights: KCRS conv, [K][C] FC), 1 (C of NCHW) for activations of rank >= 2, else 0.
int sparsity_channel_axis(const TensorInfo& t, size_t rank);

/// Zeroes values of `values` (a buffer of tensor t; its shape is values.shape, row-major, which may
/// differ from t.shape, e.g. a larger batch) in place:
///  kUniform  each element is kept independently with probability `density` (Bernoulli);
///  kNm       along the rows (weights of rank >= 2: each output channel's flattened reduction,
///            elements / shape[0]; otherwise the last axis; with `columns`, down each column of
///            the trailing [Kd][N] matrices), each group of m (a tail shorter than
///            m is its own group of g) keeps exactly min(n, g) elements, positions uniform;
///            `density` is not used (the result has density n/m when a row is a multiple of m);
///  kChannel  round_half_away(density * C) of the C slices along sparsity_channel_axis are kept
///            (uniform choice, possibly none when density * C < 0.5), the others zeroed entirely.
/// Elements not kept become the zero byte int8_t(uint8_t(t.zero_point)). A kept element equal to
/// the zero byte becomes the nearest non-zero value, zero_point + 1 (or zero_point - 1 at the top
/// of int_range(t.bits, t.is_signed)), so the measured density is exactly the kept fraction. Other
/// values are untouched.
/// Randomness: element i (row-major index) draws from a counter-based splitmix64 stream keyed by
/// value_stream_key(seed, t.name) and a salt, independent of generate_values' stream for the same
/// (seed, name). kUniform and kNm draw per element index, kChannel per channel index, so growing
/// dim 0 (batch of an activation) never changes the pattern of earlier samples.
/// Throws sim::ConfigError for an invalid spec (validate_sparsity_spec) and sim::ModelError when
/// values.data does not hold values.shape, t is not int8 storage (bits > 8), t.zero_point lies
/// outside the tensor's range, or t has per-channel zero points that differ from t.zero_point
/// (not supported yet).
void apply_sparsity(Int8Buffer& values, const TensorInfo& t, const SparsitySpec& s, uint64_t seed);
/// The same pattern (the same kept elements for the same seed, name and shape) on a tensor of up
/// to 16 bits held as int32 values: zeroed elements become t.zero_point itself.
void apply_sparsity(Int32Buffer& values, const TensorInfo& t, const SparsitySpec& s,
                    uint64_t seed);

/// Fraction of elements whose byte differs from `zero`; 0 for an empty buffer.
double measured_density(const Int8Buffer& values, int8_t zero);
/// Fraction of elements whose value differs from `zero` (int32-held tensors).
double measured_density(const Int32Buffer& values, int32_t zero);

}  // namespace adasim::workloads
