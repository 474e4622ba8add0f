// SPDX-License-Identifier: Apache-2.0
// VcdWriter: the produced file is parsed here (scopes, $var widths, change-only values, window,
// filter, two's-complement int8, unique identifiers) and, when installed, checked with vcd2fst.
#include "sim/trace/vcd_writer.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sim/core/errors.hpp"

namespace adasim::sim {
namespace {

namespace fs = std::filesystem;
constexpr uint64_t kPs = 1000;  // 1 GHz: cycle c at c * 1000 ps

struct Var {
  int width = 0;
  std::string code;
};
struct Change {
  uint64_t time;
  std::string name;
  std::string value;  // "1", "0", "x", or the bits of a b-record
  bool operator==(const Change& o) const {
    return time == o.time && name == o.name && value == o.value;
  }
};
std::ostream& operator<<(std::ostream& os, const Change& c) {
  return os << "#" << c.time << " " << c.name << "=" << c.value;
}

/// Minimal VCD reader: the dotted full name of every $var (rebuilt from the scope nesting), and
/// every value record with its time. Fails the test on malformed nesting.
struct ParsedVcd {
  std::map<std::string, Var> vars;
  std::vector<Change> changes;
  std::vector<uint64_t> stamps;
  std::string header;
};

ParsedVcd parse_vcd(const std::string& path) {
  ParsedVcd out;
  std::ifstream f(path);
  EXPECT_TRUE(f.good()) << path;
  std::map<std::string, std::string> by_code;
  std::vector<std::string> scope;
  std::string line;
  bool defs = true;
  uint64_t now = 0;
  while (std::getline(f, line)) {
    if (defs) {
      out.header += line + "\n";
      std::istringstream in(line);
      std::string kw;
      in >> kw;
      if (kw == "$scope") {
        std::string kind, name;
        in >> kind >> name;
        EXPECT_EQ(kind, "module");
        scope.push_back(name);
      } else if (kw == "$upscope") {
        EXPECT_FALSE(scope.empty()) << "unbalanced $upscope";
        if (!scope.empty()) scope.pop_back();
      } else if (kw == "$var") {
        std::string type, code, name;
        int width = 0;
        in >> type >> width >> code >> name;
        std::string full;
        for (const std::string& s : scope) full += s + ".";
        full += name;
        EXPECT_EQ(out.vars.count(full), 0u) << "duplicate var " << full;
        EXPECT_EQ(by_code.count(code), 0u) << "duplicate code " << code;
        out.vars[full] = {width, code};
        by_code[code] = full;
      } else if (kw == "$enddefinitions") {
        EXPECT_TRUE(scope.empty()) << "unclosed $scope";
        defs = false;
      }
      continue;
    }
    if (line.empty() || line == "$dumpvars" || line == "$end") continue;
    if (line[0] == '#') {
      now = std::stoull(line.substr(1));
      out.stamps.push_back(now);
    } else if (line[0] == 'b') {
      const size_t sp = line.find(' ');
      out.changes.push_back({now, by_code.at(line.substr(sp + 1)), line.substr(1, sp - 1)});
    } else {
      out.changes.push_back({now, by_code.at(line.substr(1)), line.substr(0, 1)});
    }
  }
  return out;
}

class Vcd : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) / (std::string("adasim_vcd_") + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(Vcd, ScopesMirrorDottedNamesAndWidths) {
  const std::string path = file("a.vcd");
  {
    VcdWriter w(path, TraceFilter(), 0, 0);
    w.add_signal("top.pe_array.pe_0_0.a", 8, true);
    w.add_signal("top.dma.busy", 1);
    w.add_signal("top.pe_array.pe_0_1.a", 8, true);
    w.add_signal("top.cycle", 32);
    EXPECT_EQ(w.signal_count(), 4u);
    w.set_time(0, 0);
    w.finish();
  }
  const ParsedVcd v = parse_vcd(path);
  ASSERT_EQ(v.vars.size(), 4u);
  EXPECT_EQ(v.vars.at("top.pe_array.pe_0_0.a").width, 8);
  EXPECT_EQ(v.vars.at("top.pe_array.pe_0_1.a").width, 8);
  EXPECT_EQ(v.vars.at("top.dma.busy").width, 1);
  EXPECT_EQ(v.vars.at("top.cycle").width, 32);
  EXPECT_NE(v.header.find("$timescale 1 ps $end"), std::string::npos);
  EXPECT_NE(v.header.find("$version\n  adasim"), std::string::npos);
  // one "$scope module top" (siblings share their parent scope)
  EXPECT_EQ(v.header.find("$scope module top $end"), v.header.rfind("$scope module top $end"));
  EXPECT_EQ(v.header.find("$scope module pe_array $end"),
            v.header.rfind("$scope module pe_array $end"));
}

TEST_F(Vcd, OnlyChangesAndTwosComplement) {
  const std::string path = file("b.vcd");
  VcdWriter w(path, TraceFilter(), 0, 0);
  const int a = w.add_signal("top.pe.a", 8, true);
  const int v = w.add_signal("top.pe.valid", 1);
  const int u = w.add_signal("top.pe.unset", 4);
  w.set_time(0, 0);
  w.change(a, -3);
  w.change(v, 1);
  w.set_time(1, kPs);
  w.change(a, -3);  // same value: nothing written
  w.change(v, 0);
  w.set_time(2, 2 * kPs);
  w.change(a, 5);
  w.change(a, -128);  // last value in a step wins
  w.change(v, 0);
  w.set_time(3, 3 * kPs);
  w.change(u, 0);  // x -> 0 is a change
  w.set_time(4, 4 * kPs);
  w.finish();
  const ParsedVcd p = parse_vcd(path);
  const std::vector<Change> expected = {
      {0, "top.pe.a", "11111101"},  // -3 in 8-bit two's complement
      {0, "top.pe.valid", "1"},
      {0, "top.pe.unset", "x"},
      {1000, "top.pe.valid", "0"},
      {2000, "top.pe.a", "10000000"},  // -128
      {3000, "top.pe.unset", "0"},
  };
  EXPECT_EQ(p.changes, expected);
  EXPECT_EQ(p.stamps, (std::vector<uint64_t>{0, 1000, 2000, 3000, 4000}));
}

TEST_F(Vcd, PositiveVectorsDropLeadingZeros) {
  const std::string path = file("c.vcd");
  VcdWriter w(path, TraceFilter(), 0, 0);
  const int c = w.add_signal("top.cycle", 64);
  const int x = w.add_signal("top.x", 8);
  w.set_time(0, 0);
  w.change(c, 0);
  w.change(x, 255);
  w.set_time(1, kPs);
  w.change(c, 6);
  w.finish();
  const ParsedVcd p = parse_vcd(path);
  const std::vector<Change> expected = {
      {0, "top.cycle", "0"}, {0, "top.x", "11111111"}, {1000, "top.cycle", "110"}};
  EXPECT_EQ(p.changes, expected);
}

TEST_F(Vcd, WindowRespected) {
  const std::string path = file("d.vcd");
  VcdWriter w(path, TraceFilter(), 2, 4);
  const int k = w.add_signal("top.k", 8);
  const int s = w.add_signal("top.set_once", 1);
  EXPECT_FALSE(w.active(1));
  EXPECT_TRUE(w.active(2));
  EXPECT_TRUE(w.active(3));
  EXPECT_FALSE(w.active(4));
  for (uint64_t c = 0; c < 8; ++c) {
    w.set_time(c, c * kPs);
    w.change(k, int64_t(c + 1));
    if (c == 0) w.change(s, 1);  // set before the window: must appear in $dumpvars
  }
  w.finish();
  const ParsedVcd p = parse_vcd(path);
  const std::vector<Change> expected = {
      {2000, "top.k", "11"}, {2000, "top.set_once", "1"}, {3000, "top.k", "100"}};
  EXPECT_EQ(p.changes, expected);
  EXPECT_EQ(p.stamps, (std::vector<uint64_t>{2000, 3000, 4000}));  // 4000 closes the window
}

TEST_F(Vcd, FilterRespected) {
  const std::string path = file("e.vcd");
  VcdWriter w(path, TraceFilter({"top.pe_array.*", "top.*.stall"}), 0, 0);
  const int a = w.add_signal("top.pe_array.pe_3_5.a", 8);
  const int st = w.add_signal("top.dma.stall", 1);
  const int busy = w.add_signal("top.dma.busy", 1);
  const int st2 = w.add_signal("top.stall", 1);  // "top.*.stall" needs a middle segment
  EXPECT_GE(a, 0);
  EXPECT_GE(st, 0);
  EXPECT_EQ(busy, -1);
  EXPECT_EQ(st2, -1);
  EXPECT_EQ(w.signal_count(), 2u);
  w.set_time(0, 0);
  w.change(busy, 1);  // no-op
  w.change(a, 7);
  w.finish();
  const ParsedVcd p = parse_vcd(path);
  EXPECT_EQ(p.vars.size(), 2u);
  EXPECT_EQ(p.vars.count("top.dma.busy"), 0u);
}

TEST(Glob, Semantics) {
  EXPECT_TRUE(glob_match("*", "top.a.b"));
  EXPECT_TRUE(glob_match("top.*", "top.a.b"));
  EXPECT_TRUE(glob_match("top.pe_?_1.*", "top.pe_3_1.acc"));
  EXPECT_FALSE(glob_match("top.pe_?_1.*", "top.pe_13_1.acc"));
  EXPECT_TRUE(glob_match("*stall", "top.dma.stall"));
  EXPECT_FALSE(glob_match("top.*", "top"));
  EXPECT_FALSE(glob_match("", "a"));
  EXPECT_TRUE(glob_match("a*b*c", "aXXbYYbc"));
  EXPECT_FALSE(TraceFilter(std::vector<std::string>{}).matches("top.a"));
}

TEST_F(Vcd, ManySignalsGetUniqueCompactIdentifiers) {
  const std::string path = file("f.vcd");
  constexpr int kN = 12000;  // > 94^2 = 8836: needs 3-character codes
  {
    VcdWriter w(path, TraceFilter(), 0, 0);
    for (int i = 0; i < kN; ++i)
      w.add_signal("top.array.pe_" + std::to_string(i / 100) + "_" + std::to_string(i % 100), 1);
    w.set_time(0, 0);
    w.finish();
  }
  const ParsedVcd p = parse_vcd(path);  // asserts no duplicate codes
  ASSERT_EQ(p.vars.size(), size_t(kN));
  size_t longest = 0;
  for (const auto& [name, var] : p.vars) {
    longest = std::max(longest, var.code.size());
    for (char ch : var.code) EXPECT_TRUE(ch >= 33 && ch <= 126);
  }
  EXPECT_EQ(longest, 3u);
}

TEST_F(Vcd, ByteIdenticalForIdenticalInput) {
  auto run = [&](const std::string& path) {
    VcdWriter w(path, TraceFilter(), 0, 0);
    const int a = w.add_signal("top.a", 8, true);
    for (uint64_t c = 0; c < 50; ++c) {
      w.set_time(c, c * kPs);
      w.change(a, int64_t(c % 7) - 3);
    }
    w.finish();
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
  };
  EXPECT_EQ(run(file("g1.vcd")), run(file("g2.vcd")));
}

TEST_F(Vcd, MisuseIsAModelError) {
  VcdWriter w(file("h.vcd"), TraceFilter(), 0, 0);
  EXPECT_THROW(w.add_signal("top.w0", 0), ModelError);
  EXPECT_THROW(w.add_signal("top.w65", 65), ModelError);
  EXPECT_THROW(w.add_signal("top..x", 1), ModelError);
  EXPECT_THROW(w.add_signal("top.has space", 1), ModelError);
  const int a = w.add_signal("top.a", 4);
  EXPECT_THROW(w.add_signal("top.a", 4), ModelError);    // duplicate
  EXPECT_THROW(w.add_signal("top.a.b", 1), ModelError);  // "top.a" is a signal, not a scope
  EXPECT_THROW(w.add_signal("top", 1), ModelError);      // "top" is a scope
  w.set_time(5, 5 * kPs);
  EXPECT_THROW(w.add_signal("top.late", 1), ModelError);
  EXPECT_THROW(w.change(a, 16), ModelError);  // does not fit 4 bits
  EXPECT_THROW(w.change(a, -9), ModelError);
  w.change(a, -8);
  EXPECT_THROW(w.change(7, 0), ModelError);
  EXPECT_THROW(w.set_time(4, 6 * kPs), ModelError);  // cycle backwards
  EXPECT_THROW(w.set_time(6, 4 * kPs), ModelError);  // time backwards
  w.finish();
  w.finish();  // idempotent
  EXPECT_THROW(w.set_time(9, 9 * kPs), ModelError);
}

TEST_F(Vcd, UnopenablePathThrowsAndLeavesNoFile) {
  const std::string path = file("missing_dir/x.vcd");
  try {
    VcdWriter w(path, TraceFilter(), 0, 0);
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_THROW(VcdWriter(file("w.vcd"), TraceFilter(), 10, 10), ConfigError);
  EXPECT_FALSE(fs::exists(file("w.vcd")));
}

TEST_F(Vcd, GtkwSaveFile) {
  VcdWriter w(file("i.vcd"), TraceFilter(), 0, 0);
  w.add_signal("top.pe_array.pe_0_0.a", 8, true);
  w.add_signal("top.pe_array.pe_0_0.valid", 1);
  w.add_signal("top.dma.bytes", 16);
  const std::string g = gtkw_save_file("/tmp/run/trace.vcd", w.gtkw_signals());
  EXPECT_NE(g.find("[dumpfile] \"/tmp/run/trace.vcd\"\n"), std::string::npos);
  EXPECT_NE(g.find("[treeopen] top.\n"), std::string::npos);
  EXPECT_NE(g.find("[treeopen] top.pe_array.pe_0_0.\n"), std::string::npos);
  // GTKWave flags: 0x420 = right-justify + signed (decimal); 0x28 binary; 0x24 decimal.
  // Each trace carries a "<block>:<signal>" alias so GTKWave does not show bare leaf names.
  EXPECT_NE(g.find("@420\n+{pe_0_0:a} top.pe_array.pe_0_0.a[7:0]\n"), std::string::npos) << g;
  EXPECT_NE(g.find("@28\n+{pe_0_0:valid} top.pe_array.pe_0_0.valid\n"), std::string::npos) << g;
  EXPECT_NE(g.find("@24\n+{dma:bytes} top.dma.bytes[15:0]\n"), std::string::npos) << g;
  EXPECT_EQ(g.find("\n*"), std::string::npos) << "no zoom line without a cycle time";
  // 5 ns cycles: 2^-z = 20.4 x 5000 -> z = -17.
  const std::string z = gtkw_save_file("t.vcd", w.gtkw_signals(), 5000.0);
  EXPECT_NE(z.find("\n*-17.000000 -1 "), std::string::npos) << z;
  const std::string plain = gtkw_save_file("t.vcd", std::vector<std::string>{"top.x"});
  EXPECT_NE(plain.find("\ntop.x\n"), std::string::npos);
}

TEST_F(Vcd, ConvertsWithVcd2fst) {
  if (std::system("command -v vcd2fst >/dev/null 2>&1") != 0) GTEST_SKIP() << "vcd2fst absent";
  const std::string path = file("j.vcd");
  {
    VcdWriter w(path, TraceFilter(), 0, 0);
    const int a = w.add_signal("top.pe_array.pe_0_0.a", 8, true);
    const int v = w.add_signal("top.pe_array.pe_0_0.valid", 1);
    for (uint64_t c = 0; c < 20; ++c) {
      w.set_time(c, c * kPs);
      w.change(a, int64_t(c) - 10);
      w.change(v, int64_t(c & 1));
    }
    w.finish();
  }
  const std::string fst = file("j.fst");
  const std::string back = file("back.vcd");
  ASSERT_EQ(std::system(("vcd2fst '" + path + "' '" + fst + "' >/dev/null 2>&1").c_str()), 0);
  ASSERT_EQ(std::system(("fst2vcd '" + fst + "' > '" + back + "' 2>/dev/null").c_str()), 0);
  const ParsedVcd p = parse_vcd(back);
  EXPECT_EQ(p.vars.size(), 2u);
  EXPECT_EQ(p.vars.count("top.pe_array.pe_0_0.a"), 1u);
  bool saw_minus3 = false;  // c = 7: 7 - 10 = -3
  for (const Change& ch : p.changes)
    if (ch.name == "top.pe_array.pe_0_0.a" && ch.time == 7000) saw_minus3 = ch.value == "11111101";
  EXPECT_TRUE(saw_minus3);
}

}  // namespace
}  // namespace adasim::sim
