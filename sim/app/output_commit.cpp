// SPDX-License-Identifier: Apache-2.0
#include "sim/app/output_commit.hpp"

#include <unistd.h>  // getpid, link (POSIX)

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace adasim::sim {
namespace fs = std::filesystem;
namespace {

constexpr const char* kBackupDir = ".adasim-backup";

[[noreturn]] void fail(const std::string& what, const fs::path& p, const std::string& why) {
  throw std::runtime_error(what + " '" + p.string() + "': " + why);
}

/// Absolute, normalised, symlinks of the existing prefix resolved, no trailing separator.
fs::path normal(const std::string& dir) {
  if (dir.empty()) throw std::runtime_error("an output path is empty (give a directory, e.g. out)");
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(dir), ec);
  if (ec) p = fs::absolute(dir).lexically_normal();
  if (p.has_relative_path() && p.filename().empty()) p = p.parent_path();
  return p;
}

bool inside(const fs::path& p, const fs::path& dir) {
  const fs::path rel = p.lexically_relative(dir);
  return !rel.empty() && *rel.begin() != "..";
}

/// A fresh directory "<base>N" (N = 0, 1, ...), created exclusively.
fs::path create_unique_dir(const std::string& base) {
  for (int n = 0; n < 1000; ++n) {
    const fs::path p = base + std::to_string(n);
    std::error_code ec;
    if (fs::create_directory(p, ec)) return p;
    if (ec) fail("cannot create the staging directory", p, ec.message());
  }
  throw std::runtime_error("no free staging directory name like '" + base + "N'");
}

}  // namespace

OutputTransaction::OutputTransaction(const std::vector<std::string>& dirs) {
  try {
    std::vector<fs::path> targets;
    for (const std::string& d : dirs) targets.push_back(normal(d));
    std::sort(targets.begin(), targets.end(), [](const fs::path& a, const fs::path& b) {
      return a.native().size() < b.native().size();
    });
    const std::string pid = std::to_string(::getpid());
    std::error_code ec;
    for (const fs::path& t : targets)  // nested targets too, before anything is created
      if (fs::exists(t, ec) && !fs::is_directory(t, ec))
        fail("cannot write into", t, "it exists and is not a directory");
    for (const fs::path& t : targets) {
      const bool nested = std::any_of(roots_.begin(), roots_.end(),
                                      [&](const Root& r) { return inside(t, r.target); });
      if (nested) continue;
      Root r;
      r.target = t.string();
      r.existed = fs::exists(t, ec);
      if (r.existed) {
        r.stage = create_unique_dir((t / (".adasim-stage-" + pid + "-")).string()).string();
      } else {
        std::vector<fs::path> missing;
        for (fs::path p = t.parent_path(); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
          missing.push_back(p);
          if (p == p.root_path()) break;
        }
        for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
          if (!fs::create_directory(*it, ec) && ec)
            fail("cannot create directory", *it, ec.message());
          created_.push_back(it->string());
        }
        if (!fs::is_directory(t.parent_path(), ec))
          fail("cannot create directory", t, "its parent is not a directory");
        r.stage = create_unique_dir((t.parent_path() /
                                     ("." + t.filename().string() + ".adasim-stage-" + pid + "-"))
                                        .string())
                      .string();
      }
      roots_.push_back(r);
    }
  } catch (...) {
    rollback();
    throw;
  }
}

OutputTransaction::~OutputTransaction() {
  if (!committed_) rollback();
}

const OutputTransaction::Root& OutputTransaction::root_of(const std::string& abs_path) const {
  for (const Root& r : roots_)
    if (abs_path == r.target || inside(abs_path, r.target)) return r;
  throw std::logic_error("OutputTransaction: '" + abs_path + "' is outside every output directory");
}

std::string OutputTransaction::staged_dir(const std::string& dir) {
  const fs::path abs = normal(dir);
  const Root& r = root_of(abs.string());
  const fs::path rel = abs.lexically_relative(r.target);
  const fs::path staged = rel == "." ? fs::path(r.stage) : fs::path(r.stage) / rel;
  std::error_code ec;
  fs::create_directories(staged, ec);
  if (ec) fail("cannot create directory", staged, ec.message());
  return staged.string();
}

std::string OutputTransaction::staged_file(const std::string& path) {
  const fs::path abs = normal(path);
  return (fs::path(staged_dir(abs.parent_path().string())) / abs.filename()).string();
}

void OutputTransaction::check_mergeable(const std::string& stage_dir,
                                        const std::string& target_dir) const {
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(stage_dir)) {
    if (e.path().filename() == kBackupDir) continue;
    const fs::path t = fs::path(target_dir) / e.path().filename();
    const bool target_is_dir = fs::is_directory(fs::symlink_status(t, ec));
    if (e.is_directory()) {
      if (fs::exists(fs::symlink_status(t, ec)) && !target_is_dir)
        fail("cannot write into", t, "it exists and is not a directory");
      if (target_is_dir) check_mergeable(e.path().string(), t.string());
    } else if (target_is_dir) {
      fail("cannot write", t, "it is a directory");
    }
  }
}

void OutputTransaction::merge(const std::string& stage_dir, const std::string& target_dir,
                              const Root& root) {
  std::vector<fs::directory_entry> entries;  // listed first: renaming while reading is unspecified
  for (const fs::directory_entry& e : fs::directory_iterator(stage_dir))
    if (e.path().filename() != kBackupDir) entries.push_back(e);
  std::error_code ec;
  for (const fs::directory_entry& e : entries) {
    const fs::path t = fs::path(target_dir) / e.path().filename();
    const bool exists = fs::exists(fs::symlink_status(t, ec));
    if (e.is_directory() && exists) {
      merge(e.path().string(), t.string(), root);
      continue;
    }
    Replaced rep{t.string(), ""};
    if (exists) {  // keep the old file reachable until the whole set is in place
      const fs::path backups = fs::path(root.stage) / kBackupDir;
      fs::create_directories(backups, ec);
      rep.backup = (backups / std::to_string(replaced_.size())).string();
      if (::link(t.c_str(), rep.backup.c_str()) != 0 &&
          std::rename(t.c_str(), rep.backup.c_str()) != 0)
        fail("cannot keep a copy of", t, std::strerror(errno));
    }
    if (std::rename(e.path().c_str(), t.c_str()) != 0) {
      const std::string why = std::strerror(errno);
      if (!rep.backup.empty()) replaced_.push_back(rep);
      fail("cannot move the new output into place at", t, why);
    }
    replaced_.push_back(rep);
  }
}

void OutputTransaction::commit() {
  if (committed_ || rolled_back_) throw std::logic_error("OutputTransaction: commit after the end");
  try {
    std::error_code ec;
    for (const Root& r : roots_)
      if (r.existed || fs::exists(r.target, ec)) check_mergeable(r.stage, r.target);
    for (const Root& r : roots_) {
      if (!r.existed && !fs::exists(r.target, ec)) {
        if (std::rename(r.stage.c_str(), r.target.c_str()) != 0)
          fail("cannot move the new output into place at", r.target, std::strerror(errno));
        replaced_.push_back(Replaced{r.target, ""});
      } else {
        merge(r.stage, r.target, r);
      }
    }
  } catch (...) {
    restore();
    rollback();
    throw;
  }
  committed_ = true;
  std::error_code ec;
  for (const Root& r : roots_) fs::remove_all(r.stage, ec);  // backups and emptied directories
}

void OutputTransaction::restore() noexcept {
  std::error_code ec;
  for (auto it = replaced_.rbegin(); it != replaced_.rend(); ++it) {
    if (it->backup.empty())
      fs::remove_all(it->target, ec);
    else
      std::rename(it->backup.c_str(), it->target.c_str());
  }
  replaced_.clear();
}

void OutputTransaction::rollback() noexcept {
  if (rolled_back_) return;
  rolled_back_ = true;
  std::error_code ec;
  for (const Root& r : roots_) fs::remove_all(r.stage, ec);
  for (auto it = created_.rbegin(); it != created_.rend(); ++it) fs::remove(*it, ec);  // if empty
}

void write_text_file(const std::string& path, const std::string& contents) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) fail("cannot create", path, std::strerror(errno));
  const bool written = std::fwrite(contents.data(), 1, contents.size(), f) == contents.size();
  const int write_errno = errno;
  const bool closed = std::fclose(f) == 0;
  if (!written || !closed) fail("cannot write", path, std::strerror(written ? errno : write_errno));
}

}  // namespace adasim::sim
