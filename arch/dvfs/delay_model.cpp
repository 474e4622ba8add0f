// SPDX-License-Identifier: Apache-2.0
#include "arch/dvfs/delay_model.hpp"

#include <cmath>

#include "sim/core/errors.hpp"

namespace adasim::arch {

double max_freq_mhz(const DelayModelSpec& m, double voltage_v) {
  if (!(m.ref_voltage_v > m.v_th_v) || !(m.ref_freq_mhz > 0.0))
    throw sim::ModelError("delay model: needs ref_voltage_v > v_th_v and ref_freq_mhz > 0");
  if (!(voltage_v > m.v_th_v)) return 0.0;
  const double overdrive = (voltage_v - m.v_th_v) / (m.ref_voltage_v - m.v_th_v);
  return m.ref_freq_mhz * std::pow(overdrive, m.alpha) * m.ref_voltage_v / voltage_v;
}

}  // namespace adasim::arch
