// SPDX-License-Identifier: Apache-2.0
// The all-or-nothing output of a run: staged files appear only at commit(), everything else
// (rollback, destruction, a failing commit) leaves the target directories with the entries and
// contents they had. Directory snapshots are compared entry by entry.
#include "sim/app/output_commit.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace adasim::sim {
namespace {
namespace fs = std::filesystem;

/// Every entry under `dir` (relative path -> contents, "<dir>" for directories).
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string rel = fs::relative(e.path(), dir).string();
    if (e.is_directory()) {
      out[rel] = "<dir>";
    } else {
      std::ifstream in(e.path(), std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      out[rel] = ss.str();
    }
  }
  return out;
}

void put(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

class OutputCommit : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::path(::testing::TempDir()) / (std::string("adasim_commit_") + info->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(OutputCommit, NewDirectoryAppearsOnlyAtCommitWithEveryFile) {
  const fs::path out = root_ / "a" / "b" / "out";  // a and b do not exist either
  {
    OutputTransaction tx({out.string()});
    write_text_file(tx.staged_file((out / "report.json").string()), "{}\n");
    write_text_file(tx.staged_file((out / "trace" / "t.vcd").string()), "$end\n");
    EXPECT_FALSE(fs::exists(out));
    tx.commit();
  }
  const std::map<std::string, std::string> want = {
      {"report.json", "{}\n"}, {"trace", "<dir>"}, {"trace/t.vcd", "$end\n"}};
  EXPECT_EQ(snapshot(out), want);
  // No staging directory is left next to it.
  EXPECT_EQ(snapshot(root_ / "a" / "b").size(), want.size() + 1);
}

TEST_F(OutputCommit, RollbackRemovesStagesAndCreatedParents) {
  const fs::path out = root_ / "x" / "y" / "out";
  put(root_ / "keep.txt", "keep");
  const auto before = snapshot(root_);
  {
    OutputTransaction tx({out.string(), (root_ / "dump").string()});
    write_text_file(tx.staged_file((out / "report.json").string()), "{}");
    write_text_file(tx.staged_file((root_ / "dump" / "output_0.pb").string()), "pb");
    // destroyed without commit
  }
  EXPECT_EQ(snapshot(root_), before);
}

TEST_F(OutputCommit, ExistingDirectoryKeepsOtherFilesAndGetsTheNewSet) {
  const fs::path out = root_ / "out";
  put(out / "report.json", "old json");
  put(out / "notes.txt", "mine");
  put(out / "sub" / "old.txt", "old");
  {
    OutputTransaction tx({out.string()});
    write_text_file(tx.staged_file((out / "report.json").string()), "new json");
    write_text_file(tx.staged_file((out / "report.csv").string()), "new csv");
    write_text_file(tx.staged_file((out / "sub" / "t.vcd").string()), "vcd");
    // Before commit the directory holds the old contents plus the hidden staging directory.
    std::map<std::string, std::string> mid = snapshot(out);
    EXPECT_EQ(mid.at("report.json"), "old json");
    EXPECT_EQ(mid.count("report.csv"), 0u);
    tx.commit();
  }
  const std::map<std::string, std::string> want = {
      {"notes.txt", "mine"}, {"report.csv", "new csv"}, {"report.json", "new json"},
      {"sub", "<dir>"},      {"sub/old.txt", "old"},    {"sub/t.vcd", "vcd"}};
  EXPECT_EQ(snapshot(out), want);
}

TEST_F(OutputCommit, ExistingDirectoryIsUntouchedByARollback) {
  const fs::path out = root_ / "out";
  put(out / "report.json", "old json");
  const auto before = snapshot(out);
  {
    OutputTransaction tx({out.string(), (out / "trace").string()});  // nested: one stage
    write_text_file(tx.staged_file((out / "report.json").string()), "new");
    write_text_file(tx.staged_file((out / "trace" / "t.vcd").string()), "vcd");
    tx.rollback();
  }
  EXPECT_EQ(snapshot(out), before);
}

TEST_F(OutputCommit, ADirectoryInTheWayFailsBeforeAnyFileMoves) {
  const fs::path out = root_ / "out";
  put(out / "report.json", "old json");
  fs::create_directories(out / "report.csv");  // where a file must go
  const auto before = snapshot(out);
  OutputTransaction tx({out.string()});
  write_text_file(tx.staged_file((out / "report.json").string()), "new json");
  write_text_file(tx.staged_file((out / "report.csv").string()), "new csv");
  try {
    tx.commit();
    FAIL() << "commit over a directory succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find((out / "report.csv").string()), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(snapshot(out), before);  // report.json still the old one, no stage left
}

TEST_F(OutputCommit, AFileWhereTheDirectoryGoesIsRefusedUpFront) {
  put(root_ / "out", "a file");
  try {
    OutputTransaction tx({(root_ / "out").string()});
    FAIL() << "a file accepted as output directory";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not a directory"), std::string::npos) << e.what();
  }
  EXPECT_EQ(snapshot(root_), (std::map<std::string, std::string>{{"out", "a file"}}));
  EXPECT_THROW(OutputTransaction({""}), std::runtime_error);
}

TEST_F(OutputCommit, WriteTextFileNamesThePathOnFailure) {
  try {
    write_text_file((root_ / "missing" / "x.txt").string(), "x");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing/x.txt"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace adasim::sim
