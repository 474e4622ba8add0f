// SPDX-License-Identifier: Apache-2.0
// Internal to workloads/onnx: the NumPy .npy format (format versions 1.0 and 2.0, C order,
// little-endian dtypes '<f4', '|u1', '|i1', '<i4', '<i8'), parsed from and formatted to bytes.
// Format: "\x93NUMPY", major, minor, header length (uint16 LE for 1.0, uint32 LE for 2.0), an
// ASCII Python dict {'descr': ..., 'fortran_order': ..., 'shape': (...)} padded with spaces and
// ended by '\n', then the raw data.
#pragma once

#include <string>

#include "workloads/onnx/tensor_file.hpp"

namespace adasim::workloads {

inline const std::string kNpyMagic = "\x93NUMPY";

/// Parses a whole .npy file; `file` names it in sim::ConfigErrors.
HostTensor parse_npy(const std::string& bytes, const std::string& file);
/// Format 1.0 bytes of t (header padded so that the data starts at a multiple of 64 bytes).
std::string format_npy(const HostTensor& t);

}  // namespace adasim::workloads
