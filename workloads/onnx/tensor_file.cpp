// SPDX-License-Identifier: Apache-2.0
// HostTensor basics, onnx.TensorProto <-> HostTensor, `.pb` tensor files, the file-type dispatch
// of read_tensor_file and the output dump. NumPy files: npy_file.cpp; conversions to and from
// datapath buffers: tensor_convert.cpp.
#include "workloads/onnx/tensor_file.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "sim/core/checked_math.hpp"
#include "sim/core/errors.hpp"
#include "workloads/ir/json_fields.hpp"
#include "workloads/onnx/npy_file.hpp"
#include "workloads/onnx/tensor_proto.hpp"

namespace adasim::workloads {
namespace {

int64_t shape_elements(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

bool fits(const std::string& type, int64_t v) {
  if (type == kTypeUint8) return v >= 0 && v <= 255;
  if (type == kTypeInt8) return v >= -128 && v <= 127;
  if (type == kTypeUint16) return v >= 0 && v <= 65535;
  if (type == kTypeInt16) return v >= -32768 && v <= 32767;
  if (type == kTypeInt32)
    return v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
  return type == kTypeInt64;
}

size_t item_size(const std::string& type) {
  if (type == kTypeUint8 || type == kTypeInt8) return 1;
  if (type == kTypeUint16 || type == kTypeInt16) return 2;
  if (type == kTypeInt64) return 8;
  return 4;
}

// Little-endian decoding, independent of the host's byte order.
uint64_t load_le(const unsigned char* p, size_t bytes) {
  uint64_t v = 0;
  for (size_t b = 0; b < bytes; ++b) v |= uint64_t(p[b]) << (8 * b);
  return v;
}

int64_t sign_extend(uint64_t v, size_t bytes) {
  if (bytes == 8) return int64_t(v);
  const uint64_t sign = uint64_t(1) << (8 * bytes - 1);
  return int64_t((v ^ sign) - sign);
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw sim::ConfigError(path, "", "a file that cannot be opened", "a readable tensor file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int64_t HostTensor::elements() const { return shape_elements(shape); }

std::string HostTensor::label() const {
  if (!source.empty()) return source;
  return "<" + name + ">";
}

HostTensor HostTensor::make_float(std::string name, std::vector<int64_t> shape,
                                  std::vector<float> values) {
  HostTensor t;
  t.name = std::move(name);
  t.type = kTypeFloat32;
  t.shape = std::move(shape);
  t.floats = std::move(values);
  if (int64_t(t.floats.size()) != t.elements())
    throw sim::ModelError("HostTensor::make_float: value count does not match the shape");
  return t;
}

HostTensor HostTensor::make_int(std::string name, std::string type, std::vector<int64_t> shape,
                                std::vector<int64_t> values) {
  HostTensor t;
  t.name = std::move(name);
  t.type = std::move(type);
  t.shape = std::move(shape);
  t.ints = std::move(values);
  if (t.type != kTypeUint8 && t.type != kTypeInt8 && t.type != kTypeUint16 &&
      t.type != kTypeInt16 && t.type != kTypeInt32 && t.type != kTypeInt64)
    throw sim::ModelError("HostTensor::make_int: type '" + t.type + "'");
  if (int64_t(t.ints.size()) != t.elements())
    throw sim::ModelError("HostTensor::make_int: value count does not match the shape");
  for (int64_t v : t.ints)
    if (!fits(t.type, v))
      throw sim::ModelError("HostTensor::make_int: " + std::to_string(v) + " is not " + t.type);
  return t;
}

std::string onnx_type_name(int32_t data_type) {
  using TP = onnx::TensorProto;
  switch (data_type) {
    case TP::FLOAT: return kTypeFloat32;
    case TP::UINT8: return kTypeUint8;
    case TP::INT8: return kTypeInt8;
    case TP::INT32: return kTypeInt32;
    case TP::INT64: return kTypeInt64;
    case TP::UINT16: return kTypeUint16;
    case TP::INT16: return kTypeInt16;
    case TP::STRING: return "string";
    case TP::BOOL: return "bool";
    case TP::FLOAT16: return "float16";
    case TP::DOUBLE: return "double";
    case TP::UINT32: return "uint32";
    case TP::UINT64: return "uint64";
    case TP::BFLOAT16: return "bfloat16";
    default: return "data type " + std::to_string(data_type);
  }
}

bool supported_onnx_type(int32_t data_type) {
  using TP = onnx::TensorProto;
  return data_type == TP::FLOAT || data_type == TP::UINT8 || data_type == TP::INT8 ||
         data_type == TP::UINT16 || data_type == TP::INT16 || data_type == TP::INT32 ||
         data_type == TP::INT64;
}

int32_t onnx_type_of(const std::string& type) {
  using TP = onnx::TensorProto;
  if (type == kTypeFloat32) return TP::FLOAT;
  if (type == kTypeUint8) return TP::UINT8;
  if (type == kTypeInt8) return TP::INT8;
  if (type == kTypeUint16) return TP::UINT16;
  if (type == kTypeInt16) return TP::INT16;
  if (type == kTypeInt32) return TP::INT32;
  if (type == kTypeInt64) return TP::INT64;
  throw sim::ModelError("onnx_type_of: unknown element type '" + type + "'");
}

HostTensor host_tensor_from_proto(const onnx::TensorProto& t, const std::string& file,
                                  const std::string& where) {
  using TP = onnx::TensorProto;
  const std::string at = where.empty() ? std::string("tensor '" + t.name() + "'") : where;
  if (t.data_location() == TP::EXTERNAL || t.external_data_size() > 0)
    throw sim::ConfigError(file, at, "external data", "values stored in the file itself");
  if (t.has_segment())
    throw sim::ConfigError(file, at, "a segmented tensor", "an unsegmented tensor");
  if (!supported_onnx_type(t.data_type()))
    throw sim::ConfigError(file, at, onnx_type_name(t.data_type()),
                           "element type float32, uint8, int8, uint16, int16, int32 or int64");
  HostTensor h;
  h.name = t.name();
  h.type = onnx_type_name(t.data_type());
  h.source = where.empty() ? file : std::string();
  for (int64_t d : t.dims()) {
    if (d < 0) throw sim::ConfigError(file, at + " dims", std::to_string(d), "dimensions >= 0");
    h.shape.push_back(d);
  }
  if (!sim::checked_product(h.shape, sim::kMaxSizeProduct / 8))
    throw sim::ConfigError(file, at + " dims", render_shape(h.shape),
                           "a shape of at most 2^59 elements");
  const size_t n = size_t(h.elements());
  const size_t item = item_size(h.type);
  auto count_error = [&](size_t got, const char* field) {
    return sim::ConfigError(file, at + " " + field, std::to_string(got) + " values",
                            std::to_string(n) + " values (the product of dims)");
  };
  if (t.has_raw_data()) {
    const std::string& raw = t.raw_data();
    if (raw.size() != n * item)
      throw sim::ConfigError(file, at + " raw_data", std::to_string(raw.size()) + " bytes",
                             std::to_string(n * item) + " bytes (" + std::to_string(n) + " " +
                                 h.type + " values, the product of dims)");
    const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
    if (h.is_float()) {
      h.floats.resize(n);
      for (size_t i = 0; i < n; ++i) {
        const uint32_t bits = uint32_t(load_le(p + 4 * i, 4));
        std::memcpy(&h.floats[i], &bits, 4);
      }
    } else {
      h.ints.resize(n);
      const bool is_unsigned = h.type == kTypeUint8 || h.type == kTypeUint16;
      for (size_t i = 0; i < n; ++i) {
        const uint64_t v = load_le(p + item * i, item);
        h.ints[i] = is_unsigned ? int64_t(v) : sign_extend(v, item);
      }
    }
    return h;
  }
  if (h.is_float()) {
    if (size_t(t.float_data_size()) != n) throw count_error(size_t(t.float_data_size()), "float_data");
    h.floats.assign(t.float_data().begin(), t.float_data().end());
  } else if (h.type == kTypeInt64) {
    if (size_t(t.int64_data_size()) != n) throw count_error(size_t(t.int64_data_size()), "int64_data");
    h.ints.assign(t.int64_data().begin(), t.int64_data().end());
  } else {
    if (size_t(t.int32_data_size()) != n) throw count_error(size_t(t.int32_data_size()), "int32_data");
    h.ints.assign(t.int32_data().begin(), t.int32_data().end());
    for (size_t i = 0; i < n; ++i)
      if (!fits(h.type, h.ints[i]))
        throw sim::ConfigError(file, at + " int32_data[" + std::to_string(i) + "]",
                               std::to_string(h.ints[i]), "a value of type " + h.type);
  }
  return h;
}

void host_tensor_to_proto(const HostTensor& h, onnx::TensorProto& t) {
  t.Clear();
  t.set_name(h.name);
  t.set_data_type(onnx_type_of(h.type));
  for (int64_t d : h.shape) t.add_dims(d);
  const size_t n = size_t(h.elements());
  const size_t item = item_size(h.type);
  std::string raw(n * item, '\0');
  for (size_t i = 0; i < n; ++i) {
    uint64_t v;
    if (h.is_float()) {
      uint32_t bits;
      std::memcpy(&bits, &h.floats.at(i), 4);
      v = bits;
    } else {
      v = uint64_t(h.ints.at(i));
    }
    for (size_t b = 0; b < item; ++b) raw[item * i + b] = char((v >> (8 * b)) & 0xFF);
  }
  t.set_raw_data(raw);
}

HostTensor read_tensor_file(const std::string& path) {
  const std::string bytes = read_all(path);
  if (bytes.compare(0, kNpyMagic.size(), kNpyMagic) == 0) return parse_npy(bytes, path);
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".npy")
    throw sim::ConfigError(path, "byte 0", "no NumPy magic", "a .npy file starting with \\x93NUMPY");
  onnx::TensorProto proto;
  if (!proto.ParseFromString(bytes))
    throw sim::ConfigError(path, "", "bytes that do not parse as a protobuf message",
                           "a serialized onnx.TensorProto (.pb) or a NumPy .npy file");
  return host_tensor_from_proto(proto, path, "");
}

void write_tensor_pb(const std::string& path, const HostTensor& t) {
  onnx::TensorProto proto;
  host_tensor_to_proto(t, proto);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !proto.SerializeToOstream(&out) || !out.flush())
    throw sim::ConfigError(path, "", "a path that cannot be written", "a writable file path");
}

void write_npy(const std::string& path, const HostTensor& t) {
  const std::string bytes = format_npy(t);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !out.write(bytes.data(), std::streamsize(bytes.size())) || !out.flush())
    throw sim::ConfigError(path, "", "a path that cannot be written", "a writable file path");
}

void write_output_files(const std::string& dir, const std::vector<HostTensor>& outputs) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw sim::ConfigError(dir, "", ec.message(), "a directory that can be created");
  for (size_t i = 0; i < outputs.size(); ++i) {
    const std::string stem = (std::filesystem::path(dir) / ("output_" + std::to_string(i))).string();
    write_tensor_pb(stem + ".pb", outputs[i]);
    write_npy(stem + ".npy", outputs[i]);
  }
}

}  // namespace adasim::workloads
