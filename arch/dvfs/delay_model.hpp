// SPDX-License-Identifier: Apache-2.0
// The highest clock frequency a supply voltage supports, by the alpha-power law of the MOSFET
// drain current (Sakurai & Newton, IEEE JSSC 25(2):584-594, 1990): gate delay ~ C V / I_d with
// I_d ~ (V - V_th)^alpha, so f_max(V) = k (V - V_th)^alpha / V. The constant k comes from one
// characterised point of the design (its critical path), not from the process. Abstracts away
// temperature, process corners, body bias and the wire share of the critical path.
#pragma once

#include "arch/spec.hpp"

namespace adasim::arch {

/// f_max(v) in MHz: ref_freq_mhz * ((v - V_th) / (V_ref - V_th))^alpha * V_ref / v; 0 at or
/// below V_th (the circuit does not switch). Requires ref_voltage_v > v_th_v (the parser checks).
double max_freq_mhz(const DelayModelSpec& m, double voltage_v);

}  // namespace adasim::arch
