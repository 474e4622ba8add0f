// SPDX-License-Identifier: Apache-2.0
// Compressed storage formats of one run of quantized values (a tile row or a fibre): dense,
// bitmask, run-length (Eyeriss), CSR and N:M structured sparsity, as real bit-stream encoders and
// decoders, plus a closed-form size for whole tensors and a decoder-cycle model. Abstracts away
// word alignment, memory banking and the micro-architecture of the decoder.
//
// Values are stored one per byte (int8_t). Unsigned tensors are stored bit for bit (uint8 200 is
// the byte -56). A value is a "zero" when its byte equals the tensor's zero-point byte `zero`. In a
// stream a value field holds the low `bits` bits of the byte; decoding sign-extends them
// (is_signed) or zero-extends them (unsigned). Every value, and `zero` itself, must be
// representable in (bits, is_signed), otherwise encoding throws sim::ModelError.
//
// Per format (each an ISparseFormat in arch/sparse/impl/, registered by name in
// i_sparse_format.hpp): what the stream holds, what counts as payload / metadata bits, and the
// decode cost.
// Decode-cost model (decode_cycles): a decoder reads at most one code word per cycle and hands at
// most one stored value field per cycle, with its position, to a zero-skipping consumer. Zeros that
// are implied by metadata cost no cycle; stored value fields (also explicit zeros / padding) cost
// one.
//
//  kDense    every value, `bits` each. payload = n * bits, metadata = 0. Cycles = n.
//  kBitmask  n presence bits (1 = nonzero), then the nonzero values (SCNN, Parashar et al. ISCA
//  2017;
//            SparTen, Gondimalla et al. MICRO 2019). metadata = n, payload = nnz * bits.
//            Cycles = max(nnz, ceil(n / kBitmaskScanBits)): the mask is read kBitmaskScanBits bits
//            per cycle and a priority encoder yields the next nonzero each cycle.
//  kRle      Eyeriss run-length coding (Chen et al., IEEE JSSC 52(1) 2017): code words (run,
//  value),
//            run = number of zeros before the value, run_bits wide (max run R = 2^run_bits - 1).
//            A zero that would make a run exceed R is emitted as an explicit zero value: (R, zero).
//            A trailing run of r zeros is encoded the same way, ending in (r' - 1, zero) for the
//            last r' <= R+1 zeros, so the code words cover exactly n elements (the decoder, given
//            n, checks it). metadata = words * run_bits; payload = words * bits (explicit zeros are
//            payload: they occupy value fields). Cycles = words.
//  kCsr      compressed sparse rows of a [rows][cols] tile (sparse-matrix literature, e.g. Saad,
//            "Iterative Methods for Sparse Linear Systems", 2003, sec. 3.4): rows + 1 row pointers
//            of ptr_bits = ceil(log2(rows * cols + 1)), then one column index of col_bits = max(1,
//            ceil(log2(cols))) per nonzero, then the nonzero values. metadata = (rows + 1) *
//            ptr_bits + nnz * col_bits, payload = nnz * bits. Cycles = rows + nnz (one cycle per
//            row-pointer read, one per nonzero, no overlap).
//  kNm       N:M structured sparsity (NVIDIA A100 Tensor Core GPU Architecture whitepaper, 2020,
//            2:4): each group of m consecutive elements along a row holds at most n nonzeros; a
//            tail of g < m elements is its own group. A group stores k = min(n, g) slots: k indices
//            of idx_bits = ceil(log2(m)) bits (strictly ascending positions in the group), then k
//            values. Groups with fewer than k nonzeros are padded with explicit zeros at their
//            first zero positions. metadata = slots * idx_bits, payload = slots * bits (padding is
//            payload). Cycles = slots (one stored value per cycle). A group with more than n
//            nonzeros throws.
//
// Tile shape (kCsr and kNm only): the run is a row-major [rows][cols] tile; cols = 0 means
// cols = n / rows (rows must divide n), so the default rows = 1, cols = 0 is one row of n. N:M
// groups restart at every row (they run along the last axis). Other formats ignore rows / cols.
// An empty run (n = 0) encodes to an empty stream (0 bits, 0 cycles) in every format.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace adasim::arch {

enum class SparseFormat { kDense, kBitmask, kRle, kCsr, kNm };

/// "dense", "bitmask", "rle", "csr", "nm".
const char* to_string(SparseFormat f);
std::optional<SparseFormat> sparse_format_from_string(std::string_view name);

/// Mask bits a bitmask decoder reads per cycle (see the decode-cost model above).
constexpr int64_t kBitmaskScanBits = 64;

struct FormatParams {
  int bits = 8;           ///< width of one value field, 1..8
  bool is_signed = true;  ///< how a value field narrower than 8 bits is extended on decode
  int run_bits = 5;       ///< kRle: width of the run field, 1..16 (Eyeriss: 5)
  int64_t rows = 1;       ///< kCsr / kNm: tile rows (>= 1)
  int64_t cols = 0;       ///< kCsr / kNm: tile columns; 0 = n / rows
  int n = 2, m = 4;       ///< kNm: at most n nonzeros per group of m, 1 <= n <= m <= 256
};

/// Bits of an encoded run, split into value fields (payload) and everything else (metadata).
struct EncodedSize {
  int64_t payload_bits = 0;
  int64_t metadata_bits = 0;
  int64_t total_bits() const { return payload_bits + metadata_bits; }
  int64_t bytes() const { return (total_bits() + 7) / 8; }  ///< the stream length, rounded up
  bool operator==(const EncodedSize& o) const {
    return payload_bits == o.payload_bits && metadata_bits == o.metadata_bits;
  }
  bool operator!=(const EncodedSize& o) const { return !(*this == o); }
};

struct Encoded {
  SparseFormat format = SparseFormat::kDense;
  FormatParams params;
  int64_t elements = 0;         ///< n, the decoded length
  int8_t zero = 0;              ///< the zero-point byte the run was encoded with
  std::vector<uint8_t> stream;  ///< size.bytes() bytes, LSB-first (see BitWriter)
  EncodedSize size;
};

/// Encodes data[0..n) in format f. Throws sim::ModelError for invalid params, a tile shape that
/// does not match n, a value (or zero) not representable in (bits, is_signed), or an N:M group
/// with more than n nonzeros (the message names the group index).
Encoded encode(SparseFormat f, const FormatParams& p, const int8_t* data, int64_t n, int8_t zero);

/// The exact inverse of encode. Throws sim::ModelError on a malformed stream (wrong length,
/// out-of-range indices, runs past n, unread trailing bits).
std::vector<int8_t> decode(const Encoded& e);

/// The same figures as encode(...).size, counted in one pass without building the stream (for whole
/// tensors). Throws exactly when encode throws.
EncodedSize encoded_size(SparseFormat f, const FormatParams& p, const int8_t* data, int64_t n,
                         int8_t zero);

/// Decoder cycles for a run of `elements` values encoded with size `s` (model above).
int64_t decode_cycles(SparseFormat f, const FormatParams& p, int64_t elements,
                      const EncodedSize& s);

/// True when every group of m consecutive elements along each row (of row_len elements; 0 = one
/// row of n_elems) holds at most n values different from `zero`. A tail shorter than m is its own
/// group. Throws sim::ModelError unless 1 <= n <= m and row_len divides n_elems.
bool satisfies_nm(const int8_t* data, size_t n_elems, int8_t zero, int n, int m,
                  size_t row_len = 0);

/// Bit stream writer. Convention: LSB-first. Stream bit k is bit (k % 8) of byte k / 8; a field is
/// written least-significant bit first and fields pack back to back without alignment. The unused
/// high bits of the last byte are zero, so B bits occupy ceil(B / 8) bytes.
class BitWriter {
 public:
  /// Appends the low `width` bits of `value`, 0 <= width <= 64.
  void put(uint64_t value, int width);
  int64_t bit_count() const { return bits_; }
  const std::vector<uint8_t>& bytes() const { return bytes_; }
  std::vector<uint8_t> take() { return std::move(bytes_); }

 private:
  std::vector<uint8_t> bytes_;
  int64_t bits_ = 0;
};

/// Reads fields written by BitWriter, from the first `bit_count` bits of a byte buffer that must
/// outlive the reader. Reading past bit_count throws sim::ModelError.
class BitReader {
 public:
  BitReader(const std::vector<uint8_t>& bytes, int64_t bit_count);
  uint64_t get(int width);  ///< 0 <= width <= 64
  int64_t position() const { return pos_; }

 private:
  const std::vector<uint8_t>& bytes_;
  int64_t limit_;
  int64_t pos_ = 0;
};

}  // namespace adasim::arch
