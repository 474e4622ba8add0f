// SPDX-License-Identifier: Apache-2.0
// "nm": N:M structured sparsity (NVIDIA A100 whitepaper, 2020, 2:4): each group of m consecutive
// elements along a row holds at most n nonzeros (a tail of g < m elements is its own group); a
// group stores min(n, g) slots, each a ceil(log2 m)-bit index and a value (padding zeros fill
// unused slots). Cycles = slots. A group with more than n nonzeros is a ModelError.
#include <algorithm>

#include "arch/sparse/i_sparse_format.hpp"

namespace adasim::arch {
namespace {

[[noreturn]] void nm_violation(const FormatParams& p, int64_t group, int64_t first, int64_t count,
                               int64_t nnz) {
  format_error(SparseFormat::kNm,
               "group " + std::to_string(group) + " (elements " + std::to_string(first) + ".." +
                   std::to_string(first + count - 1) + ") holds " + std::to_string(nnz) +
                   " nonzeros, more than n = " + std::to_string(p.n) +
                   " of m = " + std::to_string(p.m));
}

/// Visits the N:M groups of a tile in stream order: f(group_index, first_element, size).
template <class F>
void for_groups(const Tile& t, int m, F&& f) {
  int64_t g = 0;
  for (int64_t r = 0; r < t.rows; ++r)
    for (int64_t c = 0; c < t.cols; c += m)
      f(g++, r * t.cols + c, std::min<int64_t>(m, t.cols - c));
}

class NmFormat : public ISparseFormat {
 public:
  SparseFormat id() const override { return SparseFormat::kNm; }
  bool tiled() const override { return true; }
  bool weights_only() const override { return true; }
  std::string weights_only_reason() const override { return "N:M is a weight pattern"; }

  void check(const FormatParams& p) const override {
    if (!(p.n >= 1 && p.n <= p.m && p.m <= 256))
      format_error(id(), "n:m " + std::to_string(p.n) + ":" + std::to_string(p.m) +
                             " needs 1 <= n <= m <= 256");
  }

  void emit(FieldWriter& w, const Tile& t, const int8_t* d, int8_t zero) const override {
    const FormatParams& p = w.params();
    const int idx_bits = ceil_log2(p.m);
    std::vector<int64_t> slots;
    for_groups(t, p.m, [&](int64_t g, int64_t first, int64_t count) {
      const int64_t nnz = count_nonzero(d + first, count, zero);
      if (nnz > p.n) nm_violation(p, g, first, count, nnz);
      // Keep every nonzero, then pad with the first zero positions; ascending, distinct.
      int64_t pad = std::min<int64_t>(p.n, count) - nnz;
      slots.clear();
      for (int64_t j = 0; j < count; ++j) {
        if (d[first + j] != zero) {
          slots.push_back(j);
        } else if (pad > 0) {
          slots.push_back(j);
          --pad;
        }
      }
      for (int64_t j : slots) w.meta(uint64_t(j), idx_bits);
      for (int64_t j : slots) w.value(d[first + j]);
    });
  }

  void read(FieldReader& in, const Tile& t, std::vector<int8_t>& out) const override {
    const FormatParams& p = in.params();
    const int idx_bits = ceil_log2(p.m);
    std::vector<int64_t> slots;
    for_groups(t, p.m, [&](int64_t g, int64_t first, int64_t count) {
      slots.assign(size_t(std::min<int64_t>(p.n, count)), 0);
      for (size_t s = 0; s < slots.size(); ++s) {
        slots[s] = int64_t(in.meta(idx_bits));
        if (slots[s] >= count || (s > 0 && slots[s] <= slots[s - 1]))
          format_error(id(), "index " + std::to_string(slots[s]) + " out of order in group " +
                                 std::to_string(g));
      }
      for (int64_t j : slots) out[size_t(first + j)] = in.value();
    });
  }

  EncodedSize size(const FormatParams& p, const Tile& t, const int8_t* data,
                   int8_t zero) const override {
    int64_t slots = 0;
    for_groups(t, p.m, [&](int64_t g, int64_t first, int64_t count) {
      const int64_t group_nnz = count_nonzero(data + first, count, zero);
      if (group_nnz > p.n) nm_violation(p, g, first, count, group_nnz);
      slots += std::min<int64_t>(p.n, count);
    });
    EncodedSize s;
    s.metadata_bits = slots * ceil_log2(p.m);
    s.payload_bits = slots * p.bits;
    return s;
  }

  int64_t decode_cycles(const FormatParams& /*p*/, int64_t /*elements*/,
                        int64_t values) const override {
    return values;  // one value field per slot
  }
};

}  // namespace

bool satisfies_nm(const int8_t* data, size_t n_elems, int8_t zero, int n, int m, size_t row_len) {
  if (!(n >= 1 && n <= m))
    format_error(SparseFormat::kNm,
                 "n:m " + std::to_string(n) + ":" + std::to_string(m) + " needs 1 <= n <= m");
  const size_t cols = row_len == 0 ? n_elems : row_len;
  if (cols != 0 && n_elems % cols != 0)
    format_error(SparseFormat::kNm, "row length " + std::to_string(row_len) + " does not divide " +
                                        std::to_string(n_elems) + " elements");
  for (size_t row = 0; row < n_elems; row += cols)
    for (size_t c = 0; c < cols; c += size_t(m)) {
      const size_t len = std::min(cols, c + size_t(m)) - c;
      if (count_nonzero(data + row + c, int64_t(len), zero) > n) return false;
    }
  return true;
}

void register_nm_format(SparseFormatRegistry& r) {
  namespace p = sim::param;
  r.add("nm", "N:M structured sparsity: per group of m, n slots of (index, value); weights only",
        {p::integer("nm_n").in(1, 16).with_default(2).described(
             "at most nm_n nonzeros in every group of nm_m"),
         p::integer("nm_m").in(1, 16).with_default(4).described("the group size")},
        std::make_shared<const NmFormat>());
}

}  // namespace adasim::arch
