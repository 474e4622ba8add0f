// SPDX-License-Identifier: Apache-2.0
#include "forked_sim.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <exception>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "sim/core/errors.hpp"
#include "test_support.hpp"

namespace adasim::test {

namespace {

nlohmann::json run_child(const arch::AcceleratorSpec& spec, const workloads::Graph& graph,
                         const std::vector<workloads::LayerSchedule>& schedules, uint64_t seed) {
  nlohmann::json out = nlohmann::json::array();
  try {
    const arch::EnergyTable energy(spec.energy);
    arch::ValueStore values(graph, test_generator(seed));
    const sim::SimulationResult r = sim::simulate_schedules(spec, graph, energy, values, schedules);
    for (const sim::LayerReport& l : r.layers)
      out.push_back({{"cycles", l.cycles_total},
                     {"stall", l.cycles_stall},
                     {"wakeup", l.stall_by_cause.count("wakeup") ? l.stall_by_cause.at("wakeup")
                                                                 : uint64_t(0)},
                     {"energy", l.energy_total_pj()},
                     {"accesses", l.accesses}});
  } catch (const std::exception& e) {
    return {{"error", e.what()}};
  }
  return out;
}

}  // namespace

std::vector<LayerFigures> simulate_forked(const arch::AcceleratorSpec& spec,
                                          const workloads::Graph& graph,
                                          const std::vector<workloads::LayerSchedule>& schedules,
                                          uint64_t seed) {
  int fd[2];
  if (pipe(fd) != 0) throw std::runtime_error("simulate_forked: pipe failed");
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("simulate_forked: fork failed");
  if (pid == 0) {
    close(fd[0]);
    const std::string text = run_child(spec, graph, schedules, seed).dump();
    size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = write(fd[1], text.data() + done, text.size() - done);
      if (n <= 0) _exit(1);
      done += size_t(n);
    }
    close(fd[1]);
    _exit(0);
  }
  close(fd[1]);
  std::string text;
  char buf[65536];
  for (ssize_t n; (n = read(fd[0], buf, sizeof buf)) > 0;) text.append(buf, size_t(n));
  close(fd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || text.empty())
    throw std::runtime_error("simulate_forked: the child process failed");
  const nlohmann::json j = nlohmann::json::parse(text);
  if (j.is_object()) throw std::runtime_error(j.at("error").get<std::string>());
  std::vector<LayerFigures> out;
  for (const nlohmann::json& l : j) {
    LayerFigures f;
    f.cycles = l.at("cycles").get<uint64_t>();
    f.stall = l.at("stall").get<uint64_t>();
    f.wakeup_stall = l.at("wakeup").get<uint64_t>();
    f.energy_pj = l.at("energy").get<double>();
    f.accesses = l.at("accesses").get<std::map<std::string, uint64_t>>();
    out.push_back(std::move(f));
  }
  return out;
}

bool map_and_simulate(const arch::AcceleratorSpec& spec, const workloads::Graph& graph,
                      std::vector<workloads::LayerSchedule>& schedules,
                      std::vector<LayerFigures>& figures) {
  try {
    schedules = sim::map_graph(graph, spec, arch::EnergyTable(spec.energy));
  } catch (const sim::ConfigError&) {
    return false;
  }
  figures = simulate_forked(spec, graph, schedules);
  return true;
}

}  // namespace adasim::test
