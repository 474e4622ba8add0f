// SPDX-License-Identifier: Apache-2.0
#include "arch/accelerator.hpp"

#include <algorithm>

#include "arch/energy/energy_model.hpp"
#include "arch/energy/spatial_energy.hpp"
#include "arch/pe/operand_access.hpp"
#include "arch/pe/operand_decode.hpp"
#include "arch/pe/requantizer.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {

using workloads::LayerSchedule;

namespace {
// Operand sub-rows per physical PE row the array needs: precision lanes or N:M groups.
int array_sub_rows(const AcceleratorSpec& spec) {
  if (spec.pe_array.precision_scalable) return spec.pe_array.mac_bits;
  return spec.sparsity.structured.enabled ? spec.sparsity.structured.m : 1;
}
}  // namespace

Accelerator::Accelerator(sc_core::sc_module_name name, const AcceleratorSpec& spec,
                         const EnergyTable& energy)
    : sc_core::sc_module(name),
      spec_(spec),
      energy_(energy),
      clock_(spec.clock),
      dvfs_(spec.clock, clock_),
      dram_("dram", spec.dram),
      dma_("dma", int(spec.sram.size()), spec.dram.burst_bytes),
      bus_(spec.noc),
      array_(spec.pe_array.rows, spec.pe_array.cols, array_sub_rows(spec)),
      array_ctrl_(spec_, array_),
      spatial_ctrl_(spec_) {
  for (const SramLevelSpec& l : spec.sram) sram_.push_back(std::make_unique<SramLevel>(l.name.c_str(), l));
  dma_.dram_socket.bind(dram_.socket);
  for (size_t i = 0; i < sram_.size(); ++i) dma_.sram_sockets[i].bind(sram_[i]->socket);
  SC_METHOD(tick);
}

Accelerator::~Accelerator() = default;

void Accelerator::load_program(const workloads::Graph& graph,
                               const std::vector<LayerSchedule>& schedules, ValueStore& values) {
  if (schedules.size() != graph.layers.size())
    throw sim::ModelError("accelerator: one schedule per layer expected");
  // Config errors before the run.
  check_storage_formats(spec_.sparsity, graph, values, spec_.pe_array.kind);
  graph_ = &graph;
  schedules_ = &schedules;
  values_ = &values;
  layer_ = 0;
  finished_ = false;
}

void Accelerator::tick() {
  // An exception must not unwind through the SystemC kernel (it would come back as an untyped
  // sc_report): keep it, stop the process, and let the caller rethrow it after sc_start().
  try {
    tick_once();
  } catch (...) {
    error_ = std::current_exception();
    finished_ = true;
  }
}

void Accelerator::tick_once() {
  if (finished_ || graph_ == nullptr) return;
  if (!in_layer_) {
    if (layer_ >= graph_->layers.size()) {
      // No next trigger: the kernel runs out of events and sc_start() returns.
      finished_ = true;
      if (vcd_) vcd_->finish();
      return;
    }
    begin_layer();
  }
  const LayerSchedule& sch = (*schedules_)[layer_];
  const StepResult r = sch.vector_path ? vector_ctrl_.step()
                       : sch.spatial   ? spatial_ctrl_.step()
                                       : array_ctrl_.step();
  uint64_t k = 1;
  switch (r.kind) {
    case StepResult::Kind::kDone:
      end_layer();
      ++layer_;
      in_layer_ = false;
      next_trigger(sc_core::SC_ZERO_TIME);
      return;
    case StepResult::Kind::kWait:
      k = std::max<uint64_t>(1, clock_.cycles_until(r.wait_until - sc_core::sc_time_stamp()));
      stall_dram_ += k;
      stall_code_ = 1;
      break;
    case StepResult::Kind::kAdvanced:
      if (r.bubble) {
        ++stall_dram_;
        stall_code_ = 1;
      } else {
        compute_ += r.cycles;
        stall_code_ = 0;
      }
      stall_sram_ += r.bw_stall_sram;
      stall_noc_ += r.bw_stall_noc;
      if (r.bw_stall_sram) stall_code_ = 2;
      if (r.bw_stall_noc) stall_code_ = 3;
      k = (r.bubble ? 1 : r.cycles) + r.bw_stall_sram + r.bw_stall_noc;
      break;
  }
  sample_trace(k);
  cycle_ += k;
  next_trigger(clock_.period() * double(k));
}

void Accelerator::begin_layer() {
  const workloads::Layer& l = graph_->layers[layer_];
  const LayerSchedule& sch = (*schedules_)[layer_];
  dvfs_.before_layer(layer_);
  dma_.begin_layer();
  dma_.reset_stats();
  dram_.reset_stats();
  for (auto& s : sram_) s->reset_stats();
  bus_.reset_stats();
  // Compressed operands: the DMA and the SRAM read ports move encoded bytes (storage_plan.hpp).
  storage_ = plan_layer_storage(layer_formats(spec_.sparsity, l), *graph_, l, *values_);
  plan_ = std::make_unique<TransferPlan>(sch, spec_, dma_, storage_.transfer_scales());
  LayerPorts ports;
  for (int o = 0; o < kNumOperands; ++o)
    ports.level_of_operand.push_back(sram_[size_t(spec_.level_index_of(Operand(o)))].get());
  ports.bus = &bus_;
  ports.plan = plan_.get();
  ports.read_scale = &storage_.sram_reads;
  if (sch.vector_path) {
    std::vector<const workloads::Int8Buffer*> ins;
    for (const std::string& in : l.inputs) ins.push_back(&values_->get(in));
    vector_ctrl_.start(sch, ins, vec_out_, ports);
  } else {
    // The feeders subtract the zero points: the array sees q - zp (operand_decode.hpp).
    const std::string& b_name = l.weight.empty() ? l.inputs.at(1) : l.weight;
    op_a_ = decode_activation(values_->get(l.inputs.at(0)), graph_->tensor(l.inputs.at(0)));
    op_b_ = l.weight.empty() ? decode_activation(values_->get(b_name), graph_->tensor(b_name))
                             : decode_weight(values_->get(b_name), graph_->tensor(b_name), l, sch.shape);
    acc_ = workloads::Int32Buffer(OperandAccess(sch, op_a_, op_b_).out_shape(), 0);
    const SparseConfig sparse{spec_.sparsity.mode_of(l.name), spec_.sparsity.ifmap,
                              spec_.sparsity.weight};
    array_ctrl_.set_sparsity(sparse);
    spatial_ctrl_.set_sparsity(sparse);
    if (sch.spatial)
      spatial_ctrl_.start(sch, op_a_, op_b_, acc_, ports);
    else
      array_ctrl_.start(sch, op_a_, op_b_, acc_, ports);
  }
  start_output_encoder(l, sch);
  layer_start_cycle_ = cycle_;
  layer_start_time_ = sc_core::sc_time_stamp();
  compute_ = stall_dram_ = stall_sram_ = stall_noc_ = 0;
  in_layer_ = true;
}

void Accelerator::end_layer() {
  const workloads::Layer& l = graph_->layers[layer_];
  const LayerSchedule& sch = (*schedules_)[layer_];
  sim::LayerReport rep;
  rep.name = l.name;
  rep.op = workloads::to_string(l.op);
  rep.dataflow = sch.vector_path ? "vector"
                 : sch.spatial   ? to_string(sch.spatial->dataflow)
                                 : to_string(sch.dataflow);
  rep.cycles_total = cycle_ - layer_start_cycle_;
  rep.cycles_compute = compute_;
  rep.cycles_stall = stall_dram_ + stall_sram_ + stall_noc_;
  if (rep.cycles_total != rep.cycles_compute + rep.cycles_stall)
    throw sim::ModelError("accelerator: cycle accounting does not add up in layer " + l.name);
  rep.stall_by_cause = {{"dram", stall_dram_}, {"sram", stall_sram_}, {"noc", stall_noc_}};
  // The layer's MACs; on the N:M datapath the array runs only its weight slots' share and the
  // rest are skipped by construction (record_sparsity adds them to macs_skipped).
  rep.macs = uint64_t(sch.vector_path || sch.spatial ? sch.macs() : sch.shape.macs());
  rep.macs_issued = rep.macs;
  finish_output_encoder(l);
  if (sch.vector_path) {
    values_->put(l.output, std::move(vec_out_));
  } else {
    record_sparsity(rep, sch);
    finish_outputs(l, sch);
  }
  const double time_ns = (sc_core::sc_time_stamp() - layer_start_time_).to_seconds() * 1e9;
  rep.time_ns = time_ns;
  rep.time_ns_at_point[ClockDomain::label(clock_.point())] = time_ns;

  const double cyc = double(std::max<uint64_t>(1, rep.cycles_total));
  const int64_t pes = int64_t(spec_.pe_array.rows) * spec_.pe_array.cols;
  // MACs the PEs performed (N:M: slot MACs) per PE-cycle.
  rep.utilization["pe"] = sch.vector_path ? 0.0 : double(sch.macs()) / (double(pes) * cyc);
  if (sch.vector_path)
    rep.utilization["vector"] = double(rep.macs) / (double(sch.vector_lanes) * cyc);
  const auto& ds = dram_.stats();
  const double dram_bw_bytes = spec_.dram.bandwidth_gb_per_s * time_ns;  // GB/s x ns = bytes
  rep.utilization["dram"] =
      (spec_.dram.ideal || time_ns <= 0) ? 0.0 : double(ds.read_bytes + ds.write_bytes) / dram_bw_bytes;
  const auto& bs = bus_.stats();
  const double bus_w = double(spec_.noc.link_width_bits / 8) * cyc;
  rep.utilization["noc"] = std::max(double(bs.to_array_bytes), double(bs.from_array_bytes)) / bus_w;

  if (sch.spatial) {
    report_spatial(rep, sch, time_ns);
    return;
  }
  LayerActivity act;
  act.macs = sch.vector_path ? 0 : rep.macs_issued;
  act.vector_ops = sch.vector_path ? rep.macs : 0;
  // Precision-scalable PEs: a lane's MAC is priced at the operands' width.
  act.mac_bits = sch.mac_lanes > 1 ? std::max(sch.in_bits, sch.w_bits) : spec_.pe_array.mac_bits;
  act.in_bits = sch.in_bits;
  act.w_bits = sch.w_bits;
  act.accum_bits = spec_.pe_array.accum_bits;
  if (sch.nm_m > 0) {
    // N:M datapath: every issued MAC reads its slot's position field to steer the m:1
    // multiplexer, and every active PE latches and forwards its group's other m - 1 activations.
    act.nm_index_bits = sch.nm().index_bits();
    act.nm_selects = rep.macs_issued;
    act.nm_forwards = uint64_t(sch.macs()) * uint64_t(sch.nm_m - 1);
  }
  for (const auto& s : sram_) {
    const auto& st = s->stats();
    const SramLevelSpec& sp = s->spec();
    rep.utilization["sram." + sp.name] =
        sp.ideal ? 0.0
                 : std::max(double(st.array_read_bytes) / (double(sp.read_bytes_per_cycle()) * cyc),
                            double(st.array_write_bytes) / (double(sp.write_bytes_per_cycle()) * cyc));
    rep.accesses[sp.name + ".read_bytes"] = st.array_read_bytes;
    rep.accesses[sp.name + ".write_bytes"] = st.array_write_bytes;
    rep.accesses[sp.name + ".fill_bytes"] = st.dma_write_bytes;
    rep.accesses[sp.name + ".drain_bytes"] = st.dma_read_bytes;
    rep.accesses[sp.name + ".read_words"] = s->read_words();
    rep.accesses[sp.name + ".write_words"] = s->write_words();
    act.levels.push_back({sp.name, sp.size_bytes, sp.word_bits, s->read_words(), s->write_words()});
  }
  rep.accesses["dram.read_bytes"] = ds.read_bytes;
  rep.accesses["dram.write_bytes"] = ds.write_bytes;
  rep.accesses["dram.bursts"] = ds.bursts;
  rep.accesses["noc.to_array_bytes"] = bs.to_array_bytes;
  rep.accesses["noc.from_array_bytes"] = bs.from_array_bytes;
  for (int o = 0; o < kNumOperands; ++o)
    rep.accesses[std::string("dma.load_bytes_") + to_string(Operand(o))] = dma_.stats().load_bytes[o];
  rep.accesses["dma.store_bytes"] = dma_.stats().store_bytes;
  act.dram_read_bytes = ds.read_bytes;
  act.dram_write_bytes = ds.write_bytes;
  act.bus_bytes = bs.to_array_bytes + bs.from_array_bytes;
  act.pes = pes;
  act.time_ns = time_ns;
  act.voltage_v = clock_.point().voltage_v;
  rep.energy = layer_energy(energy_, act);
  report_storage(storage_, energy_, clock_.point().voltage_v, rep);
  rep.schedule = sch.to_json();
  reports_.push_back(std::move(rep));
  values_->release_after(layer_);
  plan_.reset();
}

void Accelerator::report_spatial(sim::LayerReport& rep, const LayerSchedule& sch, double time_ns) {
  const spatial::SpatialCounts& c = spatial_ctrl_.counts();
  if (uint64_t(c.macs) != rep.macs)
    throw sim::ModelError("accelerator: spatial engine ran " + std::to_string(c.macs) +
                          " MACs of the " + std::to_string(rep.macs) + " in layer " + rep.name);
  static const char* kOp[3] = {"ifmap", "weight", "psum"};
  const std::string gb = spec_.sram.at(0).name;
  for (size_t o = 0; o < 3; ++o) {
    const std::string op = kOp[o];
    rep.accesses["dram." + op + ".reads"] = uint64_t(c.dram_reads[o]);
    rep.accesses["dram." + op + ".writes"] = uint64_t(c.dram_writes[o]);
    rep.accesses[gb + "." + op + ".reads"] = uint64_t(c.gbuf_reads[o]);
    rep.accesses[gb + "." + op + ".writes"] = uint64_t(c.gbuf_writes[o]);
    rep.accesses[gb + "." + op + ".fills"] = uint64_t(c.gbuf_fills[o]);
    rep.accesses[gb + "." + op + ".drains"] = uint64_t(c.gbuf_drains[o]);
    rep.accesses["noc." + op + ".deliveries"] = uint64_t(c.noc_deliveries[o]);
    rep.accesses["rf." + op + ".reads"] = uint64_t(c.rf_reads[o]);
    rep.accesses["rf." + op + ".writes"] = uint64_t(c.rf_writes[o]);
  }
  rep.accesses["noc.psum.hops"] = uint64_t(c.psum_hops);
  rep.accesses["array.passes"] = uint64_t(c.passes);
  const auto& ds = dram_.stats();
  rep.accesses["dram.read_bytes"] = ds.read_bytes;
  rep.accesses["dram.write_bytes"] = ds.write_bytes;
  const double cyc = double(std::max<uint64_t>(1, rep.cycles_total));
  const int64_t pes = int64_t(spec_.pe_array.rows) * spec_.pe_array.cols;
  rep.utilization["pe"] = double(rep.macs) / (double(pes) * cyc);
  const double dram_bw_bytes = spec_.dram.bandwidth_gb_per_s * time_ns;
  rep.utilization["dram"] = (spec_.dram.ideal || time_ns <= 0)
                                ? 0.0
                                : double(ds.read_bytes + ds.write_bytes) / dram_bw_bytes;
  const std::array<int, 3> bits = {sch.in_bits, sch.w_bits, spec_.pe_array.accum_bits};
  rep.energy = spatial_layer_energy(energy_, spec_, c, bits, clock_.point().voltage_v, time_ns);
  report_storage(storage_, energy_, clock_.point().voltage_v, rep);
  rep.schedule = sch.to_json();
  reports_.push_back(std::move(rep));
  values_->release_after(layer_);
  plan_.reset();
}

}  // namespace adasim::arch
