// SPDX-License-Identifier: Apache-2.0
// Output encoder: run cutting and sizes of the stores of final outputs (see output_encoder.hpp).
#include "arch/sparse/output_encoder.hpp"

#include <algorithm>

#include "arch/sparse/i_sparse_format.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {

OutputEncoder::OutputEncoder(SparseFormat f, const StorageFormats& opts,
                             const workloads::TensorInfo& out_t)
    : tensor_elements_(out_t.elements()), tensor_(out_t.name) {
  if (format_impl(f).weights_only())
    throw sim::ModelError(std::string("output encoder: ") + to_string(f) +
                          " is not an output format (tensor '" + out_t.name + "')");
  if (out_t.wide())
    throw sim::ModelError("output encoder: tensor '" + out_t.name + "' is " +
                          std::to_string(out_t.bits) + " bits wide");
  params_.bits = out_t.bits;
  params_.is_signed = out_t.is_signed;
  params_.run_bits = opts.rle_run_bits;
  zero_ = int8_t(uint8_t(out_t.zero_point));
  line_ = out_t.shape.empty() ? std::max<int64_t>(1, tensor_elements_)
                              : std::max<int64_t>(1, out_t.shape.back());
  totals_.format = f;
  totals_.bits = out_t.bits;
}

uint64_t OutputEncoder::store(std::vector<std::pair<int64_t, int8_t>> elems) {
  std::sort(elems.begin(), elems.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < elems.size(); ++i) {
    if (elems[i].first < 0 || elems[i].first >= tensor_elements_)
      throw sim::ModelError("output encoder: index " + std::to_string(elems[i].first) +
                            " is outside tensor '" + tensor_ + "'");
    if (i > 0 && elems[i].first == elems[i - 1].first)
      throw sim::ModelError("output encoder: element " + std::to_string(elems[i].first) +
                            " of tensor '" + tensor_ + "' stored twice in one store");
  }
  EncodedSize bits;
  for (size_t i = 0; i < elems.size();) {
    const int64_t line = elems[i].first / line_;
    run_.clear();
    for (; i < elems.size() && elems[i].first / line_ == line; ++i) run_.push_back(elems[i].second);
    const EncodedSize s =
        encoded_size(totals_.format, params_, run_.data(), int64_t(run_.size()), zero_);
    bits.payload_bits += s.payload_bits;
    bits.metadata_bits += s.metadata_bits;
    ++totals_.runs;
  }
  const int64_t n = int64_t(elems.size());
  totals_.elements += n;
  totals_.dense_bits += n * totals_.bits;
  totals_.size.payload_bits += bits.payload_bits;
  totals_.size.metadata_bits += bits.metadata_bits;
  totals_.encoded_bytes += bits.bytes();
  ++totals_.stores;
  return uint64_t(bits.bytes());
}

}  // namespace adasim::arch
