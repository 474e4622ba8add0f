// SPDX-License-Identifier: Apache-2.0
// All-or-nothing output of a run. Every file a run writes (reports, the VCD and its save file,
// --dump-outputs tensors) goes into a hidden staging directory first; commit() moves the whole set
// into place at the end, and anything else (an error, an interruption, an exception) removes the
// staging directories and every directory the run created, so the target directories are left
// with the entries and contents they had before the run.
//
// Staging: a target directory that does not exist yet is staged as a sibling
// ("<parent>/.<name>.adasim-stage-<pid>") and committed by one rename(2) of the whole directory. An
// existing directory gets its staging directory inside ("<dir>/.adasim-stage-<pid>"); committing
// renames each staged file over its target after checking that nothing (a directory where a file
// goes) would stop a rename half-way; files it replaces are kept as hard links until the set is
// complete, so a failure part-way restores them. Target directories nested in one another (an
// --out inside the VCD's folder) share the staging directory of the outermost one.
#pragma once

#include <string>
#include <vector>

namespace adasim::sim {

class OutputTransaction {
 public:
  /// `dirs`: every directory the run writes into (duplicates and nesting allowed; "" is an
  /// error). Creates the staging directories, and the missing parents of the targets (removed
  /// again on rollback). Throws std::runtime_error naming the path when a target exists and is
  /// not a directory or cannot be written.
  explicit OutputTransaction(const std::vector<std::string>& dirs);
  /// Rolls back unless commit() succeeded. Never throws.
  ~OutputTransaction();
  OutputTransaction(const OutputTransaction&) = delete;
  OutputTransaction& operator=(const OutputTransaction&) = delete;

  /// Where to write the contents of target directory `dir` (one of the constructor's dirs, or a
  /// directory inside one) until commit(); created on demand.
  std::string staged_dir(const std::string& dir);
  /// Where to write the file `path` (inside one of the target directories) until commit().
  std::string staged_file(const std::string& path);

  /// Moves every staged file into place. On failure (std::runtime_error naming the path), the
  /// targets are restored and the transaction is rolled back.
  void commit();
  /// Removes the staging directories and the directories the transaction created. Idempotent.
  void rollback() noexcept;

 private:
  struct Root {
    std::string target;    ///< absolute, normalised target directory
    std::string stage;     ///< its staging directory
    bool existed = false;  ///< target existed when the transaction began (merge, else rename)
  };
  struct Replaced {
    std::string target;  ///< a file that existed before commit()
    std::string backup;  ///< hard link to its old contents ("" = it did not exist)
  };

  const Root& root_of(const std::string& abs_path) const;
  void check_mergeable(const std::string& stage_dir, const std::string& target_dir) const;
  void merge(const std::string& stage_dir, const std::string& target_dir, const Root& root);
  void restore() noexcept;

  std::vector<Root> roots_;
  std::vector<std::string> created_;  ///< directories created for targets, outermost first
  std::vector<Replaced> replaced_;    ///< commit progress, for restore()
  bool committed_ = false;
  bool rolled_back_ = false;
};

/// Writes `contents` to `path` (created or truncated). std::runtime_error naming the path and the
/// reason when it cannot be written completely.
void write_text_file(const std::string& path, const std::string& contents);

}  // namespace adasim::sim
