// SPDX-License-Identifier: Apache-2.0
// The one list of built-in storage formats: a new format is a file in impl/ plus one line here.
#include "arch/sparse/i_sparse_format.hpp"

namespace adasim::arch {

std::string activation_format_expectation(const SparseFormatRegistry& r) {
  std::string names, why;
  for (const auto& e : r.entries()) {
    if (!e.make->weights_only()) {
      names += (names.empty() ? "\"" : ", \"") + e.doc.name + "\"";
    } else if (!e.make->weights_only_reason().empty()) {
      why += (why.empty() ? "" : "; ") + e.make->weights_only_reason();
    }
  }
  return "one of " + names + (why.empty() ? "" : " (" + why + ")");
}

void register_sparse_formats(SparseFormatRegistry& r) {
  register_dense_format(r);
  register_bitmask_format(r);
  register_rle_format(r);
  register_csr_format(r);
  register_nm_format(r);
}

}  // namespace adasim::arch
