// SPDX-License-Identifier: Apache-2.0
// VCD text generation (see vcd_writer.hpp): header with a scope tree built from dotted names,
// base-94 identifier codes, change-only value records, and the GTKWave save file.
#include "sim/trace/vcd_writer.hpp"

#include <cmath>
#include <cstdio>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <utility>

#include "sim/core/errors.hpp"

#ifndef ADASIM_VERSION
#define ADASIM_VERSION "unknown"
#endif

namespace adasim::sim {
namespace {

constexpr size_t kFlushBytes = size_t(1) << 20;

/// Bijective base-94 over '!'..'~', least significant digit first: index 0 -> "!", 93 -> "~",
/// 94 -> "!!". Consecutive indices give consecutive GTKWave id hashes (its fast path).
std::string id_code(size_t index) {
  std::string code;
  size_t n = index + 1;
  while (n > 0) {
    --n;
    code += char(33 + n % 94);
    n /= 94;
  }
  return code;
}

std::vector<std::string> split_dotted(const std::string& name) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t dot = name.find('.', start);
    parts.push_back(name.substr(start, dot == std::string::npos ? dot : dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  // Greedy matching with one backtrack point (the last '*'): O(|pattern| * |text|) worst case.
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

TraceFilter::TraceFilter(std::vector<std::string> globs, bool each_must_match)
    : globs_(std::move(globs)), each_must_match_(each_must_match) {}

bool TraceFilter::matches(const std::string& full_name) const {
  return std::any_of(globs_.begin(), globs_.end(),
                     [&](const std::string& g) { return glob_match(g, full_name); });
}

VcdWriter::VcdWriter(std::string path, TraceFilter filter, uint64_t start_cycle,
                     uint64_t end_cycle)
    : path_(std::move(path)), filter_(std::move(filter)), start_cycle_(start_cycle),
      end_cycle_(end_cycle) {
  if (end_cycle_ != 0 && end_cycle_ <= start_cycle_)
    throw ConfigError("command line", "--trace-window",
                      std::to_string(start_cycle_) + ":" + std::to_string(end_cycle_),
                      "start:end with end > start (or end 0 for no end)");
  out_.open(path_, std::ios::binary | std::ios::trunc);
  if (!out_)
    throw std::runtime_error("cannot open VCD file '" + path_ + "' for writing: " +
                             std::strerror(errno));
  buf_.reserve(kFlushBytes + 4096);
}

VcdWriter::~VcdWriter() {
  try {
    finish();
  } catch (...) {  // a destructor must not throw; finish() reports errors to explicit callers
  }
}

int VcdWriter::add_signal(const std::string& full_name, int width_bits, bool is_signed) {
  if (started_)
    throw ModelError("VCD signal '" + full_name + "' registered after tracing started");
  if (width_bits < 1 || width_bits > 64)
    throw ModelError("VCD signal '" + full_name + "' has width " + std::to_string(width_bits) +
                     " (expected 1..64 bits)");
  const std::vector<std::string> parts = split_dotted(full_name);
  for (const std::string& part : parts) {
    if (part.empty()) throw ModelError("VCD signal name '" + full_name + "' has an empty segment");
    for (char c : part)
      if (c <= ' ' || c > '~')
        throw ModelError("VCD signal name '" + full_name + "' contains a blank or non-ASCII char");
  }
  if (!filter_.matches(full_name)) return -1;
  if (names_.count(full_name)) throw ModelError("VCD signal '" + full_name + "' registered twice");
  if (scopes_.count(full_name))
    throw ModelError("VCD signal '" + full_name + "' is also the scope of another signal");
  std::string prefix;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    prefix += (i ? "." : "") + parts[i];
    if (names_.count(prefix))
      throw ModelError("VCD signal '" + full_name + "' nests under signal '" + prefix + "'");
  }
  prefix.clear();
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    prefix += (i ? "." : "") + parts[i];
    scopes_.insert(prefix);
  }
  names_.insert(full_name);

  Signal s;
  s.name = full_name;
  s.code = id_code(sigs_.size());
  s.width = width_bits;
  s.is_signed = is_signed;
  s.mask = width_bits == 64 ? ~uint64_t(0) : (uint64_t(1) << width_bits) - 1;
  s.min = width_bits == 64 ? INT64_MIN : -(int64_t(1) << (width_bits - 1));
  s.max = width_bits == 64 ? INT64_MAX : int64_t(s.mask);
  sigs_.push_back(std::move(s));
  cur_.push_back(0);
  written_.push_back(0);
  known_.push_back(0);
  wknown_.push_back(0);
  in_dirty_.push_back(0);
  return int(sigs_.size() - 1);
}

void VcdWriter::record(int id, int64_t value) {
  if (size_t(id) >= sigs_.size()) throw ModelError("VCD change() for unknown signal id");
  if (!started_ || finished_)
    throw ModelError("VCD change() outside set_time() ... finish() for '" + sigs_[id].name + "'");
  const Signal& s = sigs_[size_t(id)];
  if (value < s.min || value > s.max)
    throw ModelError("VCD value " + std::to_string(value) + " does not fit " +
                     std::to_string(s.width) + " bits of '" + s.name + "'");
  cur_[size_t(id)] = uint64_t(value) & s.mask;
  known_[size_t(id)] = 1;
  if (dumped_ && !window_closed_ && !in_dirty_[size_t(id)]) {
    in_dirty_[size_t(id)] = 1;
    dirty_.push_back(uint32_t(id));
  }
}

void VcdWriter::set_time(uint64_t cycle, uint64_t time_ps) {
  if (finished_) throw ModelError("VCD set_time() after finish()");
  if (!started_) {
    start();
  } else {
    if (time_ps < step_time_ || cycle < step_cycle_)
      throw ModelError("VCD time goes backwards: cycle " + std::to_string(cycle) + " at " +
                       std::to_string(time_ps) + " ps after cycle " +
                       std::to_string(step_cycle_) + " at " + std::to_string(step_time_) + " ps");
    if (time_ps == step_time_) {  // same step, maybe another domain's cycle count
      step_cycle_ = cycle;
      step_active_ = step_active_ || active(cycle);
      return;
    }
    flush_step();
  }
  step_open_ = true;
  step_cycle_ = cycle;
  step_time_ = time_ps;
  step_active_ = active(cycle);
  if (!step_active_ && dumped_ && !window_closed_) {  // first step past the window: close it
    buf_ += '#';
    buf_ += std::to_string(time_ps);
    buf_ += '\n';
    last_stamp_ = time_ps;
    window_closed_ = true;
  }
}

void VcdWriter::append_value(size_t i) {
  const Signal& s = sigs_[i];
  if (!known_[i]) {
    buf_ += s.width == 1 ? "x" : "bx ";
  } else if (s.width == 1) {
    buf_ += cur_[i] ? '1' : '0';
  } else {
    char bits[66];
    const uint64_t v = cur_[i];
    const int n = v == 0 ? 1 : 64 - __builtin_clzll(v);  // leading zeros dropped (VCD pads 0)
    bits[0] = 'b';
    for (int b = 0; b < n; ++b) bits[1 + b] = char('0' + ((v >> (n - 1 - b)) & 1));
    bits[1 + n] = ' ';
    buf_.append(bits, size_t(n) + 2);
  }
  buf_ += s.code;
  buf_ += '\n';
  written_[i] = cur_[i];
  wknown_[i] = known_[i];
}

void VcdWriter::flush_step() {
  if (!step_open_) return;
  if (step_active_ && !dumped_) {
    buf_ += '#' + std::to_string(step_time_) + "\n$dumpvars\n";
    for (size_t i = 0; i < sigs_.size(); ++i) append_value(i);
    buf_ += "$end\n";
    last_stamp_ = step_time_;
    dumped_ = true;
  } else if (step_active_) {
    bool stamped = false;
    for (uint32_t i : dirty_) {
      if (wknown_[i] && cur_[i] == written_[i]) continue;  // set again to the same value
      if (!stamped) {
        buf_ += '#';
        buf_ += std::to_string(step_time_);
        buf_ += '\n';
        last_stamp_ = step_time_;
        stamped = true;
      }
      append_value(i);
    }
  }
  for (uint32_t i : dirty_) in_dirty_[i] = 0;
  dirty_.clear();
  flush_buffer(false);
}

void VcdWriter::flush_buffer(bool force) {
  if (buf_.empty() || (!force && buf_.size() < kFlushBytes)) return;
  out_.write(buf_.data(), std::streamsize(buf_.size()));
  buf_.clear();
}

void VcdWriter::start() {
  started_ = true;
  if (filter_.each_must_match())
    for (const std::string& g : filter_.globs()) {
      const bool used = std::any_of(sigs_.begin(), sigs_.end(),
                                    [&](const Signal& s) { return glob_match(g, s.name); });
      if (!used)
        throw ConfigError("command line", "--trace", "'" + g + "' (matches no signal)",
                          "a glob over the traced signals, e.g. 'top.pe_array.pe_0_*', "
                          "'top.pe_array.*' or 'top.*.cycle'");
    }
  write_header();
}

void VcdWriter::write_header() {
  buf_ += "$date\n  (fixed for reproducible output)\n$end\n";
  buf_ += "$version\n  adasim " ADASIM_VERSION "\n$end\n";
  buf_ += "$timescale 1 ps $end\n";
  // Group signals by scope path (stable: registration order inside one scope), then open and
  // close scopes by diffing consecutive paths.
  std::vector<std::vector<std::string>> paths(sigs_.size());
  for (size_t i = 0; i < sigs_.size(); ++i) paths[i] = split_dotted(sigs_[i].name);
  std::vector<size_t> order(sigs_.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::lexicographical_compare(paths[a].begin(), paths[a].end() - 1, paths[b].begin(),
                                        paths[b].end() - 1);
  });
  std::vector<std::string> open;
  for (size_t i : order) {
    const std::vector<std::string>& p = paths[i];
    const size_t depth = p.size() - 1;
    size_t common = 0;
    while (common < open.size() && common < depth && open[common] == p[common]) ++common;
    while (open.size() > common) {
      buf_ += "$upscope $end\n";
      open.pop_back();
    }
    for (size_t d = common; d < depth; ++d) {
      buf_ += "$scope module " + p[d] + " $end\n";
      open.push_back(p[d]);
    }
    const Signal& s = sigs_[i];
    buf_ += "$var wire " + std::to_string(s.width) + " " + s.code + " " + p.back();
    if (s.width > 1) buf_ += " [" + std::to_string(s.width - 1) + ":0]";
    buf_ += " $end\n";
  }
  for (size_t d = 0; d < open.size(); ++d) buf_ += "$upscope $end\n";
  buf_ += "$enddefinitions $end\n";
}

void VcdWriter::finish() {
  if (finished_) return;
  if (!started_) {
    start();
  }
  flush_step();
  if (dumped_ && !window_closed_ && step_time_ > last_stamp_) {
    buf_ += '#' + std::to_string(step_time_) + "\n";
    last_stamp_ = step_time_;
  }
  finished_ = true;
  flush_buffer(true);
  out_.close();
  if (!out_) throw std::runtime_error("cannot write VCD file '" + path_ + "'");
}

std::vector<GtkwSignal> VcdWriter::gtkw_signals() const {
  std::vector<GtkwSignal> out;
  out.reserve(sigs_.size());
  for (const Signal& s : sigs_) out.push_back({s.name, s.width, s.is_signed});
  return out;
}

namespace {

/// Header + [treeopen] for every scope of `names` (sorted, so deterministic).
std::string gtkw_preamble(const std::string& vcd_path, const std::vector<std::string>& names) {
  std::string out = "[*] GTKWave save file written by adasim " ADASIM_VERSION "\n";
  out += "[dumpfile] \"" + vcd_path + "\"\n";
  out += "[timestart] 0\n";
  std::set<std::string> scopes;
  for (const std::string& n : names)
    for (size_t dot = n.find('.'); dot != std::string::npos; dot = n.find('.', dot + 1))
      scopes.insert(n.substr(0, dot + 1));
  for (const std::string& s : scopes) out += "[treeopen] " + s + "\n";
  out += "[sst_expanded] 1\n";
  return out;
}

}  // namespace

std::string gtkw_save_file(const std::string& vcd_path, const std::vector<GtkwSignal>& signals,
                           double cycle_ps) {
  std::vector<std::string> names;
  for (const GtkwSignal& s : signals) names.push_back(s.name);
  std::string out = gtkw_preamble(vcd_path, names);
  if (cycle_ps > 0) {
    // GTKWave's zoom is a power of two: at zoom z one pixel is about 2^-z / 170 time units
    // (measured on GTKWave 3.3.118). ~60 cycles over ~500 pixels: 2^-z = 20.4 x cycle_ps.
    char zoom[64];
    std::snprintf(zoom, sizeof(zoom), "*%.6f -1", -std::round(std::log2(20.4 * cycle_ps)));
    out += zoom;
    for (int i = 0; i < 25; ++i) out += " -1";  // no named markers
    out += "\n";
  }
  // Trace flags (GTKWave TR_*): 0x20 right-justify | 0x08 binary / 0x04 decimal / 0x400 signed.
  std::string flags;
  for (const GtkwSignal& s : signals) {
    const char* want = s.width_bits == 1 ? "@28" : (s.is_signed ? "@420" : "@24");
    if (flags != want) {
      flags = want;
      out += flags + "\n";
    }
    // Alias "<block>:<signal>" from the last two name components.
    const size_t last = s.name.rfind('.');
    const size_t prev = last == std::string::npos ? std::string::npos : s.name.rfind('.', last - 1);
    if (last != std::string::npos) {
      const size_t from = prev == std::string::npos ? 0 : prev + 1;
      out += "+{" + s.name.substr(from, last - from) + ":" + s.name.substr(last + 1) + "} ";
    }
    out += s.name;
    if (s.width_bits > 1) out += "[" + std::to_string(s.width_bits - 1) + ":0]";
    out += "\n";
  }
  return out;
}

std::string gtkw_save_file(const std::string& vcd_path, const std::vector<std::string>& signals) {
  std::string out = gtkw_preamble(vcd_path, signals);
  for (const std::string& s : signals) out += s + "\n";
  return out;
}

}  // namespace adasim::sim
