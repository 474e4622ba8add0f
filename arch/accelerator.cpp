// SPDX-License-Identifier: Apache-2.0
#include "arch/accelerator.hpp"

#include <algorithm>

namespace adasim::arch {

namespace {
// Operand sub-rows per physical PE row the array needs: precision lanes or N:M groups.
int array_sub_rows(const AcceleratorSpec& spec) {
  if (spec.pe_array.precision_scalable) return spec.pe_array.mac_bits;
  return spec.sparsity.structured.enabled ? spec.sparsity.structured.m : 1;
}
}  // namespace

Accelerator::Accelerator(sc_core::sc_module_name name, const AcceleratorSpec& spec,
                         const EnergyTable& energy, ClockDomain& clock, DvfsController& dvfs,
                         RunMode mode)
    : Component(name),
      spec_(spec),
      clock_(clock),
      dvfs_(dvfs),
      noc_(make_noc(spec.noc)),
      bus_group_("noc"),
      array_(spec.pe_array.rows, spec.pe_array.cols, array_sub_rows(spec)) {
  memory_ = std::make_unique<MemoryHierarchy>("memory", spec_);
  if (spec_.clock.memory) {
    ClockSpec mem;
    mem.name = "memory";
    mem.nominal = spec_.clock.memory->nominal;
    memory_clock_ = std::make_unique<ClockDomain>(mem);
  }
  // The DMA writes the SRAM levels: DRAM data crosses into the domain that holds them.
  memory_->dram().cross_into(memory_clock_ ? *memory_clock_ : clock_, spec_.clock.dram_sync_cycles);
  // The NoC's counters (the NoC model is the implementation noc.type names, arch/noc/impl/).
  const INoc& noc = *noc_;
  bus_group_.add_count(
      "to_array_bytes", [&noc] { return noc.stats().to_pes_bits / 8; }, "bytes",
      "operands carried to the array");
  bus_group_.add_count(
      "from_array_bytes", [&noc] { return noc.stats().from_pes_bits / 8; }, "bytes",
      "results carried back");
  bus_group_.add_real(
      "noc",
      [this](const sim::Interval& in) {
        const NocStats& s = noc_->stats();
        const double width =
            double(spec_.noc.link_width_bits / 8) * double(std::max<uint64_t>(1, in.cycles));
        return std::max(double(s.to_pes_bits / 8), double(s.from_pes_bits / 8)) / width;
      },
      "fraction", "link bandwidth used (the busier direction)", sim::StatKind::kUtilization);
  declare(bus_group_, BlockRole::kNoc);
  const EngineRegistry registry = make_engine_registry();
  const EngineContext ctx{spec_, array_, mode};
  for (const auto& e : registry.entries()) engines_[e.doc.name] = e.make(ctx);
  output_ = std::make_unique<OutputStage>("output", spec_, mode.values);
  if (spec_.power.enabled) power_ = std::make_unique<PowerManager>(spec_, energy);
  SequencedBlocks blocks{*memory_, *noc_, *output_, {}, power_.get()};
  for (auto& [n, e] : engines_) blocks.engines[n] = e.get();
  sequencer_ =
      std::make_unique<Sequencer>("sequencer", spec_, energy, clock, dvfs, std::move(blocks));
}

Accelerator::~Accelerator() = default;

void Accelerator::attach_tracer(sim::VcdWriter* vcd) {
  probe_.reset();
  dvfs_.set_observer(nullptr);
  if (power_) power_->set_observer(nullptr);
  if (vcd != nullptr) {
    const auto sys = engines_.find("systolic");
    probe_ =
        std::make_unique<TraceProbe>(*vcd, std::string(name()), clock_.name(), array_, *memory_,
                                     sys == engines_.end() ? nullptr : sys->second.get());
    if (power_) {
      probe_->add_power_signals(std::string(name()), *power_, spec_.power);
      power_->set_observer([this](size_t b, int64_t powered, uint64_t offset) {
        probe_->power_state(sequencer_->cycle() + offset, clock_.time_of(sim::Cycle(offset)), b,
                            powered);
      });
    }
    // The domain's frequency and voltage, at the instants the controller changes them.
    probe_->domain(0, DomainState{clock_.point().freq_mhz, clock_.point().voltage_v, false});
    dvfs_.set_observer([this](const DomainState& s) { probe_->domain(sequencer_->cycle(), s); });
  }
  sequencer_->attach_probe(probe_.get());
}

}  // namespace adasim::arch
