// SPDX-License-Identifier: Apache-2.0
// Host tensors: the values a user hands to or receives from a run, in the element types of model
// files ("float32", "uint8", "int8", "int32", "int64"). Reads and writes ONNX TensorProto files
// (`.pb`, as in the ONNX backend test data sets) and NumPy `.npy` files, and converts between host
// tensors and the integer buffers of the datapath: bit-for-bit copies of integer tensors, ONNX
// QuantizeLinear / DequantizeLinear (host side, float32 arithmetic as ONNX defines it), and the
// exact conversion of integer-valued float tensors (the float exact mode of onnx_loader.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/ir/graph.hpp"
#include "workloads/ir/tensor_data.hpp"
#include "workloads/reference/reference_ops.hpp"  // round_half_to_even

namespace adasim::workloads {

/// Element types a host tensor can have, as written in BoundaryTensor::external_type.
constexpr const char* kTypeFloat32 = "float32";
constexpr const char* kTypeUint8 = "uint8";
constexpr const char* kTypeInt8 = "int8";
constexpr const char* kTypeUint16 = "uint16";
constexpr const char* kTypeInt16 = "int16";
constexpr const char* kTypeInt32 = "int32";
constexpr const char* kTypeInt64 = "int64";

/// A dense row-major host tensor. float32 values live in `floats`, every integer type in `ints`
/// (exact for all five types); the other vector is empty.
struct HostTensor {
  std::string name;            ///< TensorProto name; empty for .npy files
  std::string type;            ///< one of the kType* names above
  std::vector<int64_t> shape;  ///< empty = scalar (one element)
  std::vector<float> floats;   ///< values when type == "float32"
  std::vector<int64_t> ints;   ///< values of integer types
  std::string source;          ///< file it was read from ("" if built in memory), for errors

  int64_t elements() const;  ///< product of shape (1 for a scalar); the readers refuse shapes
                             ///< of more than 2^59 elements, so it cannot overflow
  bool is_float() const { return type == kTypeFloat32; }
  double value(size_t i) const { return is_float() ? double(floats[i]) : double(ints[i]); }
  /// Where errors about this tensor point: the source file, else "<name>".
  std::string label() const;

  static HostTensor make_float(std::string name, std::vector<int64_t> shape,
                               std::vector<float> values);
  /// type: "uint8", "int8", "int32" or "int64"; values must fit the type (else ModelError).
  static HostTensor make_int(std::string name, std::string type, std::vector<int64_t> shape,
                             std::vector<int64_t> values);
};

/// Reads a `.npy` file (detected by its magic "\x93NUMPY") or else a serialized onnx.TensorProto
/// (`.pb`). NumPy: format 1.0 / 2.0, C order, dtypes '<f4', '|u1', '|i1', '<i4', '<i8'.
/// TensorProto: FLOAT, UINT8, INT8, INT32, INT64 in raw_data or the typed repeated fields; no
/// external data. Anything else (truncated data, bad magic or header, Fortran order, other dtypes)
/// is a sim::ConfigError naming the file.
HostTensor read_tensor_file(const std::string& path);

/// Writes an onnx.TensorProto (name, dims, data_type, little-endian raw_data), as the ONNX test
/// data sets store tensors. Throws sim::ConfigError if the file cannot be written.
void write_tensor_pb(const std::string& path, const HostTensor& t);

/// Writes a NumPy format 1.0 file (C order, little-endian dtype of t.type). The name is not stored.
void write_npy(const std::string& path, const HostTensor& t);

/// Writes each tensor i as `<dir>/output_<i>.pb` and `<dir>/output_<i>.npy`, creating `dir`.
void write_output_files(const std::string& dir, const std::vector<HostTensor>& outputs);

// ---- Conversions between host tensors and datapath buffers -----------------------------------

// ONNX rounding (half to even): workloads::round_half_to_even in reference_ops.hpp.

/// Inclusive integer range of a <= 16-bit tensor (signed: [-2^(b-1), 2^(b-1)-1], else [0, 2^b-1]).
int32_t min_value(const TensorInfo& info);
int32_t max_value(const TensorInfo& info);

/// Bit-for-bit int8 storage of an integer host tensor for the <= 8-bit tensor `info` (unsigned
/// values stored modulo 256: uint8 200 -> int8 -56). Every value must lie in info's range; the
/// element count must equal info's (the shapes may differ by a reshape). ConfigError otherwise,
/// naming t.label().
Int8Buffer to_int8_storage(const HostTensor& t, const TensorInfo& info);
/// The same for a tensor of 9..16 bits: its integer values held as int32 (the integers
/// themselves; any integer element type whose values lie in info's range).
Int32Buffer to_wide_values(const HostTensor& t, const TensorInfo& info);
/// int32 buffer of an integer host tensor whose values fit int32.
Int32Buffer to_int32_buffer(const HostTensor& t);
/// Host tensor of type "uint8" / "int8" (by info.is_signed) holding the values of int8 storage.
HostTensor from_int8_storage(const Int8Buffer& q, const TensorInfo& info, std::string name);
HostTensor from_int32_buffer(const Int32Buffer& v, std::string name);

/// ONNX QuantizeLinear of a float32 host tensor into info's storage (per-tensor scale / zero
/// point): q = saturate(round_half_to_even(x / scale) + zero_point), x / scale in float32.
Int8Buffer quantize_linear(const HostTensor& x, const TensorInfo& info);
/// ONNX DequantizeLinear with info's per-tensor scale / zero point: float32 (q - zero_point)
/// times float32 scale, rounded to float32. Shape = info.shape (element counts must agree).
HostTensor dequantize_linear(const Int8Buffer& q, const TensorInfo& info, std::string name);
HostTensor dequantize_linear(const Int32Buffer& q, const TensorInfo& info, std::string name);

/// Float exact mode: the 8-bit type an integer-valued float tensor becomes ("int8" if any value is
/// negative, else "uint8"). ConfigError naming `what` and the first offending value if a value is
/// not an integer, lies outside [-128, 255], or the values need both (a negative and one > 127).
std::string exact_integer_type(const HostTensor& x, const std::string& what);
/// The values of an integer-valued float tensor as info's storage (no rounding: a non-integer or
/// out-of-range value is a ConfigError naming `what`).
Int8Buffer exact_int8_storage(const HostTensor& x, const TensorInfo& info, const std::string& what);
/// The values of an integer-valued float tensor as int32 (e.g. a float bias in exact mode).
Int32Buffer exact_int32_buffer(const HostTensor& x, const std::string& what);

}  // namespace adasim::workloads
