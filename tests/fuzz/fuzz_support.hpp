// SPDX-License-Identifier: Apache-2.0
// Shared pieces of the libFuzzer harnesses (tests/fuzz/README.md): the input as a file (the
// loaders are fuzzed through the same path-taking entry points the CLI uses) and the outcome
// rules. A bad input may only end in a sim::ConfigError whose every issue names the file and a
// location and carries no library exception text; anything else (another exception, a ModelError,
// a crash, a sanitizer report, a leak) is a finding and aborts the run.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include "sim/core/errors.hpp"

namespace adasim::fuzz {

[[noreturn]] inline void die(const std::string& why) {
  std::fprintf(stderr, "FUZZ FINDING: %s\n", why.c_str());
  std::fflush(stderr);
  std::abort();
}

/// A file holding the current input, reused by every execution of this process.
class InputFile {
 public:
  /// In $TMPDIR, else /dev/shm (memory: rewriting a file on ext4 flushes it, 4 ms a time), else
  /// /tmp.
  explicit InputFile(const std::string& extension) {
    const char* env = std::getenv("TMPDIR");
    const std::filesystem::path dir = env && *env                                 ? env
                                      : std::filesystem::is_directory("/dev/shm") ? "/dev/shm"
                                                                                  : "/tmp";
    path_ = (dir / ("adasim_fuzz_" + std::to_string(::getpid()) + extension)).string();
  }
  ~InputFile() { std::remove(path_.c_str()); }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  /// Writes the bytes and returns the path.
  const std::string& write(const uint8_t* data, size_t size) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
    if (!out.flush()) die("cannot write the fuzz input file " + path_);
    return path_;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// A library exception text (nlohmann, libstdc++) in `message` that is not in the user's `input`
/// (the fuzzer learns such strings and puts them into inputs, which may be quoted back).
inline bool has_library_text(const std::string& message, const std::string& input) {
  for (const char* bad : {"[json.exception", "std::", "basic_string", "vector::", "map::at",
                          "bad_alloc", "bad_optional", "filesystem error"})
    if (message.find(bad) != std::string::npos && input.find(bad) == std::string::npos) return true;
  return false;
}

/// Checks a ConfigError raised for `input`: every issue names a file, a location, the value and
/// the expectation, free of library text.
inline void check_config_error(const sim::ConfigError& e, const std::string& input) {
  if (e.issues().empty()) die("ConfigError without issues: " + std::string(e.what()));
  for (const sim::InputIssue& i : e.issues()) {
    const std::string text = i.render();
    if (i.file.empty()) die("issue names no file: " + text);
    // Only a file that is not a protobuf message at all has no location inside it.
    const bool whole_file = i.value.rfind("bytes that do not parse as a protobuf", 0) == 0;
    if (i.where.empty() && !whole_file) die("issue names no location: " + text);
    if (i.value.empty() || i.expected.empty()) die("issue without value or expectation: " + text);
    if (has_library_text(text, input)) die("library text in an issue: " + text);
  }
}

/// Runs `body` on `input`; a ConfigError is checked and accepted, anything else is a finding.
template <class F>
void expect_clean(const std::string& input, F&& body) {
  try {
    body();
  } catch (const sim::ConfigError& e) {
    check_config_error(e, input);
  } catch (const sim::ModelError& e) {
    die(std::string("ModelError on user input: ") + e.what());
  } catch (const std::exception& e) {
    die(std::string("unexpected exception: ") + e.what());
  } catch (...) {
    die("unexpected non-standard exception");
  }
}

template <class F>
void expect_clean(const uint8_t* data, size_t size, F&& body) {
  expect_clean(std::string(reinterpret_cast<const char*>(data), size), std::forward<F>(body));
}

}  // namespace adasim::fuzz
