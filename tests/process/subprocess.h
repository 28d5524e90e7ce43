// Subprocess: runs the real `ordo` binary for process-level tests (crash, signals, CLI).
// POSIX fork/exec with stdout+stderr captured through a pipe. Not thread-safe.
//
//   Subprocess p({ORDO_BINARY, "serve", "--db", url, "--listen", "127.0.0.1:0"});
//   auto port = p.wait_for_port();        // parses "serving on http://127.0.0.1:PORT"
//   p.kill(SIGKILL); p.wait();
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ordo::testing {

class Subprocess {
 public:
  explicit Subprocess(std::vector<std::string> argv, std::map<std::string, std::string> env = {});
  ~Subprocess();  // SIGKILLs a process still running

  // Reads output until a line announces the listening port; nullopt on exit or timeout.
  std::optional<std::uint16_t> wait_for_port(std::chrono::seconds timeout = std::chrono::seconds(30));
  void kill(int signal);
  // Waits for exit; returns the exit status (128+signal when killed), nullopt on timeout.
  std::optional<int> wait(std::chrono::seconds timeout = std::chrono::seconds(30));
  const std::string& output();  // everything read so far (drains the pipe when exited)
  pid_t pid() const { return pid_; }

 private:
  bool read_some(int timeout_ms);
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string output_;
  std::optional<int> status_;
};

// Runs a command to completion; returns {exit status, output}.
std::pair<int, std::string> run_command(std::vector<std::string> argv, std::map<std::string, std::string> env = {});

}  // namespace ordo::testing
