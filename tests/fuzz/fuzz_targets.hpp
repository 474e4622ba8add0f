// SPDX-License-Identifier: Apache-2.0
// The fuzz targets (README.md here): one function per harness, taking one input and aborting on
// a finding (fuzz_support.hpp). The libFuzzer entry points (fuzz_*.cpp) call them, and so does
// tests/unit/fuzz_replay_test.cpp, which replays the committed reproducers of regressions/ in
// the ordinary test suite (and under ASan + UBSan in CI).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "sim/app/sweep/point_space.hpp"
#include "sim/app/sweep/study.hpp"
#include "sim/app/sweep/sweep_spec.hpp"
#include "sim/config/arch_config.hpp"
#include "sim/core/json_input.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "workloads/ir/json_loader.hpp"
#include "workloads/onnx/onnx_loader.hpp"
#include "workloads/onnx/quantize/calibration.hpp"
#include "workloads/onnx/tensor_file.hpp"
#include "workloads/scalesim/topology_csv.hpp"

namespace adasim::fuzz {

/// The config part and the "--set " lines of an arch-config input (everything from the first
/// line starting with "--set " on).
struct ConfigInput {
  std::string config;
  std::vector<std::string> overrides;
};

inline ConfigInput split_config_input(const std::string& text) {
  ConfigInput s;
  const std::string marker = "--set ";
  size_t at = text.rfind(marker, 0) == 0 ? 0 : text.find("\n" + marker);
  if (at == std::string::npos) {
    s.config = text;
    return s;
  }
  s.config = text.substr(0, at);
  if (text[at] == '\n') ++at;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(at, end - at);
    if (line.rfind(marker, 0) == 0) s.overrides.push_back(line.substr(marker.size()));
    at = end + 1;
  }
  return s;
}

/// Loads `path` as `adasim validate --arch FILE --set ...`; an accepted config's resolved config
/// (resolved_config.json) loads again to itself.
inline void load_config_and_resolved(const std::string& path,
                                     const std::vector<std::string>& overrides) {
  const sim::LoadedConfig cfg = sim::load_arch_config(path, overrides);
  sim::LoadedConfig again;
  try {
    again = sim::parse_arch_config(cfg.resolved, "resolved");
  } catch (const sim::ConfigError& e) {
    die(std::string("the resolved config of an accepted config is rejected: ") + e.what());
  }
  if (again.resolved != cfg.resolved) die("the resolved config does not resolve to itself");
}

/// A config (+ --set lines) loaded as `adasim validate --arch FILE --set ...`.
inline void arch_config_target(const uint8_t* data, size_t size) {
  static InputFile file(".json");
  const ConfigInput in = split_config_input(std::string(reinterpret_cast<const char*>(data), size));
  const std::string& path =
      file.write(reinterpret_cast<const uint8_t*>(in.config.data()), in.config.size());
  expect_clean(data, size, [&] { load_config_and_resolved(path, in.overrides); });
}

/// A SCALE-Sim v2 .cfg file loaded as `adasim validate --arch FILE.cfg` (the JSON config that
/// mirrors it); the same resolved-config round trip.
inline void scalesim_cfg_target(const uint8_t* data, size_t size) {
  static InputFile file(".cfg");
  const std::string& path = file.write(data, size);
  expect_clean(data, size, [&] { load_config_and_resolved(path, {}); });
}

/// A sweep spec read as `adasim sweep --spec FILE` from configs/sweeps (its base config and
/// workload paths resolve there), its points enumerated or sampled; a spec of at most 16 points
/// is also resolved point by point (build_study: overrides applied to the base config, invalid
/// points listed, constraints checked), as `adasim sweep --dry-run` does.
inline void sweep_spec_target(const uint8_t* data, size_t size) {
  static InputFile file(".json");
  const std::string& path = file.write(data, size);
  expect_clean(data, size, [&] {
    namespace sw = sim::sweep;
    sw::SweepSpec spec = sw::parse_sweep_spec(sim::read_json_file(path), path,
                                              std::string(ADASIM_SOURCE_DIR) + "/configs/sweeps");
    const std::vector<sw::Point> points = spec.sampling == sw::Sampling::kLatinHypercube
                                              ? sw::latin_hypercube(spec)
                                              : sw::enumerate_grid(spec);
    for (size_t i = 0; i < points.size() && i < 16; ++i) sw::point_overrides(spec, points[i]);
    if (points.size() <= 16) sw::build_study(std::move(spec));
  });
}

/// A JSON graph; an accepted graph survives load -> graph_to_json -> text -> load unchanged.
inline void graph_json_target(const uint8_t* data, size_t size) {
  static InputFile file(".json");
  const std::string& path = file.write(data, size);
  expect_clean(data, size, [&] {
    const workloads::Graph g = workloads::load_graph_json(path);
    const nlohmann::json full = workloads::graph_to_json(g);
    workloads::Graph again;
    try {
      again =
          workloads::parse_graph_json(sim::parse_json_input(full.dump(2), "written"), "written");
    } catch (const sim::ConfigError& e) {
      die(std::string("the written form of an accepted graph is rejected: ") + e.what());
    }
    if (workloads::graph_to_json(again) != full) die("load -> write -> load changed the graph");
  });
}

/// An ONNX model imported as `adasim run --workload model.onnx` (no --input, its own batch).
inline void onnx_target(const uint8_t* data, size_t size) {
  static InputFile file(".onnx");
  const std::string& path = file.write(data, size);
  expect_clean(data, size, [&] { workloads::load_onnx_model(path, {}, 0); });
}

/// A SCALE-Sim topology CSV imported as `--workload topo.csv`.
inline void scalesim_csv_target(const uint8_t* data, size_t size) {
  static InputFile file(".csv");
  const std::string& path = file.write(data, size);
  expect_clean(data, size, [&] { workloads::load_scalesim_topology(path); });
}

inline bool same_tensor(const workloads::HostTensor& a, const workloads::HostTensor& b) {
  if (a.type != b.type || a.shape != b.shape || a.ints != b.ints) return false;
  if (a.floats.size() != b.floats.size()) return false;
  return a.floats.empty() ||
         std::memcmp(a.floats.data(), b.floats.data(), a.floats.size() * sizeof(float)) == 0;
}

/// A tensor file read as `--input FILE`; an accepted tensor written back by `write`
/// (workloads::write_npy / write_tensor_pb, as --dump-outputs writes) reads back identical.
template <class Write>
void tensor_round_trip(const uint8_t* data, size_t size, InputFile& in, InputFile& out,
                       Write write) {
  const std::string& path = in.write(data, size);
  expect_clean(data, size, [&] {
    const workloads::HostTensor t = workloads::read_tensor_file(path);
    write(out.path(), t);
    workloads::HostTensor back;
    try {
      back = workloads::read_tensor_file(out.path());
    } catch (const sim::ConfigError& e) {
      die(std::string("a written tensor does not read back: ") + e.what());
    }
    if (!same_tensor(t, back)) die("read -> write -> read changed the tensor");
  });
}

inline void npy_target(const uint8_t* data, size_t size) {
  static InputFile in(".npy"), out("_written.npy");
  tensor_round_trip(data, size, in, out, workloads::write_npy);
}

inline void tensor_pb_target(const uint8_t* data, size_t size) {
  static InputFile in(".pb"), out("_written.pb");
  tensor_round_trip(data, size, in, out, workloads::write_tensor_pb);
}

struct DesignPoint {
  sim::LoadedConfig cfg;
  std::unique_ptr<arch::EnergyTable> energy;
};

/// The mapper target's budgets: a plan of at most 2^12 chunks per candidate (the default 2^22
/// lets one candidate of a large layer build for seconds under ASan) and 256 candidates scored
/// per layer. Both are counts (deterministic); a layer with no candidate within them is refused
/// with the ConfigError a user would see, which is still a clean outcome.
constexpr int64_t kFuzzPlanChunks = int64_t(1) << 12;
constexpr int64_t kFuzzCandidates = 256;
/// Graphs above this many MACs are skipped (was 2^24 before the budgets above). Under ASan +
/// UBSan on a loaded 2-core machine MobileNetV2 (0.30 G MACs, 52 layers) maps in 5-16 s per
/// design point and AlexNet (0.71 G) in 17 s on the spatial one (0.12 s in a release build):
/// too close to libFuzzer's 20 s timeout, so both stay above the limit.
constexpr int64_t kFuzzMaxMacs = int64_t(1) << 27;

/// The shipped design points the mapper target picks from, with the budgets above.
inline const std::vector<DesignPoint>& design_points() {
  static const std::vector<DesignPoint> points = [] {
    std::vector<DesignPoint> out;
    for (const char* f :
         {"configs/default.json", "configs/adaptive_32x32.json", "configs/tiny_8x8.json",
          "configs/scalesim.json", "configs/eyeriss_like_16x16.json"}) {
      DesignPoint p;
      p.cfg = sim::load_arch_config(std::string(ADASIM_SOURCE_DIR) + "/" + f, {});
      p.cfg.spec.mapper.max_plan_chunks = kFuzzPlanChunks;
      p.cfg.spec.mapper.max_candidates = kFuzzCandidates;
      p.energy = std::make_unique<arch::EnergyTable>(p.cfg.spec.energy);
      out.push_back(std::move(p));
    }
    return out;
  }();
  return points;
}

/// One byte picking a design point, then a JSON graph mapped as `adasim map --no-simulate`.
/// The mapper may refuse a layer with a ConfigError (no tiling fits the SRAM, ...).
inline void graph_mapper_target(const uint8_t* data, size_t size) {
  if (size < 1) return;
  static InputFile file(".json");
  const DesignPoint& point = design_points()[data[0] % design_points().size()];
  const std::string& path = file.write(data + 1, size - 1);
  expect_clean(data, size, [&] {
    const workloads::Graph g = workloads::load_graph_json(path);
    if (g.total_macs() > kFuzzMaxMacs) return;
    try {
      sim::map_graph(g, point.cfg.spec, *point.energy);
    } catch (const sim::ConfigError& e) {
      throw sim::attribute_to(e, point.cfg.file);  // as adasim map names the design point
    }
  });
}

/// A calibration image of `--quantize int8 --calib` (binary netpbm, read by the calibration
/// reader the CLI uses). The first byte picks the file's extension (.pgm or .ppm: the same
/// reader, the magic decides) and the model input the image must fit: Fashion-MNIST's
/// [1, 1, 28, 28], an RGB [1, 3, 32, 32], a small [1, 1, 4, 4] the fuzzer can match, and a
/// batch of 2 (an image never is one).
inline void calib_image_target(const uint8_t* data, size_t size) {
  if (size < 1) return;
  static InputFile pgm(".pgm"), ppm(".ppm");
  static const std::vector<std::vector<int64_t>> shapes = {
      {1, 1, 28, 28}, {1, 3, 32, 32}, {1, 1, 4, 4}, {2, 1, 28, 28}};
  const std::vector<int64_t>& shape = shapes[data[0] % shapes.size()];
  const std::string& path = (data[0] & 0x80 ? ppm : pgm).write(data + 1, size - 1);
  expect_clean(data, size, [&] {
    const auto samples = workloads::quantize::calibration_samples({path}, {{"x", shape}}, 0, 1);
    for (const auto& s : samples)
      if (s.size() != 1 || s[0].shape != shape) die("a calibration sample of another shape");
  });
}

struct Target {
  const char* harness;  ///< fuzz_<name>, the folder of its reproducers in regressions/
  void (*run)(const uint8_t*, size_t);
};

inline const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"fuzz_arch_config", arch_config_target},
      {"fuzz_graph_json", graph_json_target},
      {"fuzz_onnx", onnx_target},
      {"fuzz_scalesim_csv", scalesim_csv_target},
      {"fuzz_npy", npy_target},
      {"fuzz_tensor_pb", tensor_pb_target},
      {"fuzz_graph_mapper", graph_mapper_target},
      {"fuzz_scalesim_cfg", scalesim_cfg_target},
      {"fuzz_sweep_spec", sweep_spec_target},
      {"fuzz_calib_image", calib_image_target},
  };
  return all;
}

}  // namespace adasim::fuzz
