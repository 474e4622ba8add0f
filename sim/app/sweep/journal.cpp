// SPDX-License-Identifier: Apache-2.0
// Journal and folder lock (journal.hpp). POSIX: open/write/fdatasync/ftruncate/flock.
#include "sim/app/sweep/journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sim/core/errors.hpp"

namespace adasim::sim::sweep {
namespace {

std::runtime_error io_error(const std::string& what, const std::string& path) {
  return std::runtime_error(what + " '" + path + "': " + std::strerror(errno));
}

/// Rows of `text`; the length of its complete lines goes to `complete`.
std::vector<nlohmann::json> parse_rows(const std::string& text, const std::string& path,
                                       size_t& complete) {
  std::vector<nlohmann::json> rows;
  complete = 0;
  size_t line = 0;
  while (true) {
    const size_t nl = text.find('\n', complete);
    if (nl == std::string::npos) break;
    ++line;
    const std::string body = text.substr(complete, nl - complete);
    complete = nl + 1;
    if (body.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("key"))
      throw ConfigError(path, "line " + std::to_string(line), body.substr(0, 80),
                        "a result row written by adasim sweep (remove the line, or the folder, "
                        "to go on)");
    rows.push_back(std::move(j));
  }
  return rows;
}

}  // namespace

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<nlohmann::json> read_journal(const std::string& path, size_t* torn_bytes) {
  const std::string text = read_text_file(path);
  size_t complete = 0;
  std::vector<nlohmann::json> rows = parse_rows(text, path, complete);
  if (torn_bytes) *torn_bytes = text.size() - complete;
  return rows;
}

Journal::Journal(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
  if (fd_ < 0) throw io_error("cannot open the sweep journal", path_);
  const std::string text = read_text_file(path_);
  size_t complete = 0;
  rows_ = parse_rows(text, path_, complete);
  torn_ = text.size() - complete;
  if (torn_ > 0 && ::ftruncate(fd_, off_t(complete)) != 0)
    throw io_error("cannot cut the torn last line of", path_);
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

void Journal::append(nlohmann::json row) {
  const std::string line = row.dump() + "\n";
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw io_error("cannot append to", path_);
    done += size_t(n);
  }
  if (::fdatasync(fd_) != 0) throw io_error("cannot flush", path_);
  rows_.push_back(std::move(row));
}

FolderLock::FolderLock(const std::string& dir) {
  const std::string path = dir + "/.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd_ < 0) throw io_error("cannot create the lock file", path);
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("another adasim sweep is running in '" + dir + "' (it holds " + path +
                             "); wait for it or use another --out");
  }
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace adasim::sim::sweep
