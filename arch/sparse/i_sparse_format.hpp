// SPDX-License-Identifier: Apache-2.0
// ISparseFormat: one compressed storage format (compression.hpp describes the stream convention
// and the decode-cost model every format follows). Implementations live in arch/sparse/impl/ and
// are registered by name in register_sparse_formats() (config keys sparsity.storage.<operand>);
// compression.hpp's encode / decode / encoded_size / decode_cycles dispatch to them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arch/sparse/compression.hpp"
#include "sim/core/registry.hpp"

namespace adasim::arch {

/// The shape of one encoded run: a row-major [rows][cols] tile (rows = 1 for untiled formats).
struct Tile {
  int64_t rows = 1, cols = 0;
};

/// Writes value fields (payload) and everything else (metadata) to a stream, counting both.
class FieldWriter {
 public:
  explicit FieldWriter(const FormatParams& p) : p_(p) {}
  void meta(uint64_t v, int width);
  void value(int8_t v);  ///< the low p.bits bits of the byte
  const FormatParams& params() const { return p_; }
  const EncodedSize& size() const { return size_; }
  BitWriter& writer() { return w_; }

 private:
  const FormatParams& p_;
  BitWriter w_;
  EncodedSize size_;
};

/// Reads what a FieldWriter wrote.
class FieldReader {
 public:
  FieldReader(BitReader& in, const FormatParams& p) : in_(in), p_(p) {}
  uint64_t meta(int width) { return in_.get(width); }
  int8_t value();  ///< sign- or zero-extended per p.is_signed
  const FormatParams& params() const { return p_; }

 private:
  BitReader& in_;
  const FormatParams& p_;
};

/// Contract:
///  - emit(w, t, data, zero) writes the run data[0 .. t.rows * t.cols) (at least one value; every
///    value and `zero` already checked representable) as fields of `w`; read(r, t, out) is its
///    exact inverse (`out` holds t.rows * t.cols bytes pre-filled with `zero`) and throws
///    sim::ModelError on a malformed stream.
///  - size(...) returns exactly emit's EncodedSize without building the stream (tensor sizing).
///  - decode_cycles(p, elements, values) follows the decode-cost model of compression.hpp for a
///    run of `elements` values with `values` stored value fields.
///  - tiled(): the run is a [rows][cols] tile (FormatParams::rows / cols matter); whole_tile():
///    a storage plan sizes a whole tile as one run (CSR) instead of one run per fibre.
///  - weights_only(): only weights may be stored in it; weights_only_reason() says why.
///  - check(p) throws sim::ModelError for parameters the format cannot use.
class ISparseFormat {
 public:
  virtual ~ISparseFormat() = default;
  virtual SparseFormat id() const = 0;
  virtual void check(const FormatParams& /*p*/) const {}
  virtual bool tiled() const { return false; }
  virtual bool whole_tile() const { return false; }
  virtual bool weights_only() const { return false; }
  virtual std::string weights_only_reason() const { return ""; }
  virtual void emit(FieldWriter& w, const Tile& t, const int8_t* data, int8_t zero) const = 0;
  virtual void read(FieldReader& r, const Tile& t, std::vector<int8_t>& out) const = 0;
  virtual EncodedSize size(const FormatParams& p, const Tile& t, const int8_t* data,
                           int8_t zero) const = 0;
  virtual int64_t decode_cycles(const FormatParams& p, int64_t elements, int64_t values) const = 0;
};

/// A format is stateless, so a registry entry's `make` is the codec itself (shared, immutable).
using SparseFormatRegistry = sim::Registry<std::shared_ptr<const ISparseFormat>>;

/// The built-in implementation of `f` (a ModelError if none is registered).
const ISparseFormat& format_impl(SparseFormat f);

/// What an activation (ifmap / ofmap) may be stored in, as an error message says it:
/// "one of \"dense\", ... (<why the weights-only formats are refused>)".
std::string activation_format_expectation(const SparseFormatRegistry& r);

/// Registers every built-in format (called once, from make_components()).
void register_sparse_formats(SparseFormatRegistry& r);

// Built-in formats (arch/sparse/impl/).
void register_dense_format(SparseFormatRegistry& r);    ///< impl/dense.cpp
void register_bitmask_format(SparseFormatRegistry& r);  ///< impl/bitmask.cpp
void register_rle_format(SparseFormatRegistry& r);      ///< impl/rle.cpp
void register_csr_format(SparseFormatRegistry& r);      ///< impl/csr.cpp
void register_nm_format(SparseFormatRegistry& r);       ///< impl/nm.cpp

// Helpers shared by the implementations.
/// Throws sim::ModelError "sparse format <name>: <what>".
[[noreturn]] void format_error(SparseFormat f, const std::string& what);
/// Smallest k with 2^k >= x (x >= 1).
int ceil_log2(int64_t x);
/// Nonzeros (values != zero) of data[0..n).
int64_t count_nonzero(const int8_t* data, int64_t n, int8_t zero);
/// The tile of a tiled format's run of n values: rows x cols, cols = 0 meaning n / rows; a shape
/// that does not hold n values is a ModelError.
Tile tile_shape(SparseFormat f, const FormatParams& p, int64_t n);

}  // namespace adasim::arch
