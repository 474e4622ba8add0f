// SPDX-License-Identifier: Apache-2.0
// ConstTensor <-> onnx::TensorProto and element conversions (see const_tensor.hpp).
#include "workloads/onnx/cleanup/const_tensor.hpp"

#include <cmath>
#include <cstring>
#include <limits>

namespace adasim::workloads::cleanup {
namespace {

using TP = onnx::TensorProto;

/// Bytes per element in raw_data, 0 for unsupported types.
size_t raw_size(int32_t type) {
  switch (type) {
    case TP::UINT8:
    case TP::INT8:
    case TP::BOOL:
      return 1;
    case TP::UINT16:
    case TP::INT16:
      return 2;
    case TP::FLOAT:
    case TP::INT32:
    case TP::UINT32:
      return 4;
    case TP::DOUBLE:
    case TP::INT64:
      return 8;
    default:
      return 0;
  }
}

/// Product of dims, or -1 if a dim is negative or the product exceeds 2^40 elements.
int64_t checked_size(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0 || (d > 0 && n > (int64_t(1) << 40) / d)) return -1;
    n *= d;
  }
  return n;
}

void decode_raw(const std::string& raw, ConstTensor& c) {
  const size_t sz = raw_size(c.type);
  const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
  const size_t n = raw.size() / sz;
  for (size_t i = 0; i < n; ++i) {
    uint64_t bits = 0;  // little-endian, whatever the host's byte order
    for (size_t b = sz; b-- > 0;) bits = (bits << 8) | p[i * sz + b];
    if (c.type == TP::FLOAT) {
      float f;
      const uint32_t b32 = uint32_t(bits);
      std::memcpy(&f, &b32, 4);
      c.reals.push_back(f);
    } else if (c.type == TP::DOUBLE) {
      double d;
      std::memcpy(&d, &bits, 8);
      c.reals.push_back(d);
    } else {
      c.ints.push_back(convert_integer(int64_t(bits), c.type));  // sign-extends signed types
    }
  }
}

void decode_typed(const TP& t, ConstTensor& c) {
  switch (c.type) {
    case TP::FLOAT:
      c.reals.assign(t.float_data().begin(), t.float_data().end());
      break;
    case TP::DOUBLE:
      c.reals.assign(t.double_data().begin(), t.double_data().end());
      break;
    case TP::INT64:
      c.ints.assign(t.int64_data().begin(), t.int64_data().end());
      break;
    case TP::UINT32:
      c.ints.assign(t.uint64_data().begin(), t.uint64_data().end());
      break;
    default:
      for (int32_t v : t.int32_data()) c.ints.push_back(convert_integer(v, c.type));
      break;
  }
}

}  // namespace

bool ConstTensor::is_real() const { return type == TP::FLOAT || type == TP::DOUBLE; }

int64_t ConstTensor::size() const { return checked_size(dims); }

ConstTensor ConstTensor::filled(int32_t type, std::vector<int64_t> dims, double v) {
  ConstTensor c;
  c.type = type;
  c.dims = std::move(dims);
  const size_t n = size_t(std::max<int64_t>(0, c.size()));
  if (c.is_real())
    c.reals.assign(n, convert_element(v, type));
  else
    c.ints.assign(n, int64_t(convert_element(v, type)));
  return c;
}

bool const_type_supported(int32_t type) { return raw_size(type) > 0; }

double convert_element(double v, int32_t type) {
  if (type == TP::FLOAT) return double(float(v));
  if (type == TP::DOUBLE) return v;
  if (type == TP::BOOL) return v != 0.0 ? 1.0 : 0.0;
  if (std::isnan(v)) return 0.0;
  const double t = std::trunc(v);
  // Out-of-range float -> integer casts are undefined in C; saturate to int64 and wrap.
  const int64_t i = t >= 9.2e18    ? std::numeric_limits<int64_t>::max()
                    : t <= -9.2e18 ? std::numeric_limits<int64_t>::min()
                                   : int64_t(t);
  return double(convert_integer(i, type));
}

int64_t convert_integer(int64_t v, int32_t type) {
  switch (type) {
    case TP::UINT8:
      return int64_t(uint8_t(uint64_t(v)));
    case TP::INT8:
      return int64_t(int8_t(uint8_t(uint64_t(v))));
    case TP::UINT16:
      return int64_t(uint16_t(uint64_t(v)));
    case TP::INT16:
      return int64_t(int16_t(uint16_t(uint64_t(v))));
    case TP::INT32:
      return int64_t(int32_t(uint32_t(uint64_t(v))));
    case TP::UINT32:
      return int64_t(uint32_t(uint64_t(v)));
    case TP::BOOL:
      return v != 0 ? 1 : 0;
    default:
      return v;
  }
}

std::optional<ConstTensor> const_from_proto(const TP& t) {
  ConstTensor c;
  c.type = t.data_type();
  if (!const_type_supported(c.type) || t.data_location() == TP::EXTERNAL || t.has_segment())
    return std::nullopt;
  c.dims.assign(t.dims().begin(), t.dims().end());
  const int64_t n = checked_size(c.dims);
  if (n < 0) return std::nullopt;
  if (t.has_raw_data()) {
    if (t.raw_data().size() != size_t(n) * raw_size(c.type)) return std::nullopt;
    decode_raw(t.raw_data(), c);
  } else {
    decode_typed(t, c);
  }
  if ((c.is_real() ? c.reals.size() : c.ints.size()) != size_t(n)) return std::nullopt;
  return c;
}

void const_to_proto(const ConstTensor& c, const std::string& name, TP& t) {
  t.Clear();
  t.set_name(name);
  t.set_data_type(c.type);
  for (int64_t d : c.dims) t.add_dims(d);
  const size_t sz = raw_size(c.type);
  const size_t n = c.is_real() ? c.reals.size() : c.ints.size();
  std::string raw(n * sz, '\0');
  for (size_t i = 0; i < n; ++i) {
    uint64_t bits = 0;
    if (c.type == TP::FLOAT) {
      const float f = float(c.reals[i]);
      uint32_t b32;
      std::memcpy(&b32, &f, 4);
      bits = b32;
    } else if (c.type == TP::DOUBLE) {
      std::memcpy(&bits, &c.reals[i], 8);
    } else {
      bits = uint64_t(c.ints[i]);
    }
    for (size_t b = 0; b < sz; ++b) raw[i * sz + b] = char((bits >> (8 * b)) & 0xFF);
  }
  t.set_raw_data(std::move(raw));
}

}  // namespace adasim::workloads::cleanup
