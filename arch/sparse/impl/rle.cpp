// SPDX-License-Identifier: Apache-2.0
// "rle": Eyeriss run-length coding (Chen et al., IEEE JSSC 52(1) 2017): code words (run, value),
// run = zeros before the value, run_bits wide; a run that would exceed 2^run_bits - 1, and the
// trailing zeros, become explicit zero values. Cycles = code words.
#include "arch/sparse/i_sparse_format.hpp"

namespace adasim::arch {
namespace {

class RleFormat : public ISparseFormat {
 public:
  SparseFormat id() const override { return SparseFormat::kRle; }

  void check(const FormatParams& p) const override {
    if (p.run_bits < 1 || p.run_bits > 16)
      format_error(id(), "run_bits " + std::to_string(p.run_bits) + " not in 1..16");
  }

  void emit(FieldWriter& w, const Tile& t, const int8_t* d, int8_t zero) const override {
    const int run_bits = w.params().run_bits;
    const int64_t max_run = (int64_t(1) << run_bits) - 1;
    int64_t run = 0;
    for (int64_t i = 0; i < t.rows * t.cols; ++i) {
      if (d[i] != zero) {
        w.meta(uint64_t(run), run_bits);
        w.value(d[i]);
        run = 0;
      } else if (run == max_run) {  // this zero would overflow the run field: explicit zero
        w.meta(uint64_t(run), run_bits);
        w.value(zero);
        run = 0;
      } else {
        ++run;
      }
    }
    if (run > 0) {  // trailing zeros: the last one becomes an explicit zero value
      w.meta(uint64_t(run - 1), run_bits);
      w.value(zero);
    }
  }

  void read(FieldReader& r, const Tile& /*t*/, std::vector<int8_t>& out) const override {
    const int64_t n = int64_t(out.size());
    for (int64_t pos = 0; pos < n;) {
      pos += int64_t(r.meta(r.params().run_bits));  // the zeros are already in `out`
      if (pos >= n)
        format_error(id(), "a run passes the end of the " + std::to_string(n) + " elements");
      out[size_t(pos++)] = r.value();
    }
  }

  EncodedSize size(const FormatParams& p, const Tile& t, const int8_t* data,
                   int8_t zero) const override {
    // Code words: one per nonzero, one per R + 1 zeros inside each zero run before a nonzero
    // (floor(z / (R + 1))), and ceil(z / (R + 1)) for the trailing run.
    const int64_t span = int64_t(1) << p.run_bits;  // R + 1 zeros per explicit-zero word
    int64_t words = 0, z = 0;
    for (int64_t i = 0; i < t.rows * t.cols; ++i) {
      if (data[i] != zero) {
        words += 1 + z / span;
        z = 0;
      } else {
        ++z;
      }
    }
    words += (z + span - 1) / span;
    EncodedSize s;
    s.metadata_bits = words * p.run_bits;
    s.payload_bits = words * p.bits;
    return s;
  }

  int64_t decode_cycles(const FormatParams& /*p*/, int64_t /*elements*/,
                        int64_t values) const override {
    return values;  // one value field per code word
  }
};

}  // namespace

void register_rle_format(SparseFormatRegistry& r) {
  namespace p = sim::param;
  r.add("rle", "Eyeriss run-length coding: (zero run, value) code words",
        {p::integer("rle_run_bits")
             .in(1, 16)
             .with_default(5)
             .in_unit("bits")
             .described("width of the zero-run field (Eyeriss: 5)")},
        std::make_shared<const RleFormat>());
}

}  // namespace adasim::arch
