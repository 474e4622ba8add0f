// SPDX-License-Identifier: Apache-2.0
// Encoded sizes of a layer's operand tensors in their storage formats (see storage_plan.hpp for
// the fibre layout), the byte scalers they give the transfer plan and the SRAM ports, and the
// report rows of the decoder.
#include "arch/sparse/storage_plan.hpp"

#include <algorithm>
#include <functional>
#include <numeric>
#include <vector>

#include "arch/components.hpp"
#include "arch/energy/energy_table.hpp"
#include "arch/sparse/i_sparse_format.hpp"
#include "arch/value_store.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {

using workloads::Int8Buffer;
using workloads::Layer;
using workloads::TensorInfo;

namespace {

int8_t zero_byte(int32_t zero_point) { return int8_t(uint8_t(zero_point)); }

int64_t product(const std::vector<int64_t>& s) {
  return std::accumulate(s.begin(), s.end(), int64_t{1}, std::multiplies<int64_t>());
}

/// The buffer's shape when it describes the values, else the tensor's.
const std::vector<int64_t>& shape_of(const TensorInfo& t, const Int8Buffer& v) {
  const int64_t n = int64_t(v.data.size());
  if (!v.shape.empty() && product(v.shape) == n) return v.shape;
  if (!t.shape.empty() && product(t.shape) == n) return t.shape;
  throw sim::ModelError("storage plan: tensor '" + t.name + "' has " + std::to_string(n) +
                        " values, which matches neither its buffer's nor its declared shape");
}

FormatParams params_of(const StorageFormats& o, const TensorInfo& t) {
  FormatParams p;
  p.bits = t.bits;
  p.is_signed = t.is_signed;
  p.run_bits = o.rle_run_bits;
  p.n = o.nm_n;
  p.m = o.nm_m;
  return p;
}

OperandStorage dense_storage(const TensorInfo& t, int64_t elements) {
  OperandStorage s;
  s.tensor = t.name;
  s.bits = t.bits;
  s.elements = elements;
  s.dense_bits = elements * t.bits;
  s.size.payload_bits = s.dense_bits;
  return s;
}

/// Copies fibre r of tile `tile` into dst[0..len).
void gather(const Int8Buffer& v, const FibreLayout& lay, int64_t tile, int64_t r, int8_t* dst) {
  const int8_t* base = v.data.data() + tile * lay.rows * lay.len;
  if (!lay.columns) {
    std::copy_n(base + r * lay.len, size_t(lay.len), dst);
    return;
  }
  for (int64_t j = 0; j < lay.len; ++j) dst[j] = base[j * lay.rows + r];
}

/// Calls fn(tile index, [rows][len] values of the tile) for every tile.
template <class Fn>
void for_each_tile(const Int8Buffer& v, const FibreLayout& lay, Fn fn) {
  std::vector<int8_t> buf(size_t(lay.rows * lay.len));
  for (int64_t t = 0; t < lay.tiles; ++t) {
    for (int64_t r = 0; r < lay.rows; ++r) gather(v, lay, t, r, buf.data() + r * lay.len);
    fn(t, buf);
  }
}

/// Adds one tile's fibres to `out`: fibre by fibre, or as one CSR tile. With per-fibre zero
/// bytes, a CSR tile is sized from its zero pattern (the size depends on nothing else) after each
/// fibre's values are checked against the value range.
void encode_tile(SparseFormat f, const FormatParams& p, const std::vector<int8_t>& tile,
                 const FibreLayout& lay, const std::function<int8_t(int64_t)>& zero_of,
                 OperandStorage& out) {
  FormatParams row = p;
  row.rows = 1;
  row.cols = 0;
  auto add = [&](const FormatParams& q, int64_t n, const EncodedSize& s) {
    out.size.payload_bits += s.payload_bits;
    out.size.metadata_bits += s.metadata_bits;
    out.decode_cycles += decode_cycles(f, q, n, s);
  };
  out.fibres += lay.rows;
  if (!format_impl(f).whole_tile()) {
    for (int64_t r = 0; r < lay.rows; ++r) {
      const int8_t* d = tile.data() + r * lay.len;
      add(row, lay.len, encoded_size(f, row, d, lay.len, zero_of(r)));
    }
    return;
  }
  FormatParams csr = p;
  csr.rows = lay.rows;
  csr.cols = lay.len;
  const int64_t n = lay.rows * lay.len;
  bool uniform = true;
  for (int64_t r = 1; r < lay.rows && uniform; ++r) uniform = zero_of(r) == zero_of(0);
  if (uniform) {
    add(csr, n, encoded_size(f, csr, tile.data(), n, zero_of(0)));
    return;
  }
  std::vector<int8_t> pattern(tile.size());
  const int8_t nonzero = p.is_signed ? int8_t(-1) : int8_t(1);  // representable in any width
  for (int64_t r = 0; r < lay.rows; ++r) {
    const int8_t* d = tile.data() + r * lay.len;
    const int8_t z = zero_of(r);
    encoded_size(SparseFormat::kDense, row, d, lay.len, z);  // range check only
    for (int64_t j = 0; j < lay.len; ++j)
      pattern[size_t(r * lay.len + j)] = d[j] != z ? nonzero : 0;
  }
  add(csr, n, encoded_size(f, csr, pattern.data(), n, 0));
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

/// Compressed formats hold values of up to 8 bits.
void require_narrow(SparseFormat f, const TensorInfo& t, const char* key,
                    const std::string& layer) {
  if (t.bits <= 8) return;
  throw sim::ConfigError("", std::string("/sparsity/storage/") + key,
                         quoted(to_string(f)) + " for the " + std::to_string(t.bits) +
                             "-bit tensor '" + t.name + "' of layer '" + layer + "'",
                         "\"dense\" (compressed formats hold values of up to 8 bits)");
}

/// The first N:M group of a weight tile with more than n nonzeros (nnz = 0: none).
struct NmBreak {
  int64_t row = 0, g0 = 0, g1 = 0, nnz = 0;
};
NmBreak first_nm_break(int n, int m, const std::vector<int8_t>& tile, const FibreLayout& lay,
                       const std::function<int8_t(int64_t)>& zero_of) {
  for (int64_t r = 0; r < lay.rows; ++r) {
    const int8_t z = zero_of(r);
    for (int64_t g0 = 0; g0 < lay.len; g0 += m) {
      const int64_t g1 = std::min<int64_t>(lay.len, g0 + m);
      int64_t nnz = 0;
      for (int64_t j = g0; j < g1; ++j) nnz += tile[size_t(r * lay.len + j)] != z;
      if (nnz > n) return {r, g0, g1, nnz};
    }
  }
  return {};
}

/// The first N:M group of a weight tile with more than n nonzeros is a config error.
void check_nm(const StorageFormats& o, const std::vector<int8_t>& tile, const FibreLayout& lay,
              int64_t tile_index, const std::function<int8_t(int64_t)>& zero_of,
              const TensorInfo& t, const Layer& l) {
  const NmBreak b = first_nm_break(o.nm_n, o.nm_m, tile, lay, zero_of);
  if (b.nnz == 0) return;
  const std::string fibre =
      lay.columns ? "column " + std::to_string(b.row) +
                        (lay.tiles > 1 ? " of matrix " + std::to_string(tile_index) : "")
                  : "output channel " + std::to_string(b.row);
  const std::string what = " for layer '" + l.name + "' whose weight tensor '" + t.name + "' has " +
                           std::to_string(b.nnz) + " nonzeros in " + fibre + ", group " +
                           std::to_string(b.g0 / o.nm_m) + " (reduction elements " +
                           std::to_string(b.g0) + ".." + std::to_string(b.g1 - 1) + ")";
  const std::string rule = "weights with at most " + std::to_string(o.nm_n) +
                           " nonzeros in every group of " + std::to_string(o.nm_m) +
                           " along the reduction axis";
  if (o.nm_datapath)
    throw sim::ConfigError(
        "", "/sparsity/structured",
        "the " + std::to_string(o.nm_n) + ":" + std::to_string(o.nm_m) + " datapath" + what,
        rule + ", or the layer left out of /sparsity/structured/layers (or " +
            "/sparsity/structured/unfit \"dense\")");
  throw sim::ConfigError("", "/sparsity/storage/weight", "\"nm\"" + what,
                         rule + ", or another format (\"dense\", \"bitmask\", \"rle\", \"csr\")");
}

SparseFormat format_named(const std::string& name) {
  const auto f = sparse_format_from_string(name);
  if (!f) throw sim::ModelError("storage plan: unknown storage format '" + name + "'");
  return *f;
}

bool is_array_layer(const Layer& l) {
  return l.op == workloads::OpType::kConv2d || l.op == workloads::OpType::kFullyConnected ||
         l.op == workloads::OpType::kMatMul;
}

}  // namespace

double OperandStorage::ratio() const {
  if (!compressed() || transfer_bytes() == 0) return 1.0;
  return double(encoded_bytes()) / double(transfer_bytes());
}

ByteScale OperandStorage::transfer_scale() const {
  if (!compressed() || transfer_bytes() == 0) return {};
  return ByteScale(uint64_t(encoded_bytes()), uint64_t(transfer_bytes()));
}

ByteScale OperandStorage::read_scale() const {
  if (!compressed() || read_bytes() == 0) return {};
  return ByteScale(uint64_t(encoded_bytes()), uint64_t(read_bytes()));
}

std::array<ByteScale, kNumOperands> StoragePlan::transfer_scales() const {
  return {operands[0].transfer_scale(), operands[1].transfer_scale(), ByteScale{}};
}

FibreLayout activation_layout(const TensorInfo& t, const Int8Buffer& v) {
  const std::vector<int64_t>& s = shape_of(t, v);
  FibreLayout lay;
  const int64_t n = int64_t(v.data.size());
  if (n == 0) return lay;
  lay.len = s.back();
  lay.rows = s.size() >= 2 ? s[s.size() - 2] : 1;
  lay.tiles = n / (lay.rows * lay.len);
  return lay;
}

FibreLayout weight_layout(const TensorInfo& t, const Int8Buffer& v, const Layer& l) {
  const std::vector<int64_t>& s = shape_of(t, v);
  FibreLayout lay;
  const int64_t n = int64_t(v.data.size());
  if (n == 0) return lay;
  if (l.op == workloads::OpType::kMatMul) {
    if (s.size() < 2)
      throw sim::ModelError("storage plan: matmul B '" + t.name + "' of layer '" + l.name +
                            "' is not a matrix");
    lay.rows = s.back();        // N output columns
    lay.len = s[s.size() - 2];  // Kd
    lay.columns = true;
  } else {
    lay.rows = s.front();    // K output channels
    lay.len = n / lay.rows;  // C/groups * R * S (conv) or C (FC)
  }
  lay.tiles = n / (lay.rows * lay.len);
  return lay;
}

OperandStorage activation_storage(SparseFormat f, const StorageFormats& opts, const TensorInfo& t,
                                  const Int8Buffer& v) {
  OperandStorage out = dense_storage(t, int64_t(v.data.size()));
  if (f == SparseFormat::kDense) return out;
  out.format = f;
  out.size = {};
  const FibreLayout lay = activation_layout(t, v);
  const int8_t z = zero_byte(t.zero_point);
  const FormatParams p = params_of(opts, t);
  for_each_tile(v, lay, [&](int64_t, const std::vector<int8_t>& tile) {
    encode_tile(
        f, p, tile, lay, [z](int64_t) { return z; }, out);
  });
  return out;
}

namespace {
/// The zero byte of each output channel (row) of a weight layout: per channel or per tensor.
std::function<int8_t(int64_t)> weight_zero_of(const TensorInfo& t, const FibreLayout& lay) {
  if (t.channel_zero_points.empty()) {
    const int8_t z = zero_byte(t.zero_point);
    return [z](int64_t) { return z; };
  }
  if (int64_t(t.channel_zero_points.size()) != lay.rows)
    throw sim::ModelError("storage plan: weight '" + t.name + "' has " +
                          std::to_string(t.channel_zero_points.size()) + " zero points for " +
                          std::to_string(lay.rows) + " output channels");
  return [&t](int64_t r) { return zero_byte(t.channel_zero_points[size_t(r)]); };
}
}  // namespace

OperandStorage weight_storage(SparseFormat f, const StorageFormats& opts, const TensorInfo& t,
                              const Int8Buffer& v, const Layer& l) {
  OperandStorage out = dense_storage(t, int64_t(v.data.size()));
  if (f == SparseFormat::kDense) return out;
  require_narrow(f, t, "weight", l.name);
  out.format = f;
  out.size = {};
  const FibreLayout lay = weight_layout(t, v, l);
  const std::function<int8_t(int64_t)> zero_of = weight_zero_of(t, lay);
  const FormatParams p = params_of(opts, t);
  for_each_tile(v, lay, [&](int64_t ti, const std::vector<int8_t>& tile) {
    if (f == SparseFormat::kNm) check_nm(opts, tile, lay, ti, zero_of, t, l);
    encode_tile(f, p, tile, lay, zero_of, out);
  });
  if (f == SparseFormat::kNm && opts.nm_datapath) {
    out.counted = out.size.payload_bits / std::max(1, t.bits);  // one value field per slot
    out.read_by_pe = true;
  }
  return out;
}

bool nm_pattern_fits(const StructuredSparsity& st, const workloads::Graph& g, const Layer& l,
                     const ValueStore& values) {
  if (!is_array_layer(l) || l.weight.empty()) return false;
  const TensorInfo& t = g.tensor(l.weight);
  if (t.bits > 8) return false;  // the slots hold 8-bit values
  bool fits = true;
  values.inspect(l.weight, [&](const Int8Buffer& v) {
    if (v.data.empty()) return;
    const FibreLayout lay = weight_layout(t, v, l);
    const std::function<int8_t(int64_t)> zero_of = weight_zero_of(t, lay);
    for_each_tile(v, lay, [&](int64_t, const std::vector<int8_t>& tile) {
      if (fits) fits = first_nm_break(st.n, st.m, tile, lay, zero_of).nnz == 0;
    });
  });
  return fits;
}

StoragePlan plan_layer_storage(const StorageFormats& formats, const workloads::Graph& g,
                               const Layer& l, ValueStore& values) {
  StoragePlan plan;
  plan.layer = l.name;
  if (!is_array_layer(l)) return plan;
  const std::string& in = l.inputs.at(0);
  const std::string& b = l.weight.empty() ? l.inputs.at(1) : l.weight;
  const TensorInfo& ti = g.tensor(in);
  const TensorInfo& tw = g.tensor(b);
  const SparseFormat fi = format_named(formats.ifmap), fw = format_named(formats.weight);
  if (fi == SparseFormat::kDense) {
    plan.operands[0] = dense_storage(ti, ti.elements());
  } else {
    require_narrow(fi, ti, "ifmap", l.name);
    plan.operands[0] = activation_storage(fi, formats, ti, values.get(in));
  }
  plan.operands[1] = fw == SparseFormat::kDense ? dense_storage(tw, tw.elements())
                                                : weight_storage(fw, formats, tw, values.get(b), l);
  plan.sram_reads = {plan.operands[0].read_scale(), plan.operands[1].read_scale(), ByteScale{}};
  return plan;
}

namespace {
void check_ofmap_format(const StorageFormats& formats) {
  const SparseFormat fo = format_named(formats.ofmap);
  if (format_impl(fo).weights_only())
    throw sim::ConfigError("", "/sparsity/storage/ofmap", quoted(formats.ofmap),
                           activation_format_expectation(builtin_components().sparse_format));
}

void check_layer_storage(const StorageFormats& formats, const workloads::Graph& g, const Layer& l,
                         const ValueStore& values) {
  const SparseFormat fi = format_named(formats.ifmap), fw = format_named(formats.weight);
  const SparseFormat fo = format_named(formats.ofmap);
  if (!is_array_layer(l)) return;
  if (fo != SparseFormat::kDense) require_narrow(fo, g.tensor(l.output), "ofmap", l.name);
  if (fi == SparseFormat::kDense && fw == SparseFormat::kDense) return;
  const std::string& b = l.weight.empty() ? l.inputs.at(1) : l.weight;
  const TensorInfo& tw = g.tensor(b);
  if (fi != SparseFormat::kDense) require_narrow(fi, g.tensor(l.inputs.at(0)), "ifmap", l.name);
  if (fw == SparseFormat::kDense) return;
  if (formats.nm_datapath && tw.bits > 8)
    throw sim::ConfigError("", "/sparsity/structured",
                           "layer '" + l.name + "' with the " + std::to_string(tw.bits) +
                               "-bit weight tensor '" + tw.name + "'",
                           "layers with weights of up to 8 bits (the N:M slots hold 8-bit values)");
  require_narrow(fw, tw, "weight", l.name);
  if (fw == SparseFormat::kNm && (tw.is_constant || g.constant_values.count(b) != 0))
    values.inspect(b, [&](const Int8Buffer& v) { weight_storage(fw, formats, tw, v, l); });
}
}  // namespace

StorageFormats layer_formats(const SparsitySpec& sp, const Layer& l) {
  StorageFormats f = sp.storage;
  if (sp.structured.covers(l.name, !l.weight.empty())) {
    f.weight = "nm";
    f.nm_n = sp.structured.n;
    f.nm_m = sp.structured.m;
    f.nm_datapath = true;
  }
  return f;
}

void check_storage_formats(const StorageFormats& formats, const workloads::Graph& g,
                           const ValueStore& values) {
  check_ofmap_format(formats);
  for (const Layer& l : g.layers) check_layer_storage(formats, g, l, values);
}

void check_storage_formats(const SparsitySpec& sp, const workloads::Graph& g,
                           const ValueStore& values) {
  check_ofmap_format(sp.storage);
  for (const Layer& l : g.layers) check_layer_storage(layer_formats(sp, l), g, l, values);
}

void storage_report(const StoragePlan& plan, const EnergyTable& table, double voltage_v,
                    std::vector<StorageFigure>& figures, std::vector<EnergyRow>& energy) {
  static const char* kName[2] = {"ifmap", "weight"};
  auto figure = [&](const char* op, const char* name, const char* unit, int64_t v) {
    figures.push_back(StorageFigure{op, name, unit, uint64_t(v)});
  };
  for (size_t o = 0; o < plan.operands.size(); ++o) {
    const OperandStorage& s = plan.operands[o];
    if (!s.compressed()) continue;
    figure(kName[o], "dense_bits", "bits", s.dense_bits);
    figure(kName[o], "payload_bits", "bits", s.size.payload_bits);
    figure(kName[o], "metadata_bits", "bits", s.size.metadata_bits);
    figure(kName[o], "encoded_bytes", "bytes", s.encoded_bytes());
    const uint64_t decoded = plan.sram_reads[o].dense_total() / uint64_t((s.bits + 7) / 8);
    if (decoded == 0 || s.elements == 0 || s.read_by_pe) continue;
    using u128 = unsigned __int128;
    const uint64_t cycles =
        uint64_t((u128(uint64_t(s.decode_cycles)) * decoded + uint64_t(s.elements) - 1) /
                 uint64_t(s.elements));
    figure(kName[o], "decoded_values", "values", int64_t(decoded));
    figure(kName[o], "decode_cycles", "cycles", int64_t(cycles));
    const double pj = table.rf_pj(s.bits) * table.dynamic_voltage_factor(voltage_v);
    energy.push_back(
        EnergyRow{"decoder", std::string(kName[o]) + "_decode", decoded, pj, double(decoded) * pj});
  }
  const OutputStorage& out = plan.ofmap;
  if (!out.compressed()) return;
  figure("ofmap", "dense_bits", "bits", out.dense_bits);
  figure("ofmap", "payload_bits", "bits", out.size.payload_bits);
  figure("ofmap", "metadata_bits", "bits", out.size.metadata_bits);
  figure("ofmap", "encoded_bytes", "bytes", out.encoded_bytes);
  figure("ofmap", "encoded_values", "values", out.elements);
  if (out.elements == 0) return;
  const double pj = table.rf_pj(out.bits) * table.dynamic_voltage_factor(voltage_v);
  energy.push_back(
      EnergyRow{"encoder", "ofmap_encode", uint64_t(out.elements), pj, double(out.elements) * pj});
}

}  // namespace adasim::arch
