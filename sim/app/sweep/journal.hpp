// SPDX-License-Identifier: Apache-2.0
// The sweep journal (results.jsonl): one JSON row per finished work item, the source of truth
// that results.csv is rebuilt from. Each row is one write() of a whole line on an O_APPEND
// descriptor followed by fdatasync, so a killed sweep (Ctrl-C, kill -9, a pre-empted node) loses
// at most the row being written, and that row is a torn last line without its newline, which
// opening the journal cuts off. A lock file keeps two sweeps out of one folder.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace adasim::sim::sweep {

/// The bytes of a file ("" when it cannot be read).
std::string read_text_file(const std::string& path);

/// Rows of a journal file (missing file: none). A torn last line is ignored and counted in
/// `torn_bytes`. A complete line that is not a JSON object is a ConfigError naming the line.
std::vector<nlohmann::json> read_journal(const std::string& path, size_t* torn_bytes = nullptr);

class Journal {
 public:
  /// Opens (creating) the journal, cutting off a torn last line, and reads its rows.
  explicit Journal(std::string path);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  const std::vector<nlohmann::json>& rows() const { return rows_; }
  size_t torn_bytes() const { return torn_; }
  /// Appends one row durably (one line, one write, fdatasync). Throws std::runtime_error on I/O
  /// failure.
  void append(nlohmann::json row);

 private:
  std::string path_;
  int fd_ = -1;
  size_t torn_ = 0;
  std::vector<nlohmann::json> rows_;
};

/// An exclusive lock on `dir`/.lock held for the object's lifetime (flock: released by the kernel
/// when the process dies, so a kill -9 leaves no stale lock). Throws std::runtime_error when
/// another process holds it.
class FolderLock {
 public:
  explicit FolderLock(const std::string& dir);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace adasim::sim::sweep
