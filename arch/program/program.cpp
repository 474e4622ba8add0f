// SPDX-License-Identifier: Apache-2.0
#include "arch/program/program.hpp"

#include <type_traits>

#include "sim/core/errors.hpp"

namespace adasim::arch {

const char* to_string(GemmDim d) {
  switch (d) {
    case GemmDim::kM:
      return "M";
    case GemmDim::kKred:
      return "Kred";
    case GemmDim::kN:
      return "N";
  }
  return "?";
}

ArrayLayout SystolicProgram::layout() const {
  if (rows_dim == GemmDim::kKred && cols_dim == GemmDim::kN && time_dim == GemmDim::kM)
    return ArrayLayout::kWeightsHeld;
  if (rows_dim == GemmDim::kKred && cols_dim == GemmDim::kM && time_dim == GemmDim::kN)
    return ArrayLayout::kInputsHeld;
  if (rows_dim == GemmDim::kM && cols_dim == GemmDim::kN && time_dim == GemmDim::kKred)
    return ArrayLayout::kOutputsHeld;
  throw sim::ModelError(std::string("systolic program: rows ") + to_string(rows_dim) + ", cols " +
                        to_string(cols_dim) + ", time " + to_string(time_dim) +
                        " is not a layout the array supports");
}

int64_t SystolicProgram::macs() const {
  int64_t sum = 0;
  for (const SystolicFold& f : folds) sum += f.macs;
  return sum;
}

const char* engine_name(const EngineProgram& p) {
  static const char* kNames[] = {"systolic", "spatial", "vector"};
  return kNames[p.index()];
}

int64_t LayerProgram::macs() const {
  if (const auto* s = std::get_if<SystolicProgram>(&engine)) return s->macs();
  if (const auto* s = std::get_if<SpatialProgram>(&engine)) return s->macs;
  return std::get<VectorProgram>(engine).ops;
}

namespace {
template <class P, class V>
P& program_of(V& variant, const std::string& layer, const char* what) {
  P* p = std::get_if<std::remove_const_t<P>>(&variant);
  if (!p)
    throw sim::ModelError("layer " + layer + " runs on the " + engine_name(variant) +
                          " engine, not the " + what + " engine");
  return *p;
}
}  // namespace

const SystolicProgram& LayerProgram::systolic() const {
  return program_of<const SystolicProgram>(engine, layer, "systolic");
}
const SpatialProgram& LayerProgram::spatial() const {
  return program_of<const SpatialProgram>(engine, layer, "spatial");
}
const VectorProgram& LayerProgram::vector() const {
  return program_of<const VectorProgram>(engine, layer, "vector");
}
SystolicProgram& LayerProgram::systolic() {
  return program_of<SystolicProgram>(engine, layer, "systolic");
}
SpatialProgram& LayerProgram::spatial() {
  return program_of<SpatialProgram>(engine, layer, "spatial");
}
VectorProgram& LayerProgram::vector() { return program_of<VectorProgram>(engine, layer, "vector"); }

}  // namespace adasim::arch
