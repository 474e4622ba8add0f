// SPDX-License-Identifier: Apache-2.0
#include "arch/output/output_stage.hpp"

#include <algorithm>

#include "arch/pe/operand_access.hpp"
#include "arch/pe/operand_decode.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {

OutputStage::OutputStage(sc_core::sc_module_name name, const AcceleratorSpec& spec, bool values)
    : Component(name), spec_(spec), values_on_(values), psum_rule_(spec.pe_array) {
  static const char* kOp[3] = {"ifmap", "weight", "ofmap"};
  for (size_t o = 0; o < 3; ++o) {
    figures_[o] = std::make_unique<sim::StatGroup>(std::string("compression.") + kOp[o]);
    declare(*figures_[o], BlockRole::kStorage);
  }
}

const LayerIo& OutputStage::begin_layer(const workloads::Graph& g, const workloads::Layer& l,
                                        const LayerProgram& prog, ValueStore& values,
                                        EngineOutput kind) {
  graph_ = &g;
  layer_ = &l;
  prog_ = &prog;
  values_ = &values;
  kind_ = kind;
  for (auto& f : figures_) f->clear();
  io_ = LayerIo{};
  if (!values_on_) {
    // Timing only: everything dense (the run refuses sparsity without values).
    storage_ = StoragePlan{};
    io_.values = false;
    io_.out = &vec_out_;
    if (kind == EngineOutput::kValues) return io_;
    const bool spatial = std::holds_alternative<SpatialProgram>(prog.engine);
    auto shape = [&](const std::string& t) {
      return spatial ? g.tensor(t).shape : std::vector<int64_t>{0};
    };
    op_a_ = workloads::Int16Buffer(shape(prog.quant.ifmap.tensor), 0);
    op_b_ = workloads::Int16Buffer(shape(prog.quant.weight.tensor), 0);
    acc_ = workloads::Int32Buffer(
        spatial ? accumulator_shape(prog.op, prog.shape) : std::vector<int64_t>{0}, 0);
    io_.a = &op_a_;
    io_.b = &op_b_;
    io_.acc = &acc_;
    return io_;
  }
  // Compressed operands: the DMA and the SRAM read ports move encoded bytes (storage_plan.hpp).
  storage_ = plan_layer_storage(layer_formats(spec_.sparsity, l), g, l, values);
  if (kind == EngineOutput::kValues) {
    for (const std::string& in : l.inputs) {
      const workloads::TensorInfo& t = g.tensor(in);
      if (t.wide())
        throw sim::ConfigError("", "layer '" + l.name + "'",
                               std::string(workloads::to_string(l.op)) + " of the " +
                                   std::to_string(t.bits) + "-bit tensor '" + in + "'",
                               "pooling and elementwise layers on tensors of up to 8 bits (the "
                               "vector unit's lanes hold 8-bit values)");
      io_.inputs.push_back(&values.get(in));
    }
    io_.out = &vec_out_;
    return io_;
  }
  decode_operands(l, prog, values);
  acc_ = workloads::Int32Buffer(accumulator_shape(prog.op, prog.shape), 0);
  io_.a = &op_a_;
  io_.b = &op_b_;
  io_.acc = &acc_;
  return io_;
}

void OutputStage::decode_operands(const workloads::Layer& l, const LayerProgram& prog,
                                  ValueStore& values) {
  // The feeders subtract the zero points: the array sees q - zp (operand_decode.hpp).
  const QuantParams& q = prog.quant;
  for (const OperandQuant* o : {&q.ifmap, &q.weight})
    if (o->bits > 8 && o->bits > spec_.pe_array.mac_bits)
      throw sim::ConfigError("", "layer '" + l.name + "'",
                             "tensor '" + o->tensor + "' of " + std::to_string(o->bits) + " bits",
                             "MAC operands of at most /pe_array/mac_bits = " +
                                 std::to_string(spec_.pe_array.mac_bits) + " bits");
  op_a_ = q.ifmap.bits > 8 ? decode_activation(values.get_wide(q.ifmap.tensor), q.ifmap)
                           : decode_activation(values.get(q.ifmap.tensor), q.ifmap);
  op_b_ = q.weight.bits > 8
              ? decode_weight(values.get_wide(q.weight.tensor), q.weight, prog.shape.k)
              : decode_weight(values.get(q.weight.tensor), q.weight, prog.shape.k);
  check_psum_range(psum_rule_, q.ifmap.bits > 8 || q.weight.bits > 8, l.name,
                   prog.shape.gemm_kred(), op_a_, op_b_);
}

void OutputStage::start_encoder(TransferController& transfers, const ILayerEngine& engine) {
  encoder_.reset();
  requant_.reset();
  const std::optional<SparseFormat> f = sparse_format_from_string(spec_.sparsity.storage.ofmap);
  if (!f)
    throw sim::ModelError("accelerator: unknown ofmap format " + spec_.sparsity.storage.ofmap);
  // A view (reshape) moves and stores nothing: no encoder.
  const auto* vec = std::get_if<VectorProgram>(&prog_->engine);
  if (*f == SparseFormat::kDense || (vec && vec->op.kind == VectorKind::kView)) return;
  encoder_.emplace(*f, spec_.sparsity.storage, graph_->tensor(layer_->output));
  if (kind_ == EngineOutput::kAccumulators) {
    // The values the store carries: the output stage applied to the final accumulators.
    const workloads::Int32Buffer* bias =
        layer_->bias.empty() ? nullptr : &values_->get_wide(layer_->bias);
    requant_.emplace(prog_->quant.output, Bias{bias, layer_->name, layer_->bias});
  }
  transfers.set_store_sizer([this, &engine](size_t fold, size_t chunk) {
    std::vector<std::pair<int64_t, int8_t>> elems;
    for (int64_t idx : engine.stored_outputs(fold, chunk))
      elems.emplace_back(idx, stored_value(idx));
    // A spatial fold's store may also spill partial sums of outputs a later fold completes:
    // those leave at their dense accum_bits size beside the encoded final outputs.
    const int64_t stored = prog_->transfers.folds.at(fold).chunks.at(chunk).out_elems;
    const uint64_t spilled = uint64_t(std::max<int64_t>(0, stored - int64_t(elems.size())));
    return encoder_->store(std::move(elems)) +
           spilled * uint64_t((spec_.pe_array.accum_bits + 7) / 8);
  });
}

int8_t OutputStage::stored_value(int64_t flat) const {
  if (kind_ == EngineOutput::kValues) return vec_out_.data.at(size_t(flat));
  return (*requant_)(psum_rule_(acc_.data.at(size_t(flat))), flat);
}

void OutputStage::end_layer(const EnergyTable& table, double voltage_v,
                            std::vector<EnergyRow>& energy) {
  const workloads::Layer& l = *layer_;
  storage_.ofmap = OutputStorage{};
  if (encoder_) {
    storage_.ofmap = encoder_->totals();
    // Every output is stored once, from its final value.
    const int64_t n = graph_->tensor(l.output).elements();
    if (storage_.ofmap.elements != n)
      throw sim::ModelError("accelerator: the output encoder stored " +
                            std::to_string(storage_.ofmap.elements) + " of the " +
                            std::to_string(n) + " outputs of layer " + l.name);
    encoder_.reset();
    requant_.reset();
  }
  std::vector<StorageFigure> figures;
  storage_report(storage_, table, voltage_v, figures, energy);
  declare_figures(figures);
  if (!values_on_) return;
  if (kind_ == EngineOutput::kValues) {
    values_->put(l.output, std::move(vec_out_));
    return;
  }
  const workloads::TensorInfo& out_t = graph_->tensor(l.output);
  // The sums leave the accumulators through the psum rule (wrap or saturate at accum_bits).
  psum_rule_.apply(acc_);
  if (sink_) (*sink_)[l.output] = acc_;
  const Bias bias{l.bias.empty() ? nullptr : &values_->get_wide(l.bias), l.name, l.bias};
  if (prog_->quant.output.wide) {
    // A wide output keeps the int32 accumulators (ConvInteger / MatMulInteger, exact float).
    add_bias(acc_, prog_->quant.output.channels, bias);
    acc_.shape = out_t.shape;
    values_->put_wide(l.output, std::move(acc_));
  } else if (out_t.wide()) {
    // A tensor of 9..16 bits: requantized values held as int32.
    workloads::Int32Buffer q = requantize_outputs_wide(acc_, prog_->quant.output, bias);
    q.shape = out_t.shape;
    values_->put_wide(l.output, std::move(q));
  } else {
    workloads::Int8Buffer q = requantize_outputs(acc_, prog_->quant.output, bias);
    q.shape = out_t.shape;
    values_->put(l.output, std::move(q));
  }
  op_a_ = {};
  op_b_ = {};
}

void OutputStage::declare_figures(const std::vector<StorageFigure>& figures) {
  static const char* kOp[3] = {"ifmap", "weight", "ofmap"};
  for (const StorageFigure& f : figures)
    for (size_t o = 0; o < 3; ++o)
      if (f.op == kOp[o]) {
        const uint64_t v = f.value;
        figures_[o]->add_count(
            f.name, [v] { return v; }, f.unit, "compressed storage of the layer");
      }
}

}  // namespace adasim::arch
