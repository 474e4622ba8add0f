// SPDX-License-Identifier: Apache-2.0
// The codec core of the compressed storage formats (see compression.hpp): bit streams, input
// checks and the dispatch to the format implementations (arch/sparse/impl/, i_sparse_format.hpp).
// Each format's size() counts independently of its emit(), so tests comparing the two check both.
#include "arch/sparse/compression.hpp"

#include <algorithm>
#include <string>

#include "arch/components.hpp"
#include "arch/sparse/i_sparse_format.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {
namespace {

bool fits(int8_t v, int bits, bool is_signed) {
  if (bits >= 8) return true;
  if (is_signed) return v >= -(1 << (bits - 1)) && v < (1 << (bits - 1));
  return (uint8_t(v) >> bits) == 0;
}

/// Checks the params (generic, then the format's own).
const ISparseFormat& checked(SparseFormat f, const FormatParams& p) {
  if (p.bits < 1 || p.bits > 8) format_error(f, "bits " + std::to_string(p.bits) + " not in 1..8");
  const ISparseFormat& impl = format_impl(f);
  impl.check(p);
  return impl;
}

/// Checks the params, the range of every value and of `zero`; returns the run's tile.
Tile check_input(const ISparseFormat& impl, const FormatParams& p, const int8_t* data, int64_t n,
                 int8_t zero) {
  const SparseFormat f = impl.id();
  if (n < 0 || (n > 0 && data == nullptr))
    format_error(f, "no data for " + std::to_string(n) + " values");
  const std::string range =
      std::to_string(p.bits) + "-bit " + (p.is_signed ? "signed" : "unsigned");
  if (!fits(zero, p.bits, p.is_signed))
    format_error(f, "zero byte " + std::to_string(zero) + " not representable as " + range);
  for (int64_t i = 0; i < n; ++i)
    if (!fits(data[i], p.bits, p.is_signed))
      format_error(f, "value byte " + std::to_string(data[i]) + " at element " + std::to_string(i) +
                          " not representable as " + range);
  if (n > 0 && impl.tiled()) return tile_shape(f, p, n);
  return {1, n};
}

}  // namespace

[[noreturn]] void format_error(SparseFormat f, const std::string& what) {
  throw sim::ModelError(std::string("sparse format ") + to_string(f) + ": " + what);
}

int ceil_log2(int64_t x) {
  int k = 0;
  while ((int64_t(1) << k) < x) ++k;
  return k;
}

int64_t count_nonzero(const int8_t* data, int64_t n, int8_t zero) {
  int64_t nnz = 0;
  for (int64_t i = 0; i < n; ++i) nnz += data[i] != zero;
  return nnz;
}

Tile tile_shape(SparseFormat f, const FormatParams& p, int64_t n) {
  if (p.rows < 1 || p.cols < 0)
    format_error(f, "tile " + std::to_string(p.rows) + "x" + std::to_string(p.cols) + " invalid");
  const int64_t cols = p.cols == 0 ? n / p.rows : p.cols;
  if (p.rows * cols != n)
    format_error(f, "tile " + std::to_string(p.rows) + "x" + std::to_string(p.cols) +
                        " does not hold " + std::to_string(n) + " elements");
  return {p.rows, cols};
}

void FieldWriter::meta(uint64_t v, int width) {
  w_.put(v, width);
  size_.metadata_bits += width;
}

void FieldWriter::value(int8_t v) {
  w_.put(uint64_t(uint8_t(v)) & ((1u << p_.bits) - 1), p_.bits);
  size_.payload_bits += p_.bits;
}

int8_t FieldReader::value() {
  int32_t v = int32_t(in_.get(p_.bits));
  if (p_.bits < 8 && p_.is_signed && (v >> (p_.bits - 1)) != 0) v -= (1 << p_.bits);
  return int8_t(uint8_t(v & 0xFF));
}

const char* to_string(SparseFormat f) {
  for (const auto& e : builtin_components().sparse_format.entries())
    if (e.make->id() == f) return e.doc.name.c_str();
  return "?";
}

std::optional<SparseFormat> sparse_format_from_string(std::string_view name) {
  if (const auto* e = builtin_components().sparse_format.find(std::string(name)))
    return e->make->id();
  return std::nullopt;
}

const ISparseFormat& format_impl(SparseFormat f) {
  for (const auto& e : builtin_components().sparse_format.entries())
    if (e.make->id() == f) return *e.make;
  throw sim::ModelError("no sparse format registered for id " + std::to_string(int(f)));
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
  const ISparseFormat& impl = checked(f, p);
  const Tile t = check_input(impl, p, data, n, zero);
  FieldWriter w(p);
  if (n > 0) impl.emit(w, t, data, zero);
  if (w.writer().bit_count() != w.size().total_bits())
    format_error(f, "emitter lost count of its bits");
  const EncodedSize size = w.size();
  return Encoded{f, p, n, zero, w.writer().take(), size};
}

std::vector<int8_t> decode(const Encoded& e) {
  const FormatParams& p = e.params;
  const SparseFormat f = e.format;
  const ISparseFormat& impl = checked(f, p);
  const int64_t n = e.elements;
  if (n < 0 || e.size.payload_bits < 0 || e.size.metadata_bits < 0 ||
      int64_t(e.stream.size()) != e.size.bytes())
    format_error(f, "stream of " + std::to_string(e.stream.size()) +
                        " bytes does not match its size of " + std::to_string(e.size.total_bits()) +
                        " bits");
  std::vector<int8_t> out(size_t(n), e.zero);
  if (n == 0) {
    if (e.size.total_bits() != 0) format_error(f, "bits in the stream of an empty run");
    return out;
  }
  BitReader in(e.stream, e.size.total_bits());
  FieldReader r(in, p);
  impl.read(r, impl.tiled() ? tile_shape(f, p, n) : Tile{1, n}, out);
  if (in.position() != e.size.total_bits())
    format_error(f, std::to_string(e.size.total_bits() - in.position()) + " bits left unread");
  return out;
}

EncodedSize encoded_size(SparseFormat f, const FormatParams& p, const int8_t* data, int64_t n,
                         int8_t zero) {
  const ISparseFormat& impl = checked(f, p);
  const Tile t = check_input(impl, p, data, n, zero);
  if (n == 0) return EncodedSize{};
  return impl.size(p, t, data, zero);
}

int64_t decode_cycles(SparseFormat f, const FormatParams& p, int64_t elements,
                      const EncodedSize& s) {
  const ISparseFormat& impl = checked(f, p);
  if (elements <= 0) return 0;
  return impl.decode_cycles(p, elements, s.payload_bits / p.bits);  // value fields in the stream
}

}  // namespace adasim::arch
