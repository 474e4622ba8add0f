// SPDX-License-Identifier: Apache-2.0
// Compressed storage of a layer's operands (config "sparsity.storage"): the encoded size of the
// real ifmap and weight tensors in their storage format, the ratio by which that shrinks (or grows)
// the DRAM->SRAM transfers and the SRAM reads toward the array, and the decoder's work. Abstracts
// away where inside a tile the nonzeros sit: every transfer of an operand is scaled by the ratio
// of the whole tensor, and the decoder is pipelined (no cycles on the timeline).
//
// Fibre layout (a fibre is one encoded run, arch/sparse/compression.hpp; element width = the
// tensor's bits, zero = the zero-point byte):
//  activations (the ifmap, and a matmul's activation B when it is the weight operand): fibres
//    along the innermost axis (W of NCHW, C of an FC input [N][C], Kd of a matmul A [..][M][Kd]);
//    a CSR tile is the two innermost axes (one (n, c) plane [H][W]: one CSR row per H line).
//  weights, conv KCRS and FC [K][C]: one fibre per output channel k, along its reduction axis
//    (C/groups*R*S, or C); a CSR tile is the whole [K][Kred] matrix (one CSR row per channel).
//  weights, matmul B [..][Kd][N]: one fibre per column n along Kd (stored transposed, per
//    output column); a CSR tile is one [N][Kd] matrix.
//  dense / bitmask / rle / nm are encoded fibre by fibre (an RLE run and an N:M group never cross
//  a fibre boundary); csr tile by tile. Per-channel weight zero points: fibre k uses channel k's.
//
// Outputs (sparsity.storage.ofmap): an output encoder on the store path (output_encoder.hpp)
// encodes each store of final outputs from the real requantized values when the store issues,
// with the run cutting documented there (one run per line of the output tensor's innermost axis
// within a store, one stream per store rounded up to whole bytes); StoragePlan::ofmap holds the
// layer's totals. Psum spills and reloads stay dense int32. Systolic array, spatial array (one
// store per fold, of its final outputs) and vector-path layers are encoded; wide (int32) outputs
// refuse a compressed ofmap (config error).
// The next layer reads the tensor in its ifmap format, sized from the whole tensor as above.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "arch/energy/energy_model.hpp"
#include "arch/sparse/byte_scale.hpp"
#include "arch/sparse/compression.hpp"
#include "arch/sparse/output_encoder.hpp"
#include "arch/spec.hpp"
#include "workloads/ir/graph.hpp"
#include "workloads/ir/tensor_data.hpp"

namespace adasim::arch {

class EnergyTable;
class ValueStore;

/// How one operand tensor is stored and what that costs.
struct OperandStorage {
  SparseFormat format = SparseFormat::kDense;
  std::string tensor;  ///< graph tensor name
  int bits = 8;        ///< element width (of the tensor and of every value field)
  int64_t elements = 0;
  int64_t fibres = 0;         ///< encoded runs (dense: not counted, 0)
  int64_t dense_bits = 0;     ///< elements * bits
  EncodedSize size;           ///< all fibres (dense: payload = dense_bits, no metadata)
  int64_t decode_cycles = 0;  ///< decoder cycles to decode every fibre once (dense: 0)
  /// Values the schedule and the controllers count for one copy: the elements, or on the N:M
  /// datapath the weight slots (the planner tiles slots; their position fields are metadata).
  int64_t counted = -1;
  /// The PEs consume the stored form directly (N:M datapath): no decoder at the SRAM port.
  bool read_by_pe = false;

  bool compressed() const { return format != SparseFormat::kDense; }
  int64_t counted_values() const { return counted >= 0 ? counted : elements; }
  /// ceil((payload + metadata) / 8): the bytes one copy of the stored tensor moves.
  int64_t encoded_bytes() const { return size.bytes(); }
  /// Dense bytes the mapper's transfer plan counts for one copy: ceil(values * bits / 8).
  int64_t transfer_bytes() const { return (counted_values() * bits + 7) / 8; }
  /// Dense bytes the array controllers count for one copy: one (bits + 7) / 8 per value.
  int64_t read_bytes() const { return counted_values() * ((bits + 7) / 8); }
  /// encoded_bytes / transfer_bytes (1 when dense or empty).
  double ratio() const;
  /// transfer_bytes -> encoded_bytes (the identity when dense).
  ByteScale transfer_scale() const;
  /// read_bytes -> encoded_bytes (the identity when dense).
  ByteScale read_scale() const;
};

/// One layer's storage. Default-constructed: everything dense (identity scales).
struct StoragePlan {
  std::string layer;
  std::array<OperandStorage, 2> operands;  ///< [ifmap, weight]
  /// Running SRAM->array read scalers of the layer, index = Operand (charge_ports advances them;
  /// their dense totals count the values that went through the decoder).
  std::array<ByteScale, kNumOperands> sram_reads{};
  /// What the output encoder stored (filled at the end of the layer; dense: nothing encoded).
  OutputStorage ofmap;

  /// Fresh DRAM->SRAM load scalers for the TransferController, index = Operand (ofmap: identity).
  std::array<ByteScale, kNumOperands> transfer_scales() const;
};

/// A tensor seen as `tiles` x `rows` fibres of `len` values (the layout above): fibre r of tile t
/// is row r of a [rows][len] CSR tile. `columns`: the tensor holds each tile transposed
/// ([len][rows], matmul B), so a fibre is a column gathered with stride `rows`.
struct FibreLayout {
  int64_t tiles = 0, rows = 1, len = 0;
  bool columns = false;
};

/// The stored size of an activation tensor (ifmap, or a matmul's activation B) with values `v`.
/// Dense formats do not look at the values. Throws sim::ModelError if a value is not
/// representable in (t.bits, t.is_signed) or the shape does not match the values.
OperandStorage activation_storage(SparseFormat f, const StorageFormats& opts,
                                  const workloads::TensorInfo& t, const workloads::Int8Buffer& v);

/// The stored size of layer l's weight operand (conv / FC weight, or matmul B: constant or
/// activation). `nm` on weights that break the N:M pattern is a sim::ConfigError at
/// /sparsity/storage/weight naming the layer, the tensor, the fibre (output channel / column),
/// the first violating group and its nonzeros.
OperandStorage weight_storage(SparseFormat f, const StorageFormats& opts,
                              const workloads::TensorInfo& t, const workloads::Int8Buffer& v,
                              const workloads::Layer& l);

/// The fibre layout weight_storage / activation_storage use for tensor t of layer l.
FibreLayout activation_layout(const workloads::TensorInfo& t, const workloads::Int8Buffer& v);
FibreLayout weight_layout(const workloads::TensorInfo& t, const workloads::Int8Buffer& v,
                          const workloads::Layer& l);

/// The storage plan of array layer l (conv / FC / matmul) under `formats`; fetches the operand
/// values from `values` only for compressed operands. A vector-path layer gets a dense plan.
StoragePlan plan_layer_storage(const StorageFormats& formats, const workloads::Graph& g,
                               const workloads::Layer& l, ValueStore& values);

/// The storage formats of layer l: sparsity.storage, except that a layer on the N:M datapath
/// (sparsity.structured) stores its weights "nm" with the datapath's n and m (nm_datapath set:
/// pattern errors name /sparsity/structured, the counts are slots, no decoder is charged).
StorageFormats layer_formats(const SparsitySpec& sp, const workloads::Layer& l);

/// Whether layer l's constant weights keep the N:M pattern of `st` (at most n nonzeros in every
/// group of m reduction elements, the groups the datapath and the "nm" format use) and are at
/// most 8 bits wide: the layers sparsity.structured.unfit = "dense" keeps on the N:M datapath.
bool nm_pattern_fits(const StructuredSparsity& st, const workloads::Graph& g,
                     const workloads::Layer& l, const ValueStore& values);

/// check_storage_formats with every layer's layer_formats.
void check_storage_formats(const SparsitySpec& sp, const workloads::Graph& g,
                           const ValueStore& values);

/// Checks `formats` against every array layer of g before the run, so that a config error reaches
/// the caller as one (thrown inside the SystemC process it would arrive as an sc_report):
/// compressed formats on tensors wider than 8 bits (a compressed ofmap on a layer with wide
/// outputs included), nm on constant weights that break the N:M pattern, an ofmap format that
/// is not dense / bitmask / rle / csr. Activations (a matmul's activation B) are checked when
/// their layer starts. All errors are sim::ConfigError at /sparsity/storage/<operand>.
void check_storage_formats(const StorageFormats& formats, const workloads::Graph& g,
                           const ValueStore& values);

/// One figure of a layer's compressed storage: operand ("ifmap", "weight", "ofmap"), name, value.
struct StorageFigure {
  std::string op, name, unit;
  uint64_t value = 0;
};

/// The layer's compression figures and the decoder's / encoder's energy rows, for every
/// compressed operand:
///   <op>.dense_bits / .payload_bits / .metadata_bits / .encoded_bytes (one copy);
///   <op>.decoded_values: values read from SRAM toward the array (each decoded);
///   <op>.decode_cycles: ceil(decode_cycles * decoded_values / elements), the decoder's cycles for
///     those reads (pipelined: not on the timeline).
/// Energy: module "decoder", action "<op>_decode", one register-file access of `bits` per decoded
/// value at the layer's voltage. The decode figures and rows are absent when no read went through
/// the decoder (spatial arrays: not modelled yet).
/// A compressed ofmap adds ofmap.dense_bits / .payload_bits / .metadata_bits (all stores of final
/// outputs), .encoded_bytes (the bytes those stores moved: per-store rounding) and .encoded_values,
/// and an energy row module "encoder", action "ofmap_encode", one register-file access of `bits`
/// per encoded value. Reports file them as accesses "compression.<op>.<name>".
void storage_report(const StoragePlan& plan, const EnergyTable& table, double voltage_v,
                    std::vector<StorageFigure>& figures, std::vector<EnergyRow>& energy);

}  // namespace adasim::arch
