// SPDX-License-Identifier: Apache-2.0
// SystemC elaborates one design per process, so a test that compares two simulations runs each in
// a child process (fork: a fresh kernel) and gets back the figures it compares. The function run
// in the child must not use gtest assertions (they would be lost with the child); it returns the
// figures and the parent asserts on them.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace adasim::test {

/// Runs `fn` in a child process and returns the numbers it produced. Throws std::runtime_error if
/// the child threw, crashed or returned nothing.
inline std::vector<double> in_child(const std::function<std::vector<double>()>& fn) {
  std::fflush(nullptr);  // no buffered output written twice
  int fd[2];
  if (pipe(fd) != 0) throw std::runtime_error("in_child: pipe failed");
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("in_child: fork failed");
  if (pid == 0) {
    close(fd[0]);
    int code = 0;
    try {
      const std::vector<double> out = fn();
      const size_t n = out.size();
      const bool ok = write(fd[1], &n, sizeof n) == ssize_t(sizeof n) &&
                      write(fd[1], out.data(), n * sizeof(double)) == ssize_t(n * sizeof(double));
      code = ok ? 0 : 4;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "in_child: %s\n", e.what());
      code = 3;
    } catch (...) {
      code = 3;
    }
    close(fd[1]);
    _exit(code);
  }
  close(fd[1]);
  size_t n = 0;
  std::vector<double> out;
  bool ok = read(fd[0], &n, sizeof n) == ssize_t(sizeof n);
  if (ok) {
    out.resize(n);
    size_t got = 0;
    char* p = reinterpret_cast<char*>(out.data());
    while (got < n * sizeof(double)) {
      const ssize_t r = read(fd[0], p + got, n * sizeof(double) - got);
      if (r <= 0) break;
      got += size_t(r);
    }
    ok = got == n * sizeof(double);
  }
  close(fd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("in_child: the child failed (status " + std::to_string(status) + ")");
  return out;
}

}  // namespace adasim::test
