// SPDX-License-Identifier: Apache-2.0
// Simulation-speed benchmark: runs a workload on a config once and reports simulated cycles per
// wall-clock second, PE-cycles per second and peak resident memory. Not a test: figures depend on
// the machine; bench/README.md records what we measured.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include "arch/energy/energy_table.hpp"
#include "arch/value_store.hpp"
#include "sim/app/simulation.hpp"
#include "sim/app/value_source.hpp"
#include "sim/app/workload_loader.hpp"
#include "sim/config/arch_config.hpp"
#include "workloads/reference/reference_ops.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bench_sim ARCH.json WORKLOAD [--set k=v ...] [--weight-sparsity P]"
                 " [--act-sparsity P]\n";
    return 1;
  }
  std::vector<std::string> overrides;
  std::string wsp, asp;
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--set") overrides.push_back(argv[i + 1]);
    if (flag == "--weight-sparsity") wsp = argv[i + 1];
    if (flag == "--act-sparsity") asp = argv[i + 1];
  }
  try {
    adasim::sim::ValueOptions vopt;  // seed 1, as adasim run's default
    if (!wsp.empty()) vopt.weight = adasim::sim::parse_sparsity_option("--weight-sparsity", wsp);
    if (!asp.empty()) vopt.act = adasim::sim::parse_sparsity_option("--act-sparsity", asp);
    const auto cfg = adasim::sim::load_arch_config(argv[1], overrides);
    const auto wl = adasim::sim::load_workload(argv[2], "auto", 0);
    const adasim::arch::EnergyTable energy(cfg.spec.energy);
    vopt.column_weights = adasim::sim::matmul_weights(wl.graph);
    adasim::arch::ValueStore values(wl.graph, adasim::sim::make_generator(vopt));
    const auto t0 = std::chrono::steady_clock::now();
    const auto res = adasim::sim::simulate(cfg.spec, wl.graph, energy, values);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    uint64_t cycles = 0, macs = 0, issued = 0, skipped = 0;
    for (const auto& l : res.layers) {
      cycles += l.cycles_total;
      macs += l.macs;
      issued += l.macs_issued;
      skipped += l.macs_skipped;
    }
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const double pes = double(cfg.spec.pe_array.rows) * cfg.spec.pe_array.cols;
    std::printf("workload=%s arch=%s layers=%zu\n", wl.graph.name.c_str(), cfg.spec.name.c_str(),
                res.layers.size());
    std::printf("simulated_cycles=%llu macs=%llu wall_s=%.3f\n", (unsigned long long)cycles,
                (unsigned long long)macs, s);
    std::printf("macs_issued=%llu macs_skipped=%llu\n", (unsigned long long)issued,
                (unsigned long long)skipped);
    std::printf("cycles_per_s=%.0f pe_cycles_per_s=%.3g peak_rss_mb=%.1f\n", double(cycles) / s,
                double(cycles) * pes / s, double(ru.ru_maxrss) / 1024.0);
  } catch (const std::exception& e) {
    std::cerr << "bench_sim: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
