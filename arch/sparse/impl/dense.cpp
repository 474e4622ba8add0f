// SPDX-License-Identifier: Apache-2.0
// "dense": every value, `bits` each; no metadata. Cycles = n.
#include "arch/sparse/i_sparse_format.hpp"

namespace adasim::arch {
namespace {

class DenseFormat : public ISparseFormat {
 public:
  SparseFormat id() const override { return SparseFormat::kDense; }

  void emit(FieldWriter& w, const Tile& t, const int8_t* data, int8_t /*zero*/) const override {
    for (int64_t i = 0; i < t.rows * t.cols; ++i) w.value(data[i]);
  }

  void read(FieldReader& r, const Tile& /*t*/, std::vector<int8_t>& out) const override {
    for (auto& v : out) v = r.value();
  }

  EncodedSize size(const FormatParams& p, const Tile& t, const int8_t* /*data*/,
                   int8_t /*zero*/) const override {
    EncodedSize s;
    s.payload_bits = t.rows * t.cols * p.bits;
    return s;
  }

  int64_t decode_cycles(const FormatParams& /*p*/, int64_t elements,
                        int64_t /*values*/) const override {
    return elements;
  }
};

}  // namespace

void register_dense_format(SparseFormatRegistry& r) {
  r.add("dense", "every value, `bits` each, no metadata", {},
        std::make_shared<const DenseFormat>());
}

}  // namespace adasim::arch
