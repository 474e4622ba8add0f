// SPDX-License-Identifier: Apache-2.0
#include "arch/sequencer.hpp"

#include <algorithm>
#include <cmath>

#include "arch/dvfs/domains.hpp"
#include "arch/program/dvfs_transition.hpp"
#include "arch/program/feed_latency.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {

Sequencer::Sequencer(sc_core::sc_module_name name, const AcceleratorSpec& spec,
                     const EnergyTable& energy, ClockDomain& clock, DvfsController& dvfs,
                     SequencedBlocks blocks)
    : Component(name),
      spec_(spec),
      energy_(energy),
      clock_(clock),
      dvfs_(dvfs),
      blocks_(std::move(blocks)),
      stalls_("stall"),
      watchdog_(sim::kDefaultWatchdogCycles, [this] { return state_dump(); }) {
  stalls_.add("dram", stall_dram_, "cycles", "waiting for DRAM data", sim::StatKind::kStall);
  stalls_.add("sram", stall_sram_, "cycles", "waiting for SRAM ports", sim::StatKind::kStall);
  stalls_.add("noc", stall_noc_, "cycles", "waiting for the NoC", sim::StatKind::kStall);
  if (dvfs_.may_switch())
    stalls_.add("dvfs", stall_dvfs_, "cycles",
                "halted while the DVFS controller changes the operating point",
                sim::StatKind::kStall);
  if (blocks_.power && blocks_.power->may_wake())
    stalls_.add("wakeup", stall_wakeup_, "cycles",
                "waiting for power-gated blocks to wake up (power.wakeup_cycles)",
                sim::StatKind::kStall);
  declare(stalls_, BlockRole::kSequencer);
  SC_METHOD(tick);
}

void Sequencer::load(const workloads::Graph& graph, std::vector<const LayerProgram*> programs,
                     ValueStore& values) {
  if (programs.size() != graph.layers.size())
    throw sim::ModelError("accelerator: one program per layer expected");
  for (const LayerProgram* p : programs) engine_of(*p);  // every engine exists
  // Config errors before the run.
  check_storage_formats(spec_.sparsity, graph, values);
  graph_ = &graph;
  programs_ = std::move(programs);
  values_ = &values;
  layer_ = 0;
  finished_ = false;
}

void Sequencer::attach_power_trace(PowerTraceRecorder* trace) {
  power_trace_ = trace;
  Dma::TransferObserver seen;
  if (trace)
    seen = [this](const Dma::Transfer& t) {
      power_trace_->transfer(layer_, t.start.to_seconds() * 1e9, t.done.to_seconds() * 1e9,
                             t.bytes);
      if (t.dram_bytes > 0)
        power_trace_->dram_transfer(layer_, t.dram_start.to_seconds() * 1e9,
                                    t.dram_end.to_seconds() * 1e9, t.dram_bytes);
    };
  blocks_.memory.dma().set_transfer_observer(std::move(seen));
}

void Sequencer::set_watchdog(uint64_t cycles) {
  watchdog_ = sim::ProgressWatchdog(cycles, [this] { return state_dump(); });
}

ILayerEngine& Sequencer::engine_of(const LayerProgram& p) const {
  const auto it = blocks_.engines.find(p.engine_name());
  if (it == blocks_.engines.end())
    throw sim::ModelError(std::string("accelerator: no ") + p.engine_name() + " engine for layer " +
                          p.layer);
  return *it->second;
}

void Sequencer::tick() {
  // An exception must not unwind through the SystemC kernel (it would come back as an untyped
  // sc_report): keep it, stop the process, and let the caller rethrow it after sc_start().
  try {
    tick_once();
  } catch (...) {
    error_ = std::current_exception();
    finished_ = true;
  }
}

void Sequencer::tick_once() {
  if (finished_ || graph_ == nullptr) return;
  if (!in_layer_ && !next_layer()) return;
  const bool governed = governed_ != Boundary::kIdle || dvfs_.mid_layer_pending();
  if (wake_up() || (governed && governor())) return;
  arm_step_clock(governed);
  const StepResult r = engine_->step();
  if (r.kind == StepResult::Kind::kDone) {
    leave_layer();
    return;
  }
  const bool waited = r.kind == StepResult::Kind::kWait;
  uint64_t k = waited ? count_wait(r) : count_advance(r);
  if (probe_) {
    const SystolicProgram* sys = std::get_if<SystolicProgram>(&programs_[layer_]->engine);
    probe_->sample(cycle_, layer_, sys != nullptr && sys->outputs_stationary(), stall_code_);
  }
  if (waited) {
    k += wake_after_wait(k);
  } else if (probe_ && blocks_.power) {
    blocks_.power->trace_idle_edges(clocked_in_layer(), k);
  }
  finish_step(r, k);
}

// Cycles of the current layer so far with the clock running (its DVFS halts left out): what an
// idle block's timeout counts.
uint64_t Sequencer::clocked_in_layer() const {
  return (cycle_ - layer_start_) - stall_dvfs_;
}

// Between layers: enters the next one (true once it runs), or ends the run after the last (no
// next trigger: the kernel runs out of events and sc_start() returns).
bool Sequencer::next_layer() {
  if (layer_ < graph_->layers.size()) return enter_layer();
  finished_ = true;
  if (probe_) probe_->finish();
  return false;
}

// What the engine's step may read of the clock: its period, and under a governor the time the
// step must stop at (the next sample, or the relock of a transition the domain runs through).
void Sequencer::arm_step_clock(bool governed) {
  step_clock_.period = clock_.period();
  step_clock_.split_at.reset();
  if (!governed) return;
  step_clock_.split_at = dvfs_.next_sample();
  if (const auto relock = dvfs_.relock_at())
    step_clock_.split_at =
        step_clock_.split_at ? std::min(*step_clock_.split_at, *relock) : *relock;
}

// The engine finished the layer: record it and enter the next one in a delta cycle.
void Sequencer::leave_layer() {
  end_layer();
  ++layer_;
  in_layer_ = false;
  ++progress_;
  dma_bytes_ = 0;
  next_trigger(sc_core::SC_ZERO_TIME);
}

// The engine waits for a transfer: the whole cycles until it (at least one; under a governor no
// further than its next sample) are DRAM stall cycles. Returns them.
uint64_t Sequencer::count_wait(const StepResult& r) {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  uint64_t k = std::max<uint64_t>(1, clock_.cycles_until(r.wait_until - now));
  if (step_clock_.split_at)  // the governor samples at the first cycle edge at or after it
    k = std::min<uint64_t>(k,
                           std::max<uint64_t>(1, clock_.cycles_until(*step_clock_.split_at - now)));
  stall_dram_ += k;
  stall_code_ = 1;
  return k;
}

// The engine advanced: compute (or a bubble, counted as DRAM stall) and the port and NoC stalls
// it met, by cause. Returns the cycles the step took.
uint64_t Sequencer::count_advance(const StepResult& r) {
  if (r.bubble) {
    stall_dram_ += r.repeat;
    stall_code_ = 1;
  } else {
    compute_ += r.cycles * r.repeat;
    stall_code_ = 0;
  }
  pe_work_ += r.pe_cycles;
  stall_sram_ += r.bw_stall_sram * r.repeat;
  stall_noc_ += r.bw_stall_noc * r.repeat;
  if (r.bw_stall_sram) stall_code_ = 2;
  if (r.bw_stall_noc) stall_code_ = 3;
  return ((r.bubble ? 1 : r.cycles) + r.bw_stall_sram + r.bw_stall_noc) * r.repeat;
}

// The array idled through a wait of `idle_run` cycles: a power-gating policy may have switched it
// off meanwhile, and waking it delays the next step. Returns the wake-up cycles.
uint64_t Sequencer::wake_after_wait(uint64_t idle_run) {
  if (!blocks_.power) return 0;
  const uint64_t at = clocked_in_layer();
  const uint64_t w = blocks_.power->array_wait(idle_run, at);
  stall_wakeup_ += w;
  // The wake-up follows the wait: stall_cause 4 from the wait's end (the VCD showed the whole
  // step as a DRAM stall); the blocks the layer does not use go on idling through it.
  if (w > 0 && probe_) {
    probe_->stall_cause(cycle_.value() + idle_run, clock_.time_of(sim::Cycle(idle_run)), 4);
    blocks_.power->trace_idle_edges(at + idle_run, w, idle_run);
  }
  return w;
}

// The step took `k` cycles: trace its power, advance the cycle count, let the watchdog check,
// and come back after it.
void Sequencer::finish_step(const StepResult& r, uint64_t k) {
  const bool computed = r.kind == StepResult::Kind::kAdvanced && !r.bubble;
  if (power_trace_)
    power_trace_->step(layer_, sc_core::sc_time_stamp().to_seconds() * 1e9,
                       clock_.time_of(sim::Cycle(k)).to_seconds() * 1e9, k,
                       computed ? r.cycles * r.repeat : 0, clock_.point());
  cycle_ += sim::Cycle(k);
  watch(computed);
  next_trigger(clock_.time_of(sim::Cycle(k)));
}

void Sequencer::watch(bool computed) {
  // Progress: a compute cycle, or DMA bytes issued during this step (read every step: a step
  // that both computes and issues, then one long wait, must count from this step's end).
  const Dma::Stats& d = blocks_.memory.dma().stats();
  const uint64_t bytes = d.load_bytes[0] + d.load_bytes[1] + d.load_bytes[2] + d.store_bytes;
  if (computed || bytes != dma_bytes_) ++progress_;
  dma_bytes_ = bytes;
  watchdog_.observe(cycle_.value(), progress_);
}

std::string Sequencer::state_dump() const {
  std::string s = "state at cycle " + std::to_string(cycle_.value()) + ": layer " +
                  std::to_string(layer_ + 1) + "/" +
                  std::to_string(graph_ ? graph_->layers.size() : 0);
  if (graph_ && layer_ < graph_->layers.size()) s += " '" + graph_->layers[layer_].name + "'";
  if (!in_layer_) return s + " (between layers)\n";
  s += " on the " + std::string(programs_[layer_]->engine_name()) + " engine, fold " +
       std::to_string(engine_->current_fold()) + ", " + std::to_string(cycle_ - layer_start_) +
       " cycles into the layer (" + std::to_string(compute_) + " compute, " +
       std::to_string(stall_dram_) + " DRAM stall)\n";
  s += "  dma: " + std::to_string(blocks_.memory.dma().unissued()) + " job(s) not issued\n";
  const uint64_t cycles = cycle_ - layer_start_;
  const double ns = (sc_core::sc_time_stamp() - layer_start_time_).to_seconds() * 1e9;
  for (const sim::StatValue& v : collect(sim::Interval{
           cycles, ns, stall_dram_ + stall_sram_ + stall_noc_ + stall_dvfs_ + stall_wakeup_}))
    s += "  " + v.group + "." + v.name + " = " +
         (v.integral ? std::to_string(v.count) : std::to_string(v.real)) + " " + v.unit + "\n";
  return s;
}

// The wake-up stall at the start of a layer whose blocks were off (power gating). Returns true
// while the layer waits for it.
bool Sequencer::wake_up() {
  if (pending_wakeup_ == 0) return false;
  const uint64_t w = pending_wakeup_;
  pending_wakeup_ = 0;
  stall_wakeup_ += w;
  if (probe_) {
    probe_->sample(cycle_, layer_, false, 4);  // stall_cause 4: power-gating wake-up
    blocks_.power->trace_idle_edges(clocked_in_layer(), w);
  }
  cycle_ += sim::Cycle(w);
  next_trigger(clock_.time_of(sim::Cycle(w)));
  return true;
}

// The layer boundary: the DVFS controller may change the point first (the domain halts; the
// halt belongs to the layer it precedes). A transition still running into the boundary
// (run_at_lower_clock) ends first, the domain halted meanwhile. Returns false while the
// sequencer waits.
bool Sequencer::enter_layer() {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  if (boundary_ == Boundary::kIdle) {
    open_layer();
    requested_ = false;
  } else if (boundary_ == Boundary::kTransition || boundary_ == Boundary::kDrain) {
    const uint64_t k = boundary_ == Boundary::kTransition ? account_transition() : account_drain();
    const sc_core::sc_time resume = transition_start_ + clock_.time_of(sim::Cycle(k));
    if (resume > now) {
      boundary_ = Boundary::kAlign;
      next_trigger(resume - now);
      return false;
    }
  }
  // Busy with a transition: a boundary inside it waits for its end (or halts for its relock),
  // but not for the ramp of the down switch this boundary asked for (run_at_lower_clock): the
  // layer starts at the new, lower clock once the PLL has relocked.
  const bool own_down_switch_relocked = requested_ && !dvfs_.relock_at();
  if (dvfs_.busy() && !own_down_switch_relocked) {
    transition_start_ = now;
    if (dvfs_.relock_at()) {
      dvfs_.halt_for_relock();
      boundary_ = Boundary::kTransition;
      next_trigger(dvfs_.done_event());
    } else {
      boundary_ = Boundary::kDrain;
      next_trigger(dvfs_.idle_event());
    }
    return false;
  }
  if (!requested_) {
    requested_ = true;
    const std::optional<OperatingPoint>& planned = programs_[layer_]->point;
    const DvfsLayer next{layer_, graph_->layers[layer_].name, now.to_seconds() * 1e6,
                         planned ? &*planned : nullptr};
    if (!dvfs_.request(next)) {
      transition_start_ = now;
      boundary_ = Boundary::kTransition;
      next_trigger(dvfs_.done_event());
      return false;
    }
  }
  boundary_ = Boundary::kIdle;
  begin_layer();
  return true;
}

// A run-time governor's sample, or the relock of a transition the domain ran through at the
// lower clock, is due at this step boundary: the domain halts in the middle of the layer (stall
// cause "dvfs", whole cycles of the new clock as at a layer boundary). Returns true while the
// layer waits for it.
bool Sequencer::governor() {
  switch (governed_) {
    case Boundary::kIdle: {
      const sc_core::sc_time now = sc_core::sc_time_stamp();
      const std::optional<sc_core::sc_time> relock = dvfs_.relock_at();
      if (relock && now >= *relock) {
        dvfs_.halt_for_relock();
      } else {
        const std::optional<sc_core::sc_time> due = dvfs_.next_sample();
        if (!due || now < *due) return false;
        DvfsActivity totals;
        totals.busy_cycles = busy_before_ + compute_;
        totals.cycles = cycle_.value() - halted_before_ - stall_dvfs_;
        totals.now_us = now.to_seconds() * 1e6;
        totals.active_pe_cycles = pe_work_before_ + pe_work_;
        totals.pes = uint64_t(spec_.pe_array.rows) * uint64_t(spec_.pe_array.cols);
        if (dvfs_.sample(totals)) return false;
      }
      close_span();  // the point so far
      transition_start_ = now;
      governed_ = Boundary::kTransition;
      next_trigger(dvfs_.done_event());
      return true;
    }
    case Boundary::kTransition: {
      const sc_core::sc_time resume =
          transition_start_ + clock_.time_of(sim::Cycle(account_transition()));
      if (resume > sc_core::sc_time_stamp()) {
        governed_ = Boundary::kAlign;
        next_trigger(resume - sc_core::sc_time_stamp());
        return true;
      }
      break;
    }
    default:
      break;
  }
  governed_ = Boundary::kIdle;
  return governor();  // a sample may be due again (a period shorter than the halt)
}

void Sequencer::open_layer() {
  layer_start_ = cycle_;
  layer_start_time_ = sc_core::sc_time_stamp();
  transition_start_ = layer_start_time_;
  spans_.clear();
  span_cycle_ = cycle_;
  span_time_ = layer_start_time_;
  span_halted_ = 0;
  span_halt_ns_ = 0.0;
  compute_ = stall_dram_ = stall_sram_ = stall_noc_ = stall_dvfs_ = stall_wakeup_ = 0;
  pe_work_ = 0;
  transitions_ = 0;
  transition_ns_ = transition_pj_ = halt_ns_ = 0.0;
}

// The transition just ended: the halt lasts whole cycles of the new clock (the domain restarts on
// an edge of its PLL), counted as stall cycles of cause "dvfs". Returns them.
uint64_t Sequencer::account_transition() {
  const DvfsTransition& t = dvfs_.last();
  const sc_core::sc_time elapsed = sc_core::sc_time_stamp() - transition_start_;
  const uint64_t k =
      cycles_covering(std::round(elapsed.to_seconds() * 1e12), period_ps(clock_.point()));
  stall_dvfs_ += k;
  cycle_ += sim::Cycle(k);
  ++transitions_;
  transition_ns_ += t.total().to_seconds() * 1e9;
  halt_ns_ +=
      elapsed.to_seconds() * 1e9;  // t.halted(), or longer when the halt waited for the ramp
  transition_pj_ += t.energy_pj;
  return k;
}

// The domain waited at a layer boundary for a transition it ran through to end: whole cycles of
// its clock, stall cause "dvfs", at no operating point. Returns them.
uint64_t Sequencer::account_drain() {
  const sc_core::sc_time elapsed = sc_core::sc_time_stamp() - transition_start_;
  const uint64_t k =
      cycles_covering(std::round(elapsed.to_seconds() * 1e12), period_ps(clock_.point()));
  stall_dvfs_ += k;
  cycle_ += sim::Cycle(k);
  halt_ns_ += elapsed.to_seconds() * 1e9;
  return k;
}

// Ends the current span at the current point (at a governor's switch, and at the layer's end).
void Sequencer::close_span() {
  PointSpan p;
  p.point = clock_.point();
  p.cycles = cycle_ - span_cycle_;
  p.halted = stall_dvfs_ - span_halted_;
  p.ns = (sc_core::sc_time_stamp() - span_time_).to_seconds() * 1e9;
  p.halt_ns = halt_ns_ - span_halt_ns_;
  spans_.push_back(p);
  span_cycle_ = cycle_;
  span_time_ = sc_core::sc_time_stamp();
  span_halted_ = stall_dvfs_;
  span_halt_ns_ = halt_ns_;
}

// A layer that ran at several points: its core-domain energy, computed at the last one, is
// re-priced over them (arch/dvfs/domains.hpp), and each gated block's wake-up energy and
// leakage saved with it (the saved leakage scales as the block's leakage rows: same law, same
// time shares).
void Sequencer::price_spans(LayerResult& res) const {
  if (spans_.size() < 2) return;
  const uint64_t busy = res.cycles_total - stall_dvfs_;
  std::vector<PointShare> shares;
  for (const PointSpan& p : spans_)
    shares.push_back(PointShare{p.point.voltage_v,
                                busy ? double(p.cycles - p.halted) / double(busy) : 0.0,
                                res.time_ns > 0 ? p.ns / res.time_ns : 0.0});
  price_over_core_points(energy_, spec_, clock_.point().voltage_v, shares, res.energy);
  for (BlockPower& b : res.power) {
    // The factor each figure's row took: a 1 pJ row of the block re-priced the same way.
    std::vector<EnergyRow> probe = {EnergyRow{b.block, "wakeup", 1, 1.0, 1.0},
                                    EnergyRow{b.block, "leakage", 1, 1.0, 1.0}};
    price_over_core_points(energy_, spec_, clock_.point().voltage_v, shares, probe);
    b.wakeup_pj *= probe[0].pj;
    b.leakage_saved_pj *= probe[1].pj;
  }
}

void Sequencer::begin_layer() {
  const workloads::Layer& l = graph_->layers[layer_];
  const LayerProgram& prog = *programs_[layer_];
  engine_ = &engine_of(prog);
  if (blocks_.power) pending_wakeup_ = blocks_.power->begin_layer(l.name, prog);
  blocks_.memory.begin_layer();
  blocks_.bus.reset_stats();
  OutputStage& out = blocks_.output;
  const LayerIo& io = out.begin_layer(*graph_, l, prog, *values_, engine_->output());
  transfers_ = std::make_unique<TransferController>(prog.transfers, blocks_.memory.dma(),
                                                    out.storage().transfer_scales());
  LayerPorts ports;
  for (int o = 0; o < kNumOperands; ++o)
    ports.level_of_operand.push_back(&blocks_.memory.array_level(Operand(o)));
  ports.bus = &blocks_.bus;
  ports.plan = transfers_.get();
  ports.read_scale = &out.storage().sram_reads;
  step_clock_.period = clock_.period();
  step_clock_.split_at = dvfs_.next_sample();
  ports.clock = &step_clock_;
  ports.core_per_memory_cycle = core_per_memory_cycle(spec_, clock_.point());
  const SparseConfig sparse{spec_.sparsity.mode_of(l.name), spec_.sparsity.ifmap,
                            spec_.sparsity.weight};
  engine_->start(prog, io, ports, sparse);
  out.start_encoder(*transfers_, *engine_);
  in_layer_ = true;
}

void Sequencer::end_layer() {
  const workloads::Layer& l = graph_->layers[layer_];
  LayerResult res;
  res.name = l.name;
  res.op = workloads::to_string(l.op);
  res.cycles_total = cycle_ - layer_start_;
  res.cycles_compute = compute_;
  res.active_pe_cycles = pe_work_;
  res.cycles_stall = stall_dram_ + stall_sram_ + stall_noc_ + stall_dvfs_ + stall_wakeup_;
  res.wakeup_stall = stall_wakeup_;
  if (res.cycles_total != res.cycles_compute + res.cycles_stall)
    throw sim::ModelError("accelerator: cycle accounting does not add up in layer " + l.name);
  const MacTally t = engine_->macs();
  res.macs = t.macs;
  res.macs_issued = t.issued;
  res.macs_gated = t.gated;
  res.macs_skipped = t.skipped;
  res.time_ns = (sc_core::sc_time_stamp() - layer_start_time_).to_seconds() * 1e9;
  close_span();
  // The halt of a DVFS transition is at no operating point (the clock is stopped).
  for (const PointSpan& p : spans_)
    res.time_ns_at_point[ClockDomain::label(p.point)] += p.ns - p.halt_ns;
  res.dvfs_transitions = transitions_;
  res.dvfs_transition_ns = transition_ns_;
  res.dvfs_reported = dvfs_.may_switch();
  const double voltage = clock_.point().voltage_v;
  std::vector<EnergyRow> storage_rows;
  blocks_.output.end_layer(energy_, voltage, storage_rows);
  res.stats = collect(sim::Interval{res.cycles_total, res.time_ns, res.cycles_stall});
  engine_->energy(EnergyInputs{energy_, spec_, blocks_.memory, blocks_.bus, voltage, res.time_ns,
                               &blocks_.output.storage()},
                  res.energy);
  res.energy.insert(res.energy.end(), storage_rows.begin(), storage_rows.end());
  price_at_domain_voltages(energy_, spec_, voltage, res.energy);  // memory-domain blocks
  if (blocks_.power)
    blocks_.power->end_layer(PowerLayerCycles{res.cycles_total, compute_, stall_dvfs_, res.time_ns,
                                              voltage, clock_.point().freq_mhz},
                             res.energy, res.power);
  price_spans(res);
  if (transitions_ > 0)
    res.energy.push_back(EnergyRow{"dvfs", "transition", transitions_,
                                   transition_pj_ / double(transitions_), transition_pj_});
  busy_before_ += compute_;
  halted_before_ += stall_dvfs_;
  pe_work_before_ += pe_work_;
  results_.push_back(std::move(res));
  values_->release_after(layer_);
  transfers_.reset();
}

std::vector<sim::StatValue> Sequencer::collect(const sim::Interval& in) const {
  // The layer reports its engine's statistics, the sequencer's, and those of the shared blocks
  // its engine's datapath uses.
  std::vector<sim::StatValue> out;
  const sc_core::sc_object& root = *get_parent_object();
  collect_stats(
      root, in,
      [this](const Component& c, BlockRole role) {
        if (role == BlockRole::kSequencer) return true;
        if (role == BlockRole::kEngine) return &c == engine_;
        return engine_->reports(role);
      },
      out);
  return out;
}

}  // namespace adasim::arch
