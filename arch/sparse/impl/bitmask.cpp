// SPDX-License-Identifier: Apache-2.0
// "bitmask": n presence bits (1 = nonzero), then the nonzero values (SCNN, Parashar et al. ISCA
// 2017; SparTen, Gondimalla et al. MICRO 2019). Cycles = max(nnz, ceil(n / kBitmaskScanBits)).
#include <algorithm>

#include "arch/sparse/i_sparse_format.hpp"

namespace adasim::arch {
namespace {

class BitmaskFormat : public ISparseFormat {
 public:
  SparseFormat id() const override { return SparseFormat::kBitmask; }

  void emit(FieldWriter& w, const Tile& t, const int8_t* data, int8_t zero) const override {
    const int64_t n = t.rows * t.cols;
    for (int64_t i = 0; i < n; ++i) w.meta(data[i] != zero ? 1 : 0, 1);
    for (int64_t i = 0; i < n; ++i)
      if (data[i] != zero) w.value(data[i]);
  }

  void read(FieldReader& r, const Tile& /*t*/, std::vector<int8_t>& out) const override {
    std::vector<bool> present(out.size());
    for (size_t i = 0; i < out.size(); ++i) present[i] = r.meta(1) != 0;
    for (size_t i = 0; i < out.size(); ++i)
      if (present[i]) out[i] = r.value();
  }

  EncodedSize size(const FormatParams& p, const Tile& t, const int8_t* data,
                   int8_t zero) const override {
    const int64_t n = t.rows * t.cols;
    EncodedSize s;
    s.metadata_bits = n;
    s.payload_bits = count_nonzero(data, n, zero) * p.bits;
    return s;
  }

  int64_t decode_cycles(const FormatParams& /*p*/, int64_t elements,
                        int64_t values) const override {
    return std::max(values, (elements + kBitmaskScanBits - 1) / kBitmaskScanBits);
  }
};

}  // namespace

void register_bitmask_format(SparseFormatRegistry& r) {
  r.add("bitmask", "one presence bit per value, then the nonzero values", {},
        std::make_shared<const BitmaskFormat>());
}

}  // namespace adasim::arch
