// SPDX-License-Identifier: Apache-2.0
// NumPy .npy reader and writer (see npy_file.hpp). The header dict is parsed by a small strict
// tokenizer that accepts exactly what numpy.lib.format writes: string keys, a dtype string,
// True / False, and a tuple of non-negative integers.
#include "workloads/onnx/npy_file.hpp"

#include <cctype>
#include <cstring>
#include <map>
#include <optional>

#include "sim/core/checked_math.hpp"
#include "sim/core/errors.hpp"
#include "workloads/ir/json_fields.hpp"

namespace adasim::workloads {
namespace {

struct Dtype {
  const char* descr;  ///< as written
  const char* type;   ///< HostTensor type
  size_t size;
};

// One-byte types carry no byte order: numpy writes '|', but '<' and '=' mean the same.
const Dtype kDtypes[] = {{"<f4", kTypeFloat32, 4}, {"|u1", kTypeUint8, 1}, {"<u1", kTypeUint8, 1},
                         {"=u1", kTypeUint8, 1},   {"|i1", kTypeInt8, 1},  {"<i1", kTypeInt8, 1},
                         {"=i1", kTypeInt8, 1},    {"<u2", kTypeUint16, 2}, {"<i2", kTypeInt16, 2},
                         {"<i4", kTypeInt32, 4},   {"<i8", kTypeInt64, 8}};

const char* descr_of(const std::string& type) {
  if (type == kTypeFloat32) return "<f4";
  if (type == kTypeUint8) return "|u1";
  if (type == kTypeInt8) return "|i1";
  if (type == kTypeUint16) return "<u2";
  if (type == kTypeInt16) return "<i2";
  if (type == kTypeInt32) return "<i4";
  if (type == kTypeInt64) return "<i8";
  throw sim::ModelError("format_npy: element type '" + type + "'");
}

/// Parser of the header dict. Errors name the file and "header".
class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& file) : s_(text), file_(file) {}

  void parse(std::string& descr, bool& fortran, std::vector<int64_t>& shape) {
    std::map<std::string, bool> seen;
    expect('{');
    skip_space();
    while (peek() != '}') {
      const std::string key = string_literal();
      expect(':');
      if (seen[key]) fail("key '" + key + "' twice", "each key once");
      seen[key] = true;
      if (key == "descr") descr = string_literal();
      else if (key == "fortran_order") fortran = boolean();
      else if (key == "shape") shape = tuple();
      else fail("key '" + key + "'", "only the keys 'descr', 'fortran_order' and 'shape'");
      skip_space();
      if (peek() == ',') ++pos_;
      else if (peek() != '}') fail(rest(), "',' or '}' after a value");
      skip_space();
    }
    ++pos_;
    skip_space();
    if (pos_ != s_.size()) fail(rest(), "only spaces and a newline after the dict");
    for (const char* k : {"descr", "fortran_order", "shape"})
      if (!seen[k]) fail("no key '" + std::string(k) + "'", "the keys 'descr', 'fortran_order' and 'shape'");
  }

 private:
  [[noreturn]] void fail(const std::string& got, const std::string& expected) const {
    throw sim::ConfigError(file_, "header", got, expected);
  }
  std::string rest() const { return "'" + s_.substr(pos_, 20) + "'"; }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(pos_ < s_.size() ? rest() : "end of header", std::string("'") + c + "'");
    ++pos_;
  }
  std::string string_literal() {
    skip_space();
    const char q = peek();
    if (q != '\'' && q != '"') fail(rest(), "a quoted string");
    const size_t end = s_.find(q, pos_ + 1);
    if (end == std::string::npos) fail(rest(), "a closed string");
    std::string out = s_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return out;
  }
  bool boolean() {
    skip_space();
    if (s_.compare(pos_, 4, "True") == 0) return pos_ += 4, true;
    if (s_.compare(pos_, 5, "False") == 0) return pos_ += 5, false;
    fail(rest(), "True or False");
  }
  std::vector<int64_t> tuple() {
    expect('(');
    std::vector<int64_t> out;
    skip_space();
    while (peek() != ')') {
      if (!std::isdigit(static_cast<unsigned char>(peek()))) fail(rest(), "a dimension (integer >= 0)");
      int64_t v = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        if (v > (int64_t(1) << 40)) fail(rest(), "a dimension below 2^40");
        v = v * 10 + (s_[pos_++] - '0');
      }
      out.push_back(v);
      skip_space();
      if (peek() == ',') ++pos_;
      else if (peek() != ')') fail(rest(), "',' or ')' in the shape tuple");
      skip_space();
    }
    ++pos_;
    return out;
  }

  const std::string& s_;
  const std::string& file_;
  size_t pos_ = 0;
};

uint64_t load_le(const unsigned char* p, size_t bytes) {
  uint64_t v = 0;
  for (size_t b = 0; b < bytes; ++b) v |= uint64_t(p[b]) << (8 * b);
  return v;
}

}  // namespace

HostTensor parse_npy(const std::string& bytes, const std::string& file) {
  if (bytes.size() < 10 || bytes.compare(0, kNpyMagic.size(), kNpyMagic) != 0)
    throw sim::ConfigError(file, "byte 0", "no NumPy magic", "a .npy file starting with \\x93NUMPY");
  const auto* u = reinterpret_cast<const unsigned char*>(bytes.data());
  const int major = u[6], minor = u[7];
  if ((major != 1 && major != 2) || minor != 0)
    throw sim::ConfigError(file, "format version",
                           std::to_string(major) + "." + std::to_string(minor), "1.0 or 2.0");
  const size_t len_bytes = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + len_bytes)
    throw sim::ConfigError(file, "header", "a truncated file", "a complete .npy header");
  const size_t header_len = size_t(load_le(u + 8, len_bytes));
  const size_t data_start = 8 + len_bytes + header_len;
  if (bytes.size() < data_start)
    throw sim::ConfigError(file, "header", std::to_string(bytes.size()) + " bytes in the file",
                           "a header of " + std::to_string(header_len) + " bytes (truncated file)");
  const std::string header = bytes.substr(8 + len_bytes, header_len);
  std::string descr;
  bool fortran = false;
  HostTensor t;
  HeaderParser(header, file).parse(descr, fortran, t.shape);
  if (fortran)
    throw sim::ConfigError(file, "header fortran_order", "True", "False (C order arrays only)");
  const Dtype* dt = nullptr;
  for (const Dtype& d : kDtypes)
    if (descr == d.descr) dt = &d;
  if (!dt)
    throw sim::ConfigError(file, "header descr", "'" + descr + "'",
                           "one of '<f4', '|u1', '|i1', '<u2', '<i2', '<i4', '<i8' (little-endian "
                           "float32, uint8, int8, uint16, int16, int32, int64)");
  t.type = dt->type;
  t.source = file;
  if (!sim::checked_product(t.shape, sim::kMaxSizeProduct / 8))
    throw sim::ConfigError(file, "header shape", render_shape(t.shape),
                           "a shape of at most 2^59 elements");
  const size_t n = size_t(t.elements());
  const size_t want = n * dt->size;
  const size_t have = bytes.size() - data_start;
  if (have != want)
    throw sim::ConfigError(file, "data", std::to_string(have) + " bytes",
                           std::to_string(want) + " bytes for shape and dtype '" + descr + "'" +
                               (have < want ? " (truncated file)" : ""));
  const unsigned char* p = u + data_start;
  if (t.is_float()) {
    t.floats.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const uint32_t b = uint32_t(load_le(p + 4 * i, 4));
      std::memcpy(&t.floats[i], &b, 4);
    }
  } else {
    t.ints.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const uint64_t v = load_le(p + dt->size * i, dt->size);
      if (t.type == kTypeUint8) t.ints[i] = int64_t(v);
      else if (t.type == kTypeInt8) t.ints[i] = int8_t(uint8_t(v));
      else if (t.type == kTypeUint16) t.ints[i] = int64_t(v);
      else if (t.type == kTypeInt16) t.ints[i] = int16_t(uint16_t(v));
      else if (t.type == kTypeInt32) t.ints[i] = int32_t(uint32_t(v));
      else t.ints[i] = int64_t(v);
    }
  }
  return t;
}

std::string format_npy(const HostTensor& t) {
  std::string shape = "(";
  for (size_t i = 0; i < t.shape.size(); ++i) shape += (i ? ", " : "") + std::to_string(t.shape[i]);
  if (t.shape.size() == 1) shape += ",";
  shape += ")";
  std::string header = std::string("{'descr': '") + descr_of(t.type) +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad with spaces so that magic + version + length + header + '\n' is a multiple of 64.
  const size_t unpadded = kNpyMagic.size() + 2 + 2 + header.size() + 1;
  header += std::string((64 - unpadded % 64) % 64, ' ') + "\n";
  if (header.size() > 65535) throw sim::ModelError("format_npy: header too long for format 1.0");
  std::string out = kNpyMagic;
  out += char(1);
  out += char(0);
  out += char(header.size() & 0xFF);
  out += char((header.size() >> 8) & 0xFF);
  out += header;
  const size_t n = size_t(t.elements());
  const size_t item = t.is_float() || t.type == kTypeInt32 ? 4
                      : t.type == kTypeInt64                 ? 8
                      : t.type == kTypeUint16 || t.type == kTypeInt16 ? 2
                                                                       : 1;
  out.reserve(out.size() + n * item);
  for (size_t i = 0; i < n; ++i) {
    uint64_t v;
    if (t.is_float()) {
      uint32_t b;
      std::memcpy(&b, &t.floats.at(i), 4);
      v = b;
    } else {
      v = uint64_t(t.ints.at(i));
    }
    for (size_t b = 0; b < item; ++b) out += char((v >> (8 * b)) & 0xFF);
  }
  return out;
}

}  // namespace adasim::workloads
