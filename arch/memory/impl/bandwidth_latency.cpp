// SPDX-License-Identifier: Apache-2.0
// "bandwidth_latency": one shared channel whose bandwidth serializes bursts and whose first-byte
// latency is paid per burst (bursts pipeline behind each other). No banks, rows or refresh.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>

#include "arch/memory/i_dram_model.hpp"
#include "arch/sim_time.hpp"

namespace adasim::arch {
namespace {

class BandwidthLatencyDram : public IDramModel {
 public:
  explicit BandwidthLatencyDram(const DramSpec& spec) : spec_(spec) {}

  DramTiming access(uint64_t bytes, bool /*is_read*/, const sc_core::sc_time& issue) override {
    if (spec_.ideal) return {issue, sc_core::SC_ZERO_TIME};  // infinite bandwidth, zero latency
    const sc_core::sc_time start = std::max(issue, busy_until_);
    const sc_core::sc_time xfer = transfer_time(bytes);
    busy_until_ = add_time(start, xfer, "DRAM busy time");
    return {add_time(busy_until_, latency(), "DRAM completion"), xfer};
  }

  /// Closed form of access() per burst: the first burst starts when the channel is free, every
  /// later one right behind the previous one (they were issued together), so the channel is busy
  /// for the sum of their transfer times (integer picoseconds, summed exactly) and the last burst
  /// completes last, one latency after the channel frees.
  DramTrainTiming access_train(uint64_t bytes, uint64_t burst_bytes, bool /*is_read*/,
                               const sc_core::sc_time& issue) override {
    if (burst_bytes == 0) throw sim::ModelError("DRAM: a burst train of zero-byte bursts");
    const uint64_t full = bytes / burst_bytes, rest = bytes % burst_bytes;
    const uint64_t bursts = full + (rest > 0 ? 1 : 0);
    if (spec_.ideal || bursts == 0) return {issue, sc_core::SC_ZERO_TIME, bursts};
    const sc_core::sc_time start = std::max(issue, busy_until_);
    const uint64_t full_ps = full > 0 ? transfer_time(burst_bytes).value() : 0;
    const uint64_t rest_ps = rest > 0 ? transfer_time(rest).value() : 0;
    // The per-burst sums stay below 2^62 ps or access() would have thrown: same check, once.
    if (double(full) * double(full_ps) + double(rest_ps) + double(start.value()) > kMaxSimTimePs)
      throw sim::ModelError("DRAM busy time: simulated time passes 2^62 ps (53 days)");
    const sc_core::sc_time transfer = sc_core::sc_time::from_value(full * full_ps + rest_ps);
    busy_until_ = start + transfer;
    return {add_time(busy_until_, latency(), "DRAM completion"), transfer, bursts};
  }

  sc_core::sc_time busy_until() const override { return busy_until_; }

 private:
  // bytes / (GB/s) = ns; guarded conversions (sim_time.hpp) instead of sc_time's wrapping cast.
  // Bursts almost always have the same size: the conversions (a double -> time rounding each)
  // are kept for the latest size and the latency.
  sc_core::sc_time transfer_time(uint64_t bytes) {
    if (bytes != xfer_bytes_) {
      xfer_ = time_from_ns(double(bytes) / spec_.bandwidth_gb_per_s, "DRAM transfer time");
      xfer_bytes_ = bytes;
    }
    return xfer_;
  }
  const sc_core::sc_time& latency() {
    if (!latency_) latency_ = time_from_ns(spec_.latency_ns, "DRAM latency");
    return *latency_;
  }

  DramSpec spec_;
  sc_core::sc_time busy_until_ = sc_core::SC_ZERO_TIME;
  uint64_t xfer_bytes_ = std::numeric_limits<uint64_t>::max();  // none converted yet
  sc_core::sc_time xfer_ = sc_core::SC_ZERO_TIME;
  std::optional<sc_core::sc_time> latency_;
};

}  // namespace

void register_bandwidth_latency_dram(DramModelRegistry& r) {
  namespace p = sim::param;
  r.add("bandwidth_latency",
        "one channel: bandwidth serializes bursts, a fixed first-byte latency per burst",
        {p::number("bandwidth_gb_per_s")
             .in(1e-3, 1e5)  // also keeps a burst's transfer time a representable SystemC time
             .typically(16.0)
             .with_default(16.0)
             .in_unit("GB/s")
             .described("sustained bandwidth (1 GB = 1e9 bytes)"),
         p::number("latency_ns")
             .in(0, 1e6)  // at most 1 ms per burst
             .typically(100.0)
             .with_default(100.0)
             .in_unit("ns")
             .described("first-byte latency of a burst"),
         p::boolean("ideal").with_default(false).described("infinite bandwidth, zero latency")},
        [](const DramSpec& s) { return std::make_unique<BandwidthLatencyDram>(s); });
}

}  // namespace adasim::arch
