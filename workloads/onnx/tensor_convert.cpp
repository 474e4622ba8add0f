// SPDX-License-Identifier: Apache-2.0
// Host tensor <-> datapath buffer conversions (declared in tensor_file.hpp): bit-for-bit integer
// copies, ONNX QuantizeLinear / DequantizeLinear in float32 arithmetic, and the exact conversion
// of integer-valued float tensors.
#include <cmath>
#include <limits>

#include "sim/core/errors.hpp"
#include "workloads/onnx/tensor_file.hpp"
#include "workloads/reference/reference_ops.hpp"

namespace adasim::workloads {
namespace {

std::string render(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(int64_t(v));
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

void check_count(const HostTensor& t, int64_t want, const char* what) {
  if (t.elements() != want)
    throw sim::ConfigError(t.label(), "shape", std::to_string(t.elements()) + " elements",
                           std::to_string(want) + " elements (" + what + ")");
}

void check_per_tensor(const TensorInfo& info, const char* fn) {
  if (!info.channel_scales.empty() || !info.channel_zero_points.empty())
    throw sim::ModelError(std::string(fn) + ": tensor '" + info.name +
                          "' is quantized per channel");
  if (info.wide()) throw sim::ModelError(std::string(fn) + ": tensor '" + info.name + "' is wide");
}

int8_t store(int64_t v) { return int8_t(uint8_t(v & 0xFF)); }

}  // namespace

int32_t min_value(const TensorInfo& info) {
  return info.is_signed ? -(int32_t(1) << (info.bits - 1)) : 0;
}

int32_t max_value(const TensorInfo& info) {
  return info.is_signed ? (int32_t(1) << (info.bits - 1)) - 1 : (int32_t(1) << info.bits) - 1;
}

namespace {
// The integer values of host tensor t for tensor `info` (range and count checked), each passed
// through `store` into a buffer of info's shape.
template <class B, class Store>
B integer_values(const HostTensor& t, const TensorInfo& info, Store store) {
  const std::string expected_type =
      std::string(info.is_signed ? "int" : "uint") + std::to_string(info.bits > 8 ? 16 : 8);
  if (t.is_float())
    throw sim::ConfigError(t.label(), "element type", t.type,
                           "integer values of type " + expected_type);
  check_count(t, info.elements(), ("tensor '" + info.name + "'").c_str());
  B out(info.shape);
  const int64_t lo = min_value(info), hi = max_value(info);
  for (size_t i = 0; i < t.ints.size(); ++i) {
    const int64_t v = t.ints[i];
    if (v < lo || v > hi)
      throw sim::ConfigError(t.label(), "element " + std::to_string(i), std::to_string(v),
                             "a value in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                                 "] (" + std::to_string(info.bits) + "-bit " +
                                 (info.is_signed ? "signed" : "unsigned") + " tensor '" +
                                 info.name + "')");
    out.data[i] = store(v);
  }
  return out;
}
}  // namespace

Int8Buffer to_int8_storage(const HostTensor& t, const TensorInfo& info) {
  if (info.wide()) throw sim::ModelError("to_int8_storage: tensor '" + info.name + "' is wide");
  return integer_values<Int8Buffer>(t, info, store);
}

Int32Buffer to_wide_values(const HostTensor& t, const TensorInfo& info) {
  if (info.bits <= 8 || info.bits > 16)
    throw sim::ModelError("to_wide_values: tensor '" + info.name + "' has " +
                          std::to_string(info.bits) + " bits, not 9..16");
  return integer_values<Int32Buffer>(t, info, [](int64_t v) { return int32_t(v); });
}

Int32Buffer to_int32_buffer(const HostTensor& t) {
  if (t.is_float())
    throw sim::ConfigError(t.label(), "element type", t.type, "integer values (int32)");
  Int32Buffer out(t.shape);
  for (size_t i = 0; i < t.ints.size(); ++i) {
    const int64_t v = t.ints[i];
    if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())
      throw sim::ConfigError(t.label(), "element " + std::to_string(i), std::to_string(v),
                             "a value that fits int32");
    out.data[i] = int32_t(v);
  }
  return out;
}

HostTensor from_int8_storage(const Int8Buffer& q, const TensorInfo& info, std::string name) {
  if (q.elements() != info.elements())
    throw sim::ModelError("from_int8_storage: buffer of " + std::to_string(q.elements()) +
                          " elements for tensor '" + info.name + "'");
  std::vector<int64_t> v(q.data.size());
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = info.is_signed ? int64_t(q.data[i]) : int64_t(uint8_t(q.data[i]));
  return HostTensor::make_int(std::move(name), info.is_signed ? kTypeInt8 : kTypeUint8, info.shape,
                              std::move(v));
}

HostTensor from_int32_buffer(const Int32Buffer& v, std::string name) {
  return HostTensor::make_int(std::move(name), kTypeInt32, v.shape,
                              std::vector<int64_t>(v.data.begin(), v.data.end()));
}

Int8Buffer quantize_linear(const HostTensor& x, const TensorInfo& info) {
  check_per_tensor(info, "quantize_linear");
  if (!x.is_float())
    throw sim::ConfigError(x.label(), "element type", x.type, "float32 (it is quantized on input)");
  check_count(x, info.elements(), ("tensor '" + info.name + "'").c_str());
  const float scale = float(info.scale);
  const double lo = min_value(info), hi = max_value(info);
  Int8Buffer out(info.shape);
  for (size_t i = 0; i < x.floats.size(); ++i) {
    const float ratio = x.floats[i] / scale;  // float32 division, as ONNX QuantizeLinear
    if (std::isnan(ratio))
      throw sim::ConfigError(x.label(), "element " + std::to_string(i), "NaN", "a number");
    double q = round_half_to_even(double(ratio)) + info.zero_point;
    q = q < lo ? lo : (q > hi ? hi : q);
    out.data[i] = store(int64_t(q));
  }
  return out;
}

namespace {
template <class T>
HostTensor dequantize(const std::vector<T>& q, bool is_unsigned, const TensorInfo& info,
                      std::string name) {
  if (int64_t(q.size()) != info.elements())
    throw sim::ModelError("dequantize_linear: buffer of " + std::to_string(q.size()) +
                          " elements for tensor '" + info.name + "'");
  if (!info.channel_scales.empty() || !info.channel_zero_points.empty())
    throw sim::ModelError("dequantize_linear: tensor '" + info.name + "' is quantized per channel");
  const float scale = float(info.scale);
  std::vector<float> out(q.size());
  for (size_t i = 0; i < q.size(); ++i) {
    const int64_t v = is_unsigned ? int64_t(uint8_t(q[i])) : int64_t(q[i]);
    out[i] = float(v - info.zero_point) * scale;
  }
  return HostTensor::make_float(std::move(name), info.shape, std::move(out));
}
}  // namespace

HostTensor dequantize_linear(const Int8Buffer& q, const TensorInfo& info, std::string name) {
  if (info.wide()) throw sim::ModelError("dequantize_linear: tensor '" + info.name + "' is wide");
  return dequantize(q.data, !info.is_signed, info, std::move(name));
}

HostTensor dequantize_linear(const Int32Buffer& q, const TensorInfo& info, std::string name) {
  return dequantize(q.data, false, info, std::move(name));
}

std::string exact_integer_type(const HostTensor& x, const std::string& what) {
  bool negative = false, above_127 = false;
  for (size_t i = 0; i < size_t(x.elements()); ++i) {
    const double v = x.value(i);
    if (!(v == std::floor(v)) || v < -128 || v > 255)
      throw sim::ConfigError(x.label(), what + " element " + std::to_string(i), render(v),
                             "an integer in [-128, 255]: float tensors are taken exactly (float "
                             "exact mode), not quantized; quantize the model for other values: "
                             "--quantize int8 (post-training quantization), --quantize none "
                             "--no-values (timing only), or a QDQ / QOperator model");
    negative |= v < 0;
    above_127 |= v > 127;
  }
  if (negative && above_127)
    throw sim::ConfigError(x.label(), what, "values below 0 and above 127",
                           "values that fit int8 or uint8 (float exact mode)");
  return negative ? kTypeInt8 : kTypeUint8;
}

Int8Buffer exact_int8_storage(const HostTensor& x, const TensorInfo& info,
                              const std::string& what) {
  check_per_tensor(info, "exact_int8_storage");
  check_count(x, info.elements(), ("tensor '" + info.name + "'").c_str());
  Int8Buffer out(info.shape);
  const double lo = min_value(info), hi = max_value(info);
  for (size_t i = 0; i < size_t(x.elements()); ++i) {
    const double v = x.value(i);
    if (!(v == std::floor(v)) || v < lo || v > hi)
      throw sim::ConfigError(x.label(), what + " element " + std::to_string(i), render(v),
                             "an integer in [" + render(lo) + ", " + render(hi) +
                                 "] (float exact mode: the tensor is held exactly as " +
                                 (info.is_signed ? "int8" : "uint8") + ")");
    out.data[i] = store(int64_t(v));
  }
  return out;
}

Int32Buffer exact_int32_buffer(const HostTensor& x, const std::string& what) {
  Int32Buffer out(x.shape);
  for (size_t i = 0; i < size_t(x.elements()); ++i) {
    const double v = x.value(i);
    if (!(v == std::floor(v)) || v < -2147483648.0 || v > 2147483647.0)
      throw sim::ConfigError(x.label(), what + " element " + std::to_string(i), render(v),
                             "an integer that fits int32 (float exact mode); quantize the model "
                             "for other values (--quantize int8, or a QDQ / QOperator model)");
    out.data[i] = int32_t(v);
  }
  return out;
}

}  // namespace adasim::workloads
