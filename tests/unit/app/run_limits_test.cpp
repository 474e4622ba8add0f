// SPDX-License-Identifier: Apache-2.0
// The run limits without a simulation: parsing of the limit flags, the estimate the monitor
// prints and refuses by (schedules built by hand), the progress line's format, and the vector
// layers' closed-form estimate.
#include "sim/app/run_limits.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "sim/core/errors.hpp"

namespace adasim::sim {
namespace {

std::string issue_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.issues().at(0).render();
  }
  return "no error";
}

TEST(RunLimits, DefaultsAndTheirSources) {
  const RunLimits l = parse_limits({}, false, false, false);
  EXPECT_EQ(l.max_cycles, 10'000'000'000ull);
  EXPECT_EQ(l.max_seconds, 3600.0);
  EXPECT_EQ(l.max_memory_mb, 16384u);
  EXPECT_EQ(l.watchdog_cycles, 1'000'000'000ull);
  EXPECT_EQ(l.progress, RunLimits::Progress::kOff);
  EXPECT_EQ(parse_limits({}, false, false, true).progress, RunLimits::Progress::kAuto);
  EXPECT_EQ(parse_limits({}, false, true, true).progress, RunLimits::Progress::kOff);  // --quiet
  EXPECT_EQ(parse_limits({}, true, true, false).progress, RunLimits::Progress::kOn);
  const RunLimits g = parse_limits({"123", "0.5", "64", "77"}, false, false, false);
  EXPECT_EQ(g.max_cycles, 123u);
  EXPECT_EQ(g.max_seconds, 0.5);
  EXPECT_EQ(g.max_memory_mb, 64u);
  EXPECT_EQ(g.watchdog_cycles, 77u);
}

TEST(RunLimits, BadValuesNameTheFlagTheValueAndTheRange) {
  auto cycles = [](const std::string& v) {
    return issue_of([&] { parse_limits({v, "", "", ""}, false, false, false); });
  };
  EXPECT_EQ(cycles("0"),
            "command line: --max-cycles: expected a decimal integer in [1, "
            "18446744073709551615] (simulated cycles), got \"0\"");
  EXPECT_NE(cycles("-5").find("got \"-5\""), std::string::npos);
  EXPECT_NE(cycles("1e9").find("got \"1e9\""), std::string::npos);
  EXPECT_NE(cycles("18446744073709551616").find("--max-cycles"), std::string::npos);
  for (const char* s : {"0", "-1", "abc", "inf", "nan", "1e3", "", "1.2.3", "."}) {
    if (std::string(s).empty()) continue;  // "" = not given
    EXPECT_EQ(issue_of([&] {
                parse_limits({"", s, "", ""}, false, false, false);
              }),
              std::string("command line: --max-seconds: expected a decimal number of seconds in "
                          "(0, 1e9], e.g. 600 or 0.5, got \"") +
                  s + "\"");
  }
  EXPECT_EQ(issue_of([] {
              parse_limits({"", "", "0", ""}, false, false, false);
            }),
            "command line: --max-memory-mb: expected a decimal integer in [1, 1073741824] (MiB), "
            "got \"0\"");
  EXPECT_EQ(issue_of([] {
              parse_limits({"", "", "", "x"}, false, false, false);
            }),
            "command line: --watchdog-cycles: expected a decimal integer in [1, "
            "18446744073709551615] (cycles without progress), got \"x\"");
}

struct TwoLayers {
  workloads::Graph graph;
  std::vector<workloads::LayerSchedule> schedules;
  TwoLayers(double a, double b) {
    for (auto [name, est] : {std::pair<const char*, double>{"conv1", a}, {"conv2", b}}) {
      workloads::Layer l;
      l.name = name;
      graph.layers.push_back(l);
      workloads::LayerSchedule s;
      s.layer = name;
      s.search.est_cycles = est;
      schedules.push_back(s);
    }
  }
};

TEST(RunMonitor, RefusesAnEstimateAboveTheLimitNamingTheLayer) {
  TwoLayers t(600, 500);
  RunLimits l;
  l.max_cycles = 1000;
  std::ostringstream note;
  RunMonitor m(l, note);
  EXPECT_EQ(issue_of([&] { m.before_run(t.graph, t.schedules); }),
            "command line: --max-cycles: expected a run estimated at most 1000 cycles (the limit; "
            "lift it with --max-cycles N), got an estimate of 1100 cycles by the end of layer 2/2 "
            "'conv2' (500 cycles in that layer, 1100 in the whole run)");
  EXPECT_EQ(note.str(), "");  // short run, no --progress: nothing printed
  l.max_cycles = 1100;        // the estimate itself is allowed
  RunMonitor ok(l, note);
  EXPECT_NO_THROW(ok.before_run(t.graph, t.schedules));
}

TEST(RunMonitor, PrintsTheEstimateOfLongRunsAndWithProgress) {
  TwoLayers t(double(kLongRunCycles) - 1, 1);  // exactly kLongRunCycles: long
  std::ostringstream note;
  RunMonitor(RunLimits{}, note).before_run(t.graph, t.schedules);
  EXPECT_EQ(note.str(),
            "adasim: estimated 10000000 cycles over 2 layers (the mapper's estimate: the "
            "simulated cycles, unless zero skipping or compressed storage make them follow the "
            "values)\n"
            "  layer 1/2 'conv1': 9999999 cycles\n"
            "  layer 2/2 'conv2': 1 cycles\n");
  TwoLayers s(10, 1);
  std::ostringstream quiet, progress;
  RunMonitor(RunLimits{}, quiet).before_run(s.graph, s.schedules);
  EXPECT_EQ(quiet.str(), "");
  RunLimits on;
  on.progress = RunLimits::Progress::kOn;
  RunMonitor(on, progress).before_run(s.graph, s.schedules);
  EXPECT_NE(progress.str().find("  layer 1/2 'conv1': 10 cycles\n"), std::string::npos);
}

TEST(RunMonitor, StopsPastTheCycleLimitAndTheMemoryLimit) {
  TwoLayers t(10, 10);
  RunLimits l;
  l.max_cycles = 4096;
  std::ostringstream note;
  RunMonitor m(l, note);
  m.before_run(t.graph, t.schedules);
  EXPECT_NO_THROW(m.between_slices(0, 4096));
  EXPECT_EQ(issue_of([&] { m.between_slices(1, 8192); }),
            "command line: --max-cycles: expected a run within 4096 simulated cycles (the limit; "
            "lift it with --max-cycles N), got a run still going in layer 2/2 'conv2' at cycle "
            "8192");
  RunLimits mem;
  mem.max_memory_mb = 1;  // any process holds more than 1 MiB
  RunMonitor small(mem, note);
  const std::string e = issue_of([&] { small.check_host("mapping"); });
  EXPECT_TRUE(std::regex_match(
      e, std::regex("command line: --max-memory-mb: expected a run within 1 MiB \\(the limit; "
                    "lift it with --max-memory-mb N\\), got [0-9]+ MiB resident, mapping")))
      << e;
  EXPECT_GT(resident_mb(), 1u);
}

TEST(RunMonitor, ProgressLineFormat) {
  EXPECT_EQ(RunMonitor::progress_line(2, 12, "conv3", 123456, 2664768, 2.0),
            "adasim: layer 3/12 'conv3', 123456 cycles simulated (estimate 2664768), 0.06 M "
            "cycles/s, 2.0 s\n");
  EXPECT_EQ(RunMonitor::progress_line(12, 12, "fc", 3000000, 2664768, 1.5),
            "adasim: all 12 layers done, 3000000 cycles simulated (estimate 2664768), 2.00 M "
            "cycles/s, 1.5 s\n");
}

}  // namespace
}  // namespace adasim::sim
