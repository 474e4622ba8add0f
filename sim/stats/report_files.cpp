// SPDX-License-Identifier: Apache-2.0
// FNV-1a run hashing and all-or-nothing writing of output files (temp file + rename), declared in
// report_writer.hpp.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include <unistd.h>  // getpid (POSIX)

#include "sim/stats/report_writer.hpp"

namespace adasim::sim {
namespace fs = std::filesystem;

std::string fnv1a64_hex(std::string_view bytes) {
  constexpr uint64_t kOffsetBasis = 0xcbf29ce484222325ULL;
  constexpr uint64_t kPrime = 0x100000001b3ULL;
  uint64_t h = kOffsetBasis;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= kPrime;
  }
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

namespace {

void remove_quietly(const std::vector<std::string>& paths) {
  for (const std::string& p : paths) {
    std::error_code ec;
    fs::remove(p, ec);
  }
}

/// Writes `contents` to a new, exclusively created temp file in `dir` and returns its path. The
/// file gets the usual 0666 & ~umask mode (unlike mkstemp's 0600), so reports stay readable.
std::string write_temp(const fs::path& dir, const std::string& name, const std::string& contents) {
  const std::string stem = (dir / ("." + name + ".tmp-" + std::to_string(::getpid()) + "-")).string();
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const std::string path = stem + std::to_string(attempt);
    std::FILE* f = std::fopen(path.c_str(), "wbx");  // "x": fail if it exists (C11, glibc)
    if (!f) {
      if (errno == EEXIST) continue;
      throw std::runtime_error("cannot create temp file '" + path + "': " + std::strerror(errno));
    }
    const bool ok = std::fwrite(contents.data(), 1, contents.size(), f) == contents.size();
    const bool closed = std::fclose(f) == 0;
    if (!ok || !closed) {
      const std::string why = std::strerror(errno);
      std::error_code ec;
      fs::remove(path, ec);
      throw std::runtime_error("cannot write '" + path + "': " + why);
    }
    return path;
  }
  throw std::runtime_error("cannot find a free temp file name like '" + stem + "N'");
}

}  // namespace

std::vector<std::string> write_files_atomically(
    const std::string& out_dir, const std::vector<std::pair<std::string, std::string>>& files) {
  const fs::path dir = out_dir.empty() ? fs::path(".") : fs::path(out_dir);
  for (const auto& [name, contents] : files)
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos)
      throw std::runtime_error("output file name '" + name + "' is not a plain file name (in '" +
                               dir.string() + "')");

  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw std::runtime_error("cannot create output directory '" + dir.string() +
                             "': " + (ec ? ec.message() : "exists and is not a directory"));

  std::vector<std::string> temps;
  std::vector<std::string> targets;
  try {
    for (const auto& [name, contents] : files) {
      temps.push_back(write_temp(dir, name, contents));
      targets.push_back((dir / name).string());
      // A directory in the way would make the rename fail half-way: refuse before renaming.
      if (fs::is_directory(targets.back()))
        throw std::runtime_error("cannot write '" + targets.back() + "': it is a directory");
    }
  } catch (...) {
    remove_quietly(temps);
    throw;
  }
  for (size_t i = 0; i < temps.size(); ++i) {
    if (std::rename(temps[i].c_str(), targets[i].c_str()) != 0) {
      const std::string why = std::strerror(errno);
      remove_quietly(std::vector<std::string>(temps.begin() + long(i), temps.end()));
      throw std::runtime_error("cannot rename '" + temps[i] + "' to '" + targets[i] + "': " + why);
    }
  }
  return targets;
}

}  // namespace adasim::sim
