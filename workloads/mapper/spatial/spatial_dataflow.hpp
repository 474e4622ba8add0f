// SPDX-License-Identifier: Apache-2.0
// The dataflows of the spatial (Eyeriss-style) array, as the mapper sees them (Chen et al., ISCA
// 2016, Sec. IV): which loops a dataflow unrolls over the array's rows (Y) and columns (X),
// which it runs inside the PE register files and which operands those keep (the core of a
// mapping), and the buffer-level loop order that keeps its register-file operand stationary.
// The search (spatial_search.hpp) completes every core with the temporal loops, so a dataflow
// is one implementation of this interface, registered by name (register_spatial_dataflows).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "arch/spec.hpp"
#include "sim/core/registry.hpp"
#include "workloads/mapper/search.hpp"
#include "workloads/mapper/spatial/spatial_mapper.hpp"

namespace adasim::workloads::spatial {

/// Where a factor constraint applies (the array's Y and X loops count together).
enum ConstraintLevel { kAtDram = 0, kAtGbuf, kAtArray, kAtRf };

/// The user's mapper constraints resolved for one layer.
struct Constraints {
  /// Required product of a dim's loop bounds at a level (0 = free), clipped to the dim's extent.
  std::array<std::array<int64_t, kNumDims>, 4> factor{};
  /// Relative order of the DRAM loops, outermost first (empty = searched).
  std::vector<int> dram_order;

  static Constraints resolve(const arch::MapperSpec& m, const Problem& p);
  bool any() const;
  /// "array C=4, dram order N M C P Q R S" (for errors and reports).
  std::string describe() const;
};

/// The bounds a loop may take under the search mode and the user's constraints.
class LoopChoices {
 public:
  LoopChoices(SearchMode mode, const Constraints& c) : mode_(mode), c_(c) {}
  bool exhaustive() const { return mode_ == SearchMode::kExhaustive; }
  const Constraints& constraints() const { return c_; }
  /// Free bounds for a loop over extent n, at most cap: every value (exhaustive), or the
  /// smallest bound of each iteration count ceil(n / t) (a larger bound with as many iterations
  /// only moves more per tile), thinned to k values.
  std::vector<int64_t> free(int64_t n, int64_t cap, size_t k) const;
  /// Whether a core's array and RF loops multiply to the user's factors at those levels.
  bool core_admitted(const Mapping& core) const;
  /// A loop that alone carries dim d at constraint level L.
  std::vector<int64_t> at(int L, int d, int64_t n, int64_t cap, size_t k) const;

 private:
  SearchMode mode_;
  const Constraints& c_;
};

/// A mapping's spatial and register-file loops, and what they leave to the temporal loops.
struct Core {
  Mapping m;                                     ///< spatial and register-file loops only
  std::array<int64_t, kNumDims> span{};          ///< per-dim extent of those loops
  std::array<int64_t, kNumDims> rem{};           ///< extent left for the temporal loops
  double bound = 0;                              ///< lower bound of its mappings' objective
  const std::vector<int>* gbuf_order = nullptr;  ///< its dataflow's buffer-level order
};

/// Bytes of the operand tiles of `span` (values at their widths; psums at the accumulator's):
/// of all three operands, or with `kept_only` of those `keep` marks.
int64_t tiles_bytes(const Problem& p, const std::array<int64_t, kNumDims>& span,
                    const LayerWidths& w, bool kept_only, const std::array<bool, 3>& keep);

/// Values of operand o (0 ifmap, 1 weight, 2 psum) one PE's register files can keep: its spad's
/// capacity (pe_array.spads), or the rf_bytes pool over the value's bytes.
int64_t rf_capacity(const arch::PeArraySpec& pe, const LayerWidths& w, int o);

/// Whether one PE can keep the tiles of `rf_span` that `keep` marks: each in its spad, or all
/// together in the rf_bytes pool.
bool rf_fits(const Problem& p, const arch::PeArraySpec& pe, const LayerWidths& w,
             const std::array<int64_t, kNumDims>& rf_span, const std::array<bool, 3>& keep);

class ISpatialDataflow;

/// Collects the cores of one dataflow: drops loops of bound 1 and keeps a core only when it
/// meets the user's constraints and its kept tiles fit the register file.
class CoreSet {
 public:
  CoreSet(const Problem& p, const ISpatialDataflow& df, const arch::AcceleratorSpec& spec,
          const LayerWidths& w, const LoopChoices& ch);
  /// `spatial`: loops over the array's Y and X; `rf`: loops inside the PEs; `keep`: operands
  /// (ifmap, weight, psum) held in the register files.
  void add(const std::vector<Loop>& spatial, const std::vector<Loop>& rf, std::array<bool, 3> keep);
  std::vector<Core>& cores() { return cores_; }

 private:
  const Problem& p_;
  const ISpatialDataflow& df_;
  const LayerWidths& w_;
  const LoopChoices& ch_;
  const arch::PeArraySpec& pe_;
  std::vector<Core> cores_;
};

/// A dataflow of the spatial array.
/// Contract: cores() adds only legal cores (spatial loops within the array's rows and columns,
/// Y loops before X loops); gbuf_order() lists each of the eight dims once, outermost first, and
/// returns the same vector on every call.
class ISpatialDataflow {
 public:
  virtual ~ISpatialDataflow() = default;
  /// The dataflow's name in the program contract (Mapping::dataflow).
  virtual const std::string& id() const = 0;
  /// Every core the dataflow allows for layer p on this array.
  virtual void cores(const Problem& p, const arch::AcceleratorSpec& spec, const LayerWidths& w,
                     const LoopChoices& ch, CoreSet& out) const = 0;
  /// Buffer-level order (outermost first) that keeps the register-file operand stationary.
  virtual const std::vector<int>& gbuf_order() const;
};

/// What a core generator sees: the layer, the array and where the cores go.
struct CoreContext {
  const Problem& p;
  const arch::AcceleratorSpec& spec;
  const LayerWidths& w;
  const LoopChoices& ch;
  CoreSet& out;
  const std::array<int64_t, kNumDims>& bound() const { return p.bound; }
  int64_t rows() const { return spec.pe_array.rows; }
  int64_t cols() const { return spec.pe_array.cols; }
  /// Values of operand o one PE can keep (rf_capacity).
  int64_t rf_values(int o) const { return rf_capacity(spec.pe_array, w, o); }
};

/// A dataflow given by a function that adds its cores and by its buffer-level order.
class GeneratedDataflow final : public ISpatialDataflow {
 public:
  using Generator = void (*)(const CoreContext&);
  GeneratedDataflow(std::string id, Generator gen, std::vector<int> gbuf_order)
      : id_(std::move(id)), gen_(gen), order_(std::move(gbuf_order)) {}
  const std::string& id() const override { return id_; }
  void cores(const Problem& p, const arch::AcceleratorSpec& spec, const LayerWidths& w,
             const LoopChoices& ch, CoreSet& out) const override {
    gen_(CoreContext{p, spec, w, ch, out});
  }
  const std::vector<int>& gbuf_order() const override {
    return order_.empty() ? ISpatialDataflow::gbuf_order() : order_;
  }

 private:
  std::string id_;
  Generator gen_;
  std::vector<int> order_;
};

using SpatialDataflowFactory = std::function<std::unique_ptr<ISpatialDataflow>()>;
using SpatialDataflowRegistry = sim::Registry<SpatialDataflowFactory>;

/// Registers every spatial dataflow (kind "spatial_dataflow"): rs, ws, os_a, os_b, os_c, nlr.
void register_spatial_dataflows(SpatialDataflowRegistry& r);

/// The registered spatial dataflows (built once; immutable).
const SpatialDataflowRegistry& spatial_dataflows();

/// A factory of GeneratedDataflow(id, gen, order) for registrations (empty order: the default).
SpatialDataflowFactory generated(const std::string& id, GeneratedDataflow::Generator gen,
                                 std::vector<int> gbuf_order = {});

/// An instance of the registered dataflow `df`.
std::unique_ptr<ISpatialDataflow> make_spatial_dataflow(const std::string& df);

}  // namespace adasim::workloads::spatial
