// SPDX-License-Identifier: Apache-2.0
#include "arch/vector/vector_unit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "arch/pe/operand_decode.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {

using workloads::ConvShape;
using workloads::Int8Buffer;

namespace {
// Values are read per the tensor's signedness (unsigned tensors are stored bit-for-bit in int8)
// and written back the same way, saturated to the storage range.
int8_t store(int64_t v, bool is_signed) {
  return is_signed ? int8_t(std::clamp<int64_t>(v, -128, 127))
                   : int8_t(uint8_t(std::clamp<int64_t>(v, 0, 255)));
}

template <class F>
Int8Buffer pool(const Int8Buffer& in, const ConvShape& s, bool is_signed, F reduce) {
  Int8Buffer out({s.n, s.c, s.p, s.q});
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t c = 0; c < s.c; ++c)
      for (int64_t p = 0; p < s.p; ++p)
        for (int64_t q = 0; q < s.q; ++q) {
          std::vector<int32_t> window;
          for (int64_t r = 0; r < s.r; ++r)
            for (int64_t x = 0; x < s.s; ++x) {
              const int64_t h = p * s.stride_h - s.pad_t + r * s.dil_h;
              const int64_t w = q * s.stride_w - s.pad_l + x * s.dil_w;
              if (h >= 0 && h < s.h && w >= 0 && w < s.w)
                window.push_back(
                    stored_value(in.data[size_t(((n * s.c + c) * s.h + h) * s.w + w)], is_signed));
            }
          out.data[size_t(((n * s.c + c) * s.p + p) * s.q + q)] = store(reduce(window), is_signed);
        }
  return out;
}
}  // namespace

Int8Buffer vector_maxpool(const Int8Buffer& in, const ConvShape& s, bool is_signed) {
  return pool(in, s, is_signed, [](const std::vector<int32_t>& w) {
    return w.empty() ? int64_t{0} : int64_t(*std::max_element(w.begin(), w.end()));
  });
}

Int8Buffer vector_avgpool(const Int8Buffer& in, const ConvShape& s, bool is_signed) {
  return pool(in, s, is_signed, [](const std::vector<int32_t>& w) {
    if (w.empty()) return int64_t{0};
    int64_t sum = 0;
    for (int32_t v : w) sum += v;
    // Mean rounded half away from zero.
    const int64_t n = int64_t(w.size());
    const int64_t q = (std::llabs(sum) * 2 + n) / (2 * n);
    return sum < 0 ? -q : q;
  });
}

Int8Buffer vector_add(const Int8Buffer& a, const Int8Buffer& b, bool is_signed) {
  if (a.data.size() != b.data.size()) throw sim::ModelError("vector add: operand sizes differ");
  Int8Buffer out(a.shape);
  for (size_t i = 0; i < a.data.size(); ++i)
    out.data[i] =
        store(int64_t(stored_value(a.data[i], is_signed)) + stored_value(b.data[i], is_signed),
              is_signed);
  return out;
}

void VectorController::start(const LayerProgram& sch, const std::vector<const Int8Buffer*>& in,
                             Int8Buffer& out, LayerPorts ports, bool is_signed) {
  prog_ = &sch;
  vec_ = &sch.vector();
  ports_ = ports;
  chunk_ = 0;
  cycle_in_chunk_ = 0;
  chunk_cycles_ = 0;
  finishing_ = false;
  ops_ = 0;
  switch (sch.op) {
    case workloads::OpType::kMaxPool:
      out = vector_maxpool(*in.at(0), sch.shape, is_signed);
      break;
    case workloads::OpType::kAvgPool:
      out = vector_avgpool(*in.at(0), sch.shape, is_signed);
      break;
    case workloads::OpType::kAdd:
      out = vector_add(*in.at(0), *in.at(1), is_signed);
      break;
    default:
      throw sim::ModelError("vector unit: unsupported op for layer " + sch.layer);
  }
}

StepResult VectorController::step() {
  StepResult res;
  const FoldPlan& f = prog_->transfers.folds.at(0);
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  if (finishing_ || chunk_ >= f.chunks.size()) {
    finishing_ = true;
    const auto done = ports_.plan->all_done();
    if (!done) throw sim::ModelError("vector unit: a transfer was never requested");
    if (*done > now) {
      res.kind = StepResult::Kind::kWait;
      res.wait_until = *done;
    } else {
      res.kind = StepResult::Kind::kDone;
    }
    return res;
  }
  const ChunkPlan& c = f.chunks[chunk_];
  const int64_t k = ports_.plan->chunk_index(0, chunk_);
  const int64_t per_out = std::max<int64_t>(1, vec_->ops / std::max<int64_t>(1, vec_->outputs));
  if (cycle_in_chunk_ == 0) {
    const auto ready = ports_.plan->chunk_ready(k);
    const auto slot = ports_.plan->out_slot_ready(ports_.plan->out_index(k));
    if (!ready || !slot) throw sim::ModelError("vector unit: a transfer was never requested");
    const sc_core::sc_time t = std::max(*ready, *slot);
    if (t > now) {
      res.kind = StepResult::Kind::kWait;
      res.wait_until = t;
      return res;
    }
    chunk_cycles_ = std::max<int64_t>(1, (c.t_len * per_out + vec_->lanes - 1) / vec_->lanes);
  }
  // Spread the chunk's SRAM traffic evenly over its cycles (lanes read inputs, write outputs).
  const uint64_t in_bytes = uint64_t(c.load_bytes[0][0]);
  const uint64_t out_bytes = uint64_t(c.store_bytes[0]);
  const uint64_t cc = uint64_t(chunk_cycles_), i = uint64_t(cycle_in_chunk_);
  uint64_t reads[kNumOperands] = {in_bytes * (i + 1) / cc - in_bytes * i / cc, 0, 0};
  const uint64_t writes = out_bytes * (i + 1) / cc - out_bytes * i / cc;
  const int64_t ops_total = c.t_len * per_out;
  ops_ +=
      uint64_t(ops_total * int64_t(i + 1) / chunk_cycles_ - ops_total * int64_t(i) / chunk_cycles_);
  const StepResult extra = charge_ports(ports_, reads, writes, 0);
  res.bw_stall_sram = extra.bw_stall_sram;
  res.bw_stall_noc = extra.bw_stall_noc;
  if (++cycle_in_chunk_ == chunk_cycles_) {
    ports_.plan->chunk_consumed(k);
    ports_.plan->outputs_done(ports_.plan->out_index(k));
    cycle_in_chunk_ = 0;
    ++chunk_;
  }
  return res;
}

}  // namespace adasim::arch
