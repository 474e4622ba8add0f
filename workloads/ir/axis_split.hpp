// SPDX-License-Identifier: Apache-2.0
// A tensor shape seen as [outer][len][inner] around one axis: how the vector layers that work
// along an axis (softmax rows, concat blocks, layernorm's normalised block) walk their tensors.
// Shared by the reference semantics (workloads/reference) and the mapper's compilation of the
// vector unit's operation (workloads/mapper/vector_compile).
#pragma once

#include <cstdint>
#include <vector>

namespace adasim::workloads {

struct AxisSplit {
  int64_t outer = 1, len = 1, inner = 1;
};

/// outer = product of the dims before `axis`; len = dim `axis` (with to_end: the product of the
/// dims from `axis` on, inner = 1); inner = product of the dims after it.
AxisSplit split_at_axis(const std::vector<int64_t>& shape, int axis, bool to_end);

}  // namespace adasim::workloads
