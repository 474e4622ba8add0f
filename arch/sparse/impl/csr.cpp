// SPDX-License-Identifier: Apache-2.0
// "csr": compressed sparse rows of a [rows][cols] tile (Saad, "Iterative Methods for Sparse Linear
// Systems", 2003, sec. 3.4): rows + 1 row pointers, one column index per nonzero, the nonzero
// values. Cycles = rows + nnz (one per row-pointer read, one per nonzero, no overlap).
#include <algorithm>

#include "arch/sparse/i_sparse_format.hpp"

namespace adasim::arch {
namespace {

int ptr_bits(const Tile& t) { return ceil_log2(t.rows * t.cols + 1); }
int col_bits(const Tile& t) { return std::max(1, ceil_log2(t.cols)); }

class CsrFormat : public ISparseFormat {
 public:
  SparseFormat id() const override { return SparseFormat::kCsr; }
  bool tiled() const override { return true; }
  bool whole_tile() const override { return true; }

  void emit(FieldWriter& w, const Tile& t, const int8_t* d, int8_t zero) const override {
    int64_t nnz = 0;
    w.meta(0, ptr_bits(t));
    for (int64_t r = 0; r < t.rows; ++r) {
      nnz += count_nonzero(d + r * t.cols, t.cols, zero);
      w.meta(uint64_t(nnz), ptr_bits(t));
    }
    for (int64_t i = 0; i < t.rows * t.cols; ++i)
      if (d[i] != zero) w.meta(uint64_t(i % t.cols), col_bits(t));
    for (int64_t i = 0; i < t.rows * t.cols; ++i)
      if (d[i] != zero) w.value(d[i]);
  }

  void read(FieldReader& in, const Tile& t, std::vector<int8_t>& out) const override {
    std::vector<int64_t> ptr(size_t(t.rows + 1));
    for (auto& q : ptr) q = int64_t(in.meta(ptr_bits(t)));
    for (int64_t r = 0; r < t.rows; ++r)
      if (ptr[0] != 0 || ptr[size_t(r + 1)] < ptr[size_t(r)] ||
          ptr[size_t(r + 1)] - ptr[size_t(r)] > t.cols)
        format_error(id(), "row pointers not monotone within the tile at row " + std::to_string(r));
    std::vector<int64_t> index(size_t(ptr.back()));
    for (int64_t r = 0; r < t.rows; ++r)
      for (int64_t j = ptr[size_t(r)]; j < ptr[size_t(r + 1)]; ++j) {
        const int64_t c = int64_t(in.meta(col_bits(t)));
        if (c >= t.cols || (j > ptr[size_t(r)] && c <= index[size_t(j - 1)] % t.cols))
          format_error(id(), "column index " + std::to_string(c) + " out of order in row " +
                                 std::to_string(r));
        index[size_t(j)] = r * t.cols + c;
      }
    for (int64_t i : index) out[size_t(i)] = in.value();
  }

  EncodedSize size(const FormatParams& p, const Tile& t, const int8_t* data,
                   int8_t zero) const override {
    const int64_t nnz = count_nonzero(data, t.rows * t.cols, zero);
    EncodedSize s;
    s.metadata_bits = (t.rows + 1) * ptr_bits(t) + nnz * col_bits(t);
    s.payload_bits = nnz * p.bits;
    return s;
  }

  int64_t decode_cycles(const FormatParams& p, int64_t elements, int64_t values) const override {
    return tile_shape(id(), p, elements).rows + values;
  }
};

}  // namespace

void register_csr_format(SparseFormatRegistry& r) {
  r.add("csr", "compressed sparse rows of a tile: row pointers, column indices, values", {},
        std::make_shared<const CsrFormat>());
}

}  // namespace adasim::arch
