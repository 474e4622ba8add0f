// SPDX-License-Identifier: Apache-2.0
// Output encoder on the store path (config "sparsity.storage.ofmap"): sizes each store of a
// layer's final outputs as the encoded stream of the real requantized values it carries, and keeps
// the layer's totals. Abstracts away the encoder's micro-architecture (pipelined: no cycles on the
// timeline) and where the encoded stream lands in DRAM.
//
// Run cutting (exact, so that sizes can be counted by hand): the elements one store carries are
// taken in output-tensor order (flat index); a run is the store's elements that lie in one line of
// the output tensor's innermost axis (W of NKPQ for conv, K of an FC [N][K], N of a matmul
// [..][M][N]), the fibres the next layer's activation_storage uses. Each run is encoded on its
// own with compression.hpp (CSR: a one-row tile). A store is one stream: the bits of its runs
// packed back to back and rounded up to whole bytes once, ceil(sum of run bits / 8).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "arch/sparse/compression.hpp"
#include "arch/spec.hpp"
#include "workloads/ir/graph.hpp"

namespace adasim::arch {

/// What the output encoder stored of one layer's final outputs.
struct OutputStorage {
  SparseFormat format = SparseFormat::kDense;
  int bits = 8;                ///< element width of the output tensor
  int64_t elements = 0;        ///< output values encoded (each once)
  int64_t runs = 0;            ///< encoded runs
  int64_t stores = 0;          ///< stores (streams)
  int64_t dense_bits = 0;      ///< elements * bits
  EncodedSize size;            ///< all runs
  int64_t encoded_bytes = 0;   ///< sum over stores of ceil(store bits / 8): the bytes the DMA moved

  bool compressed() const { return format != SparseFormat::kDense; }
};

class OutputEncoder {
 public:
  /// `f` must be dense, bitmask, rle or csr and `out_t` at most 8 bits wide (sim::ModelError
  /// otherwise: the config checks refuse both before the run).
  OutputEncoder(SparseFormat f, const StorageFormats& opts, const workloads::TensorInfo& out_t);

  /// One store: (flat output index, stored byte) of every element it carries, in any order.
  /// Returns the bytes it moves (run cutting above) and adds it to the totals. Throws
  /// sim::ModelError for an index outside the tensor or an element given twice.
  uint64_t store(std::vector<std::pair<int64_t, int8_t>> elems);

  const OutputStorage& totals() const { return totals_; }

 private:
  FormatParams params_;
  int8_t zero_ = 0;
  int64_t line_ = 1;       ///< elements per innermost line of the output tensor
  int64_t tensor_elements_ = 0;
  std::string tensor_;
  OutputStorage totals_;
  std::vector<int8_t> run_;
};

}  // namespace adasim::arch
