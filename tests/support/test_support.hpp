// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the SystemC tests: specs built in code (no config parser involved), graphs of
// independent layers, and a deterministic operand generator local to the tests.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "arch/spec.hpp"
#include "arch/value_store.hpp"
#include "workloads/ir/graph.hpp"
#include "workloads/ir/tensor_data.hpp"

namespace adasim::test {

/// A spec with stall-free memory (ideal SRAM and DRAM, a bus wide enough for any demand).
arch::AcceleratorSpec ideal_spec(int rows, int cols, std::string df,
                                 arch::TimingConvention conv = arch::TimingConvention::kFaithful,
                                 int noc_latency = 0);

/// A spec with one real (finite) global buffer and a finite DRAM.
arch::AcceleratorSpec real_spec(int rows, int cols, std::string df, double dram_gb_per_s,
                                int64_t gbuf_bytes = 256 * 1024);

/// A spatial (NoC-fed) array running one spatial dataflow, with one global buffer of
/// `gbuf_bytes` and finite DRAM; `rf_bytes` per PE.
arch::AcceleratorSpec spatial_spec(int rows, int cols, std::string df, int64_t rf_bytes,
                                   int64_t gbuf_bytes, double dram_gb_per_s = 8.0);

/// A 4x4 WS array with a 4 KiB global buffer ("gbuf", finite DRAM at 16 GB/s), chunks of 8, and a
/// 64-byte L1 ("l1") holding the ifmap: filled from the buffer (`chained`, which then holds the
/// ifmap too) or from DRAM (the buffer holds the weights and outputs only).
arch::AcceleratorSpec ifmap_l1_spec(bool chained);

struct ConvDesc {
  std::string name;
  int64_t n = 1, c = 1, h = 1, w = 1, k = 1, r = 1, s = 1;
  int stride = 1, pad = 0, dil = 1;
  int64_t groups = 1;
};

/// Adds an independent conv2d layer (its own graph input and weight) to `g`.
void add_conv(workloads::Graph& g, const ConvDesc& d);
/// Adds an independent fully connected layer: input [n][c], weight [k][c].
void add_fc(workloads::Graph& g, const std::string& name, int64_t n, int64_t c, int64_t k);
/// Six independent FC layers of batch 16, fc0..fc5 with c = k = 8, 4, 8, 8, 4, 8: on an 8x8 WS
/// array (Kred on the rows, N on the columns) footprints of 64, 16, 64, 64, 16, 64 PEs, so a
/// per-layer power policy turns PEs off in fc1 and fc4 and wakes them in fc2 and fc5.
workloads::Graph fc_sequence();
/// Adds an independent matmul a [b][m][kd] x b [kd][n] (weight) or [b][kd][n] (activation).
void add_matmul(workloads::Graph& g, const std::string& name, int64_t b, int64_t m, int64_t kd,
                int64_t n, bool activation_b);

/// An 8-bit tensor description (no values: those come from the generator).
workloads::TensorInfo make_tensor(const std::string& name, std::vector<int64_t> shape,
                                  bool constant);

/// The functional-check layer set: padding, stride 2, dilation 2, 2 groups, depthwise (stride 1
/// and 2), batch 2 1x1, a rectangular kernel, FC with batch 3, matmuls with shared and per-batch B.
void add_functional_layers(workloads::Graph& g);

/// Per array layer of `g`, how many of its int32 results in `acc` differ from the reference
/// kernel run on the operands `test_generator(seed)` makes (SIZE_MAX: wrong result size).
std::map<std::string, size_t> reference_mismatches(
    const workloads::Graph& g, const std::map<std::string, workloads::Int32Buffer>& acc,
    uint64_t seed);

/// The same check with the operands `gen` makes (e.g. test_generator with a sparsity pattern).
std::map<std::string, size_t> reference_mismatches(
    const workloads::Graph& g, const std::map<std::string, workloads::Int32Buffer>& acc,
    const arch::ValueStore::Generator& gen);

/// Limits of random_array_layers (the defaults: the systolic estimate tests' layers).
struct RandomLayerLimits {
  bool matmul = true;    ///< matmuls among the kinds (spatial arrays map convs and FCs only)
  bool dilation = true;  ///< dilated convs among the kinds
  int fc_n = 4, fc_c = 70, fc_k = 50;
  int groups = 6, c = 12, k = 24;  ///< most groups; most channels (per group when ungrouped)
};

/// A graph of `n` random array layers (convs with padding, stride, dilation, groups and batch,
/// FCs, matmuls), small enough to simulate in well under a second.
workloads::Graph random_array_layers(std::mt19937_64& rng, int n,
                                     const RandomLayerLimits& lim = {});

/// Appends `n` random vector layers to `g`: elementwise adds and max / average pools (window
/// 1-3, stride 1-2, padding 0-1) of batch 1-2, 1-16 channels, 3-24 x 3-24 pixels.
void add_random_vector_layers(std::mt19937_64& rng, workloads::Graph& g, int n);

/// Values uniform in [-128, 127] from a splitmix64 stream keyed by tensor name and seed.
arch::ValueStore::Generator test_generator(uint64_t seed);

}  // namespace adasim::test
