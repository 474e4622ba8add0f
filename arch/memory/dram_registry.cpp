// SPDX-License-Identifier: Apache-2.0
// The one list of built-in DRAM models: a new model is a file in impl/ plus one line here.
#include "arch/memory/i_dram_model.hpp"

namespace adasim::arch {

void register_dram_models(DramModelRegistry& r) { register_bandwidth_latency_dram(r); }

}  // namespace adasim::arch
