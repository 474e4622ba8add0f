// SPDX-License-Identifier: Apache-2.0
// Internal to workloads/onnx: onnx.TensorProto <-> HostTensor, and the names of ONNX element
// types. Kept out of the public headers so that users of tensor_file.hpp / onnx_loader.hpp do
// not need the ONNX protobuf headers.
#pragma once

#include <cstdint>
#include <string>

#include <onnx/onnx_pb.h>

#include "workloads/onnx/tensor_file.hpp"

namespace adasim::workloads {

/// "float32", "uint8", "int8", "int32", "int64" for the supported TensorProto data types; other
/// types by their ONNX name ("float16", "double", ...) or "data type <n>".
std::string onnx_type_name(int32_t data_type);
/// True for the element types a HostTensor can hold.
bool supported_onnx_type(int32_t data_type);
/// The TensorProto data type of a HostTensor type name (ModelError for an unknown name).
int32_t onnx_type_of(const std::string& type);

/// Values of a TensorProto (raw_data or the typed fields). `file` / `where` locate it for the
/// sim::ConfigError thrown on unsupported types, external data, segments or a wrong value count.
HostTensor host_tensor_from_proto(const onnx::TensorProto& t, const std::string& file,
                                  const std::string& where);
/// name, dims, data_type and little-endian raw_data.
void host_tensor_to_proto(const HostTensor& h, onnx::TensorProto& t);

}  // namespace adasim::workloads
