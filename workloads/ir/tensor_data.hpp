// SPDX-License-Identifier: Apache-2.0
// Dense tensor values that flow through the functional datapath: int8 operands (activations and
// weights of up to 8 bits, stored one per byte) and int32 accumulators. Row-major, shapes as in
// graph.hpp (NCHW activations, KCRS conv weights, [K][C] FC weights, [..][M][Kd] matmul operands).
#pragma once

#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

namespace adasim::workloads {

template <class T>
struct Buffer {
  std::vector<int64_t> shape;
  std::vector<T> data;

  Buffer() = default;
  explicit Buffer(std::vector<int64_t> s, T fill = T{}) : shape(std::move(s)) {
    data.assign(size_t(std::accumulate(shape.begin(), shape.end(), int64_t{1},
                                       std::multiplies<int64_t>())),
                fill);
  }
  int64_t elements() const { return int64_t(data.size()); }
};

using Int8Buffer = Buffer<int8_t>;
/// Zero-point-corrected MAC operands (q - zero_point): 9 bits for 8-bit tensors, held in int16.
using Int16Buffer = Buffer<int16_t>;
using Int32Buffer = Buffer<int32_t>;

}  // namespace adasim::workloads
