// SPDX-License-Identifier: Apache-2.0
// Own VCD writer for GTKWave: dotted-name scope tree, glob filter, cycle window, two's-complement
// values (int8 shows correctly), only changes written. No SystemC dependency (not sc_trace).
#pragma once

#include <cstdint>
#include <fstream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace adasim::sim {

/// True when `text` matches `pattern`: '*' = any run of characters (including '.'), '?' = any one
/// character, everything else literal.
bool glob_match(std::string_view pattern, std::string_view text);

/// Selects signals by glob over their dotted full names ("top.pe_array.*", "top.*.stall").
/// A name is selected when any glob matches; an empty list selects nothing. With
/// `each_must_match` (globs the user typed), a glob that selects no registered signal is a
/// ConfigError when tracing starts (VcdWriter).
class TraceFilter {
 public:
  explicit TraceFilter(std::vector<std::string> globs = {"*"}, bool each_must_match = false);
  bool matches(const std::string& full_name) const;
  const std::vector<std::string>& globs() const { return globs_; }
  bool each_must_match() const { return each_must_match_; }

 private:
  std::vector<std::string> globs_;
  bool each_must_match_ = false;
};

/// One signal in a GTKWave save file. Vectors (width > 1) are shown in decimal, signed ones as
/// two's complement.
struct GtkwSignal {
  std::string name;    ///< dotted full name as registered, without a bit range
  int width_bits = 1;
  bool is_signed = false;
};

/// Streams a VCD file (timescale 1 ps). Usage: add_signal() for everything, then per simulated step
/// set_time() followed by change() for the values of that step, then finish().
/// The first step inside the window writes a $dumpvars block with every signal's latest value
/// (changes before the window are remembered, never-set signals show 'x'); later steps write only
/// the signals whose value differs from the last one written. The first step past the window end
/// writes its timestamp (so the last values have a visible duration) and nothing is written after.
class VcdWriter {
 public:
  /// Trace steps with start_cycle <= cycle < end_cycle (end_cycle 0 = no end). Throws ConfigError
  /// for an empty window, std::runtime_error naming the path when the file cannot be opened.
  VcdWriter(std::string path, TraceFilter filter, uint64_t start_cycle, uint64_t end_cycle);
  ~VcdWriter();  ///< calls finish(), swallowing errors: call finish() yourself to see them
  VcdWriter(const VcdWriter&) = delete;
  VcdWriter& operator=(const VcdWriter&) = delete;

  /// Registers a signal (before the first set_time(), else ModelError). full_name is dotted
  /// ("top.pe_array.pe_3_5.a"), the scopes mirror its segments; width_bits in 1..64. Returns the
  /// id for change(), or -1 when the filter drops the name. Duplicate names, names that are also a
  /// scope of another signal, empty segments or whitespace are ModelErrors.
  int add_signal(const std::string& full_name, int width_bits, bool is_signed = false);

  /// Is this cycle inside the trace window? Lets callers skip computing traced values.
  bool active(uint64_t cycle) const {
    return cycle >= start_cycle_ && (end_cycle_ == 0 || cycle < end_cycle_);
  }

  /// Starts the step at (cycle, time_ps); both must not go backwards (ModelError). Calling it again
  /// with the same time_ps continues the same step.
  void set_time(uint64_t cycle, uint64_t time_ps);

  /// Records signal `id`'s value in the current step (the last call in a step wins). Values are
  /// written in width_bits two's complement, so int8 -3 -> b11111101. Accepts
  /// -2^(w-1) <= value < 2^w (ModelError outside). No-op for id -1.
  void change(int id, int64_t value) {
    if (id < 0) return;
    record(id, value);
  }

  /// Flushes the last step, writes the final timestamp, closes the file. Idempotent. Throws
  /// std::runtime_error naming the path when the data could not be written.
  void finish();

  size_t signal_count() const { return sigs_.size(); }
  /// The registered (not filtered out) signals, for gtkw_save_file().
  std::vector<GtkwSignal> gtkw_signals() const;
  const std::string& path() const { return path_; }

 private:
  struct Signal {
    std::string name;
    std::string code;  ///< VCD identifier code
    int width = 1;
    bool is_signed = false;
    uint64_t mask = 0;
    int64_t min = 0;
    int64_t max = 0;
  };

  void record(int id, int64_t value);
  void start();  ///< closes registration (checking the filter's globs) and writes the header
  void write_header();
  void flush_step();
  void append_value(size_t i);
  void flush_buffer(bool force);

  std::string path_;
  TraceFilter filter_;
  uint64_t start_cycle_;
  uint64_t end_cycle_;
  std::ofstream out_;
  std::string buf_;  ///< pending output, written in large chunks

  std::vector<Signal> sigs_;
  std::set<std::string> names_;   ///< registered full names
  std::set<std::string> scopes_;  ///< every dotted scope prefix of a registered name
  std::vector<uint64_t> cur_;      ///< latest value per signal (masked)
  std::vector<uint64_t> written_;  ///< last value written per signal
  std::vector<uint8_t> known_;     ///< cur_ has been set
  std::vector<uint8_t> wknown_;    ///< written_ holds a value (not 'x')
  std::vector<uint8_t> in_dirty_;
  std::vector<uint32_t> dirty_;    ///< signals changed in the current active step

  bool started_ = false;      ///< header written, registration closed
  bool finished_ = false;
  bool step_open_ = false;
  bool step_active_ = false;
  bool dumped_ = false;       ///< $dumpvars written (window entered)
  bool window_closed_ = false;
  uint64_t step_cycle_ = 0;
  uint64_t step_time_ = 0;
  uint64_t last_stamp_ = 0;   ///< last timestamp written
};

/// GTKWave save file (.gtkw) text that opens vcd_path and shows `signals` (1-bit binary, vectors
/// in decimal, signed vectors as signed decimal) with their scopes expanded. Each trace is shown
/// as "<block>:<signal>" (GTKWave would otherwise show only the leaf, e.g. eight lines of "in").
/// With cycle_ps > 0 the first view spans about 60 clock cycles instead of a few picoseconds.
std::string gtkw_save_file(const std::string& vcd_path, const std::vector<GtkwSignal>& signals,
                           double cycle_ps = 0.0);

/// Same, for names exactly as GTKWave lists them: a vector's name needs its range suffix
/// ("top.pe_array.pe_0_0.a[7:0]"); prefer the GtkwSignal overload (VcdWriter::gtkw_signals()).
std::string gtkw_save_file(const std::string& vcd_path, const std::vector<std::string>& signals);

}  // namespace adasim::sim
