#include "process/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <regex>
#include <stdexcept>
#include <thread>

namespace ordo::testing {

Subprocess::Subprocess(std::vector<std::string> argv, std::map<std::string, std::string> env) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  out_fd_ = fds[0];
}

Subprocess::~Subprocess() {
  if (!status_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
}

bool Subprocess::read_some(int timeout_ms) {
  pollfd p{out_fd_, POLLIN, 0};
  if (poll(&p, 1, timeout_ms) <= 0) return false;
  char buf[4096];
  ssize_t n = read(out_fd_, buf, sizeof buf);
  if (n <= 0) return false;
  output_.append(buf, static_cast<std::size_t>(n));
  return true;
}

std::optional<std::uint16_t> Subprocess::wait_for_port(std::chrono::seconds timeout) {
  static const std::regex re(R"(serving on http://[^:\s]+:(\d+))");
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    if (std::regex_search(output_, m, re)) return static_cast<std::uint16_t>(std::stoi(m[1]));
    if (!read_some(100)) {
      int st;
      if (waitpid(pid_, &st, WNOHANG) == pid_) {
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        while (read_some(0)) {}
        return std::nullopt;
      }
    }
  }
  return std::nullopt;
}

void Subprocess::kill(int signal) {
  if (!status_) ::kill(pid_, signal);
}

std::optional<int> Subprocess::wait(std::chrono::seconds timeout) {
  if (status_) return status_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int st;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      while (read_some(0)) {}
      return status_;
    }
    read_some(20);
  }
  return std::nullopt;
}

const std::string& Subprocess::output() {
  while (read_some(0)) {}
  return output_;
}

std::pair<int, std::string> run_command(std::vector<std::string> argv, std::map<std::string, std::string> env) {
  Subprocess p(std::move(argv), std::move(env));
  auto st = p.wait(std::chrono::seconds(120));
  return {st.value_or(-1), p.output()};
}

}  // namespace ordo::testing
