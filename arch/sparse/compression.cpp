// SPDX-License-Identifier: Apache-2.0
// Encoders, decoders and closed-form sizes of the compressed storage formats (see compression.hpp).
// encoded_size counts independently of the stream emitters, so tests comparing the two check both.
#include "arch/sparse/compression.hpp"

#include <algorithm>
#include <iterator>
#include <string>

#include "sim/core/errors.hpp"

namespace adasim::arch {
namespace {

[[noreturn]] void fail(SparseFormat f, const std::string& what) {
  throw sim::ModelError(std::string("sparse format ") + to_string(f) + ": " + what);
}

/// Smallest k with 2^k >= x (x >= 1).
int ceil_log2(int64_t x) {
  int k = 0;
  while ((int64_t(1) << k) < x) ++k;
  return k;
}

bool fits(int8_t v, int bits, bool is_signed) {
  if (bits >= 8) return true;
  if (is_signed) return v >= -(1 << (bits - 1)) && v < (1 << (bits - 1));
  return (uint8_t(v) >> bits) == 0;
}

uint64_t value_field(int8_t v, int bits) { return uint64_t(uint8_t(v)) & ((1u << bits) - 1); }

int8_t from_field(uint64_t field, int bits, bool is_signed) {
  int32_t v = int32_t(field);
  if (bits < 8 && is_signed && (v >> (bits - 1)) != 0) v -= (1 << bits);
  return int8_t(uint8_t(v & 0xFF));
}

void check_params(SparseFormat f, const FormatParams& p) {
  if (p.bits < 1 || p.bits > 8) fail(f, "bits " + std::to_string(p.bits) + " not in 1..8");
  if (f == SparseFormat::kRle && (p.run_bits < 1 || p.run_bits > 16))
    fail(f, "run_bits " + std::to_string(p.run_bits) + " not in 1..16");
  if (f == SparseFormat::kNm && !(p.n >= 1 && p.n <= p.m && p.m <= 256))
    fail(f, "n:m " + std::to_string(p.n) + ":" + std::to_string(p.m) + " needs 1 <= n <= m <= 256");
}

struct Tile {
  int64_t rows = 1, cols = 0;
};

Tile tile_shape(SparseFormat f, const FormatParams& p, int64_t n) {
  if (p.rows < 1 || p.cols < 0)
    fail(f, "tile " + std::to_string(p.rows) + "x" + std::to_string(p.cols) + " invalid");
  const int64_t cols = p.cols == 0 ? n / p.rows : p.cols;
  if (p.rows * cols != n)
    fail(f, "tile " + std::to_string(p.rows) + "x" + std::to_string(p.cols) + " does not hold " +
                std::to_string(n) + " elements");
  return {p.rows, cols};
}

/// Checks the params, the tile shape (CSR / N:M) and the range of every value and of `zero`.
Tile check_input(SparseFormat f, const FormatParams& p, const int8_t* data, int64_t n,
                 int8_t zero) {
  check_params(f, p);
  if (n < 0 || (n > 0 && data == nullptr)) fail(f, "no data for " + std::to_string(n) + " values");
  const std::string range =
      std::to_string(p.bits) + "-bit " + (p.is_signed ? "signed" : "unsigned");
  if (!fits(zero, p.bits, p.is_signed))
    fail(f, "zero byte " + std::to_string(zero) + " not representable as " + range);
  for (int64_t i = 0; i < n; ++i)
    if (!fits(data[i], p.bits, p.is_signed))
      fail(f, "value byte " + std::to_string(data[i]) + " at element " + std::to_string(i) +
                  " not representable as " + range);
  if (n > 0 && (f == SparseFormat::kCsr || f == SparseFormat::kNm)) return tile_shape(f, p, n);
  return {1, n};
}

[[noreturn]] void nm_violation(const FormatParams& p, int64_t group, int64_t first, int64_t count,
                               int64_t nnz) {
  fail(SparseFormat::kNm,
       "group " + std::to_string(group) + " (elements " + std::to_string(first) + ".." +
           std::to_string(first + count - 1) + ") holds " + std::to_string(nnz) +
           " nonzeros, more than n = " + std::to_string(p.n) + " of m = " + std::to_string(p.m));
}

/// Visits the N:M groups of a tile in stream order: f(group_index, first_element, size).
template <class F>
void for_groups(const Tile& t, int m, F&& f) {
  int64_t g = 0;
  for (int64_t r = 0; r < t.rows; ++r)
    for (int64_t c = 0; c < t.cols; c += m)
      f(g++, r * t.cols + c, std::min<int64_t>(m, t.cols - c));
}

/// Writes fields and counts them as payload or metadata.
struct Emitter {
  const FormatParams& p;
  BitWriter w;
  EncodedSize size;
  void meta(uint64_t v, int width) {
    w.put(v, width);
    size.metadata_bits += width;
  }
  void value(int8_t v) {
    w.put(value_field(v, p.bits), p.bits);
    size.payload_bits += p.bits;
  }
};

void emit_rle(Emitter& e, const int8_t* d, int64_t n, int8_t zero) {
  const int64_t max_run = (int64_t(1) << e.p.run_bits) - 1;
  int64_t run = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (d[i] != zero) {
      e.meta(uint64_t(run), e.p.run_bits);
      e.value(d[i]);
      run = 0;
    } else if (run == max_run) {  // this zero would overflow the run field: explicit zero
      e.meta(uint64_t(run), e.p.run_bits);
      e.value(zero);
      run = 0;
    } else {
      ++run;
    }
  }
  if (run > 0) {  // trailing zeros: the last one becomes an explicit zero value
    e.meta(uint64_t(run - 1), e.p.run_bits);
    e.value(zero);
  }
}

void emit_csr(Emitter& e, const Tile& t, const int8_t* d, int8_t zero) {
  const int ptr_bits = ceil_log2(t.rows * t.cols + 1);
  const int col_bits = std::max(1, ceil_log2(t.cols));
  int64_t nnz = 0;
  e.meta(0, ptr_bits);
  for (int64_t r = 0; r < t.rows; ++r) {
    for (int64_t c = 0; c < t.cols; ++c) nnz += d[r * t.cols + c] != zero;
    e.meta(uint64_t(nnz), ptr_bits);
  }
  for (int64_t i = 0; i < t.rows * t.cols; ++i)
    if (d[i] != zero) e.meta(uint64_t(i % t.cols), col_bits);
  for (int64_t i = 0; i < t.rows * t.cols; ++i)
    if (d[i] != zero) e.value(d[i]);
}

void emit_nm(Emitter& e, const Tile& t, const int8_t* d, int8_t zero) {
  const int idx_bits = ceil_log2(e.p.m);
  std::vector<int64_t> slots;
  for_groups(t, e.p.m, [&](int64_t g, int64_t first, int64_t count) {
    const int64_t k = std::min<int64_t>(e.p.n, count);
    int64_t nnz = 0;
    for (int64_t j = 0; j < count; ++j) nnz += d[first + j] != zero;
    if (nnz > e.p.n) nm_violation(e.p, g, first, count, nnz);
    // Keep every nonzero, then pad with the first zero positions; ascending, distinct.
    int64_t pad = k - nnz;
    slots.clear();
    for (int64_t j = 0; j < count; ++j) {
      if (d[first + j] != zero) {
        slots.push_back(j);
      } else if (pad > 0) {
        slots.push_back(j);
        --pad;
      }
    }
    for (int64_t j : slots) e.meta(uint64_t(j), idx_bits);
    for (int64_t j : slots) e.value(d[first + j]);
  });
}

}  // namespace

const char* to_string(SparseFormat f) {
  static constexpr const char* kNames[] = {"dense", "bitmask", "rle", "csr", "nm"};  // enum order
  const auto i = size_t(f);
  return i < std::size(kNames) ? kNames[i] : "?";
}

std::optional<SparseFormat> sparse_format_from_string(std::string_view name) {
  for (SparseFormat f : {SparseFormat::kDense, SparseFormat::kBitmask, SparseFormat::kRle,
                         SparseFormat::kCsr, SparseFormat::kNm})
    if (name == to_string(f)) return f;
  return std::nullopt;
}

void BitWriter::put(uint64_t value, int width) {
  if (width < 0 || width > 64) throw sim::ModelError("BitWriter: width " + std::to_string(width));
  while (width > 0) {
    const int off = int(bits_ & 7);
    if (off == 0) bytes_.push_back(0);
    const int take = std::min(width, 8 - off);
    bytes_.back() = uint8_t(bytes_.back() | ((value & ((1u << take) - 1)) << off));
    value >>= take;
    width -= take;
    bits_ += take;
  }
}

BitReader::BitReader(const std::vector<uint8_t>& bytes, int64_t bit_count)
    : bytes_(bytes), limit_(bit_count) {
  if (bit_count < 0 || bit_count > int64_t(bytes.size()) * 8)
    throw sim::ModelError("BitReader: " + std::to_string(bit_count) + " bits in " +
                          std::to_string(bytes.size()) + " bytes");
}

uint64_t BitReader::get(int width) {
  if (width < 0 || width > 64) throw sim::ModelError("BitReader: width " + std::to_string(width));
  if (pos_ + width > limit_)
    throw sim::ModelError("BitReader: reading " + std::to_string(width) + " bits at bit " +
                          std::to_string(pos_) + " past the end (" + std::to_string(limit_) + ")");
  uint64_t out = 0;
  for (int done = 0; done < width;) {
    const int off = int(pos_ & 7);
    const int take = std::min(width - done, 8 - off);
    const uint64_t chunk = (uint64_t(bytes_[size_t(pos_ >> 3)]) >> off) & ((1u << take) - 1);
    out |= chunk << done;
    done += take;
    pos_ += take;
  }
  return out;
}

Encoded encode(SparseFormat f, const FormatParams& p, const int8_t* data, int64_t n, int8_t zero) {
  const Tile t = check_input(f, p, data, n, zero);
  Emitter e{p, {}, {}};
  if (n > 0) {
    switch (f) {
      case SparseFormat::kDense:
        for (int64_t i = 0; i < n; ++i) e.value(data[i]);
        break;
      case SparseFormat::kBitmask:
        for (int64_t i = 0; i < n; ++i) e.meta(data[i] != zero ? 1 : 0, 1);
        for (int64_t i = 0; i < n; ++i)
          if (data[i] != zero) e.value(data[i]);
        break;
      case SparseFormat::kRle:
        emit_rle(e, data, n, zero);
        break;
      case SparseFormat::kCsr:
        emit_csr(e, t, data, zero);
        break;
      case SparseFormat::kNm:
        emit_nm(e, t, data, zero);
        break;
    }
  }
  if (e.w.bit_count() != e.size.total_bits()) fail(f, "emitter lost count of its bits");
  return Encoded{f, p, n, zero, e.w.take(), e.size};
}

std::vector<int8_t> decode(const Encoded& e) {
  const FormatParams& p = e.params;
  const SparseFormat f = e.format;
  check_params(f, p);
  const int64_t n = e.elements;
  if (n < 0 || e.size.payload_bits < 0 || e.size.metadata_bits < 0 ||
      int64_t(e.stream.size()) != e.size.bytes())
    fail(f, "stream of " + std::to_string(e.stream.size()) + " bytes does not match its size of " +
                std::to_string(e.size.total_bits()) + " bits");
  std::vector<int8_t> out(size_t(n), e.zero);
  if (n == 0) {
    if (e.size.total_bits() != 0) fail(f, "bits in the stream of an empty run");
    return out;
  }
  BitReader in(e.stream, e.size.total_bits());
  auto value = [&] { return from_field(in.get(p.bits), p.bits, p.is_signed); };
  switch (f) {
    case SparseFormat::kDense:
      for (auto& v : out) v = value();
      break;
    case SparseFormat::kBitmask: {
      std::vector<bool> present(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) present[size_t(i)] = in.get(1) != 0;
      for (int64_t i = 0; i < n; ++i)
        if (present[size_t(i)]) out[size_t(i)] = value();
      break;
    }
    case SparseFormat::kRle:
      for (int64_t pos = 0; pos < n;) {
        pos += int64_t(in.get(p.run_bits));  // the zeros are already in `out`
        if (pos >= n) fail(f, "a run passes the end of the " + std::to_string(n) + " elements");
        out[size_t(pos++)] = value();
      }
      break;
    case SparseFormat::kCsr: {
      const Tile t = tile_shape(f, p, n);
      const int ptr_bits = ceil_log2(t.rows * t.cols + 1);
      const int col_bits = std::max(1, ceil_log2(t.cols));
      std::vector<int64_t> ptr(size_t(t.rows + 1));
      for (auto& q : ptr) q = int64_t(in.get(ptr_bits));
      for (int64_t r = 0; r < t.rows; ++r)
        if (ptr[0] != 0 || ptr[size_t(r + 1)] < ptr[size_t(r)] ||
            ptr[size_t(r + 1)] - ptr[size_t(r)] > t.cols)
          fail(f, "row pointers not monotone within the tile at row " + std::to_string(r));
      std::vector<int64_t> index(size_t(ptr.back()));
      for (int64_t r = 0; r < t.rows; ++r)
        for (int64_t j = ptr[size_t(r)]; j < ptr[size_t(r + 1)]; ++j) {
          const int64_t c = int64_t(in.get(col_bits));
          if (c >= t.cols || (j > ptr[size_t(r)] && c <= index[size_t(j - 1)] % t.cols))
            fail(f,
                 "column index " + std::to_string(c) + " out of order in row " + std::to_string(r));
          index[size_t(j)] = r * t.cols + c;
        }
      for (int64_t i : index) out[size_t(i)] = value();
      break;
    }
    case SparseFormat::kNm: {
      const Tile t = tile_shape(f, p, n);
      const int idx_bits = ceil_log2(p.m);
      std::vector<int64_t> slots;
      for_groups(t, p.m, [&](int64_t g, int64_t first, int64_t count) {
        slots.assign(size_t(std::min<int64_t>(p.n, count)), 0);
        for (size_t s = 0; s < slots.size(); ++s) {
          slots[s] = int64_t(in.get(idx_bits));
          if (slots[s] >= count || (s > 0 && slots[s] <= slots[s - 1]))
            fail(f, "index " + std::to_string(slots[s]) + " out of order in group " +
                        std::to_string(g));
        }
        for (int64_t j : slots) out[size_t(first + j)] = value();
      });
      break;
    }
  }
  if (in.position() != e.size.total_bits())
    fail(f, std::to_string(e.size.total_bits() - in.position()) + " bits left unread");
  return out;
}

EncodedSize encoded_size(SparseFormat f, const FormatParams& p, const int8_t* data, int64_t n,
                         int8_t zero) {
  const Tile t = check_input(f, p, data, n, zero);
  EncodedSize s;
  if (n == 0) return s;
  int64_t nnz = 0;
  for (int64_t i = 0; i < n; ++i) nnz += data[i] != zero;
  switch (f) {
    case SparseFormat::kDense:
      s.payload_bits = n * p.bits;
      break;
    case SparseFormat::kBitmask:
      s.metadata_bits = n;
      s.payload_bits = nnz * p.bits;
      break;
    case SparseFormat::kRle: {
      // Code words: one per nonzero, one per R + 1 zeros inside each zero run before a nonzero
      // (floor(z / (R + 1))), and ceil(z / (R + 1)) for the trailing run.
      const int64_t span = int64_t(1) << p.run_bits;  // R + 1 zeros per explicit-zero word
      int64_t words = nnz, z = 0;
      for (int64_t i = 0; i < n; ++i) {
        if (data[i] != zero) {
          words += z / span;
          z = 0;
        } else {
          ++z;
        }
      }
      words += (z + span - 1) / span;
      s.metadata_bits = words * p.run_bits;
      s.payload_bits = words * p.bits;
      break;
    }
    case SparseFormat::kCsr:
      s.metadata_bits =
          (t.rows + 1) * ceil_log2(t.rows * t.cols + 1) + nnz * std::max(1, ceil_log2(t.cols));
      s.payload_bits = nnz * p.bits;
      break;
    case SparseFormat::kNm: {
      int64_t slots = 0;
      for_groups(t, p.m, [&](int64_t g, int64_t first, int64_t count) {
        int64_t group_nnz = 0;
        for (int64_t j = 0; j < count; ++j) group_nnz += data[first + j] != zero;
        if (group_nnz > p.n) nm_violation(p, g, first, count, group_nnz);
        slots += std::min<int64_t>(p.n, count);
      });
      s.metadata_bits = slots * ceil_log2(p.m);
      s.payload_bits = slots * p.bits;
      break;
    }
  }
  return s;
}

int64_t decode_cycles(SparseFormat f, const FormatParams& p, int64_t elements,
                      const EncodedSize& s) {
  check_params(f, p);
  if (elements <= 0) return 0;
  const int64_t values = s.payload_bits / p.bits;  // value fields in the stream
  switch (f) {
    case SparseFormat::kDense: return elements;
    case SparseFormat::kBitmask:
      return std::max(values, (elements + kBitmaskScanBits - 1) / kBitmaskScanBits);
    case SparseFormat::kRle: return values;  // one value field per code word
    case SparseFormat::kCsr: return tile_shape(f, p, elements).rows + values;
    case SparseFormat::kNm: return values;  // one value field per slot
  }
  return 0;
}

bool satisfies_nm(const int8_t* data, size_t n_elems, int8_t zero, int n, int m, size_t row_len) {
  if (!(n >= 1 && n <= m))
    fail(SparseFormat::kNm,
         "n:m " + std::to_string(n) + ":" + std::to_string(m) + " needs 1 <= n <= m");
  const size_t cols = row_len == 0 ? n_elems : row_len;
  if (cols != 0 && n_elems % cols != 0)
    fail(SparseFormat::kNm, "row length " + std::to_string(row_len) + " does not divide " +
                                std::to_string(n_elems) + " elements");
  for (size_t row = 0; row < n_elems; row += cols)
    for (size_t c = 0; c < cols; c += size_t(m)) {
      int nnz = 0;
      for (size_t j = c; j < std::min(cols, c + size_t(m)); ++j) nnz += data[row + j] != zero;
      if (nnz > n) return false;
    }
  return true;
}

}  // namespace adasim::arch
