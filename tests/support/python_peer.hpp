#pragma once
// Runs a Python test peer (a local server speaking some protocol) for the duration of a test: starts
// `/usr/bin/python3 script args...`, waits for its first stdout line "READY <port> [<port>...]", and
// stops it (SIGTERM, then SIGKILL) when destroyed. Everything it serves is on 127.0.0.1.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace parley::test {

class PythonPeer {
 public:
  PythonPeer(const std::string& script, std::vector<std::string> args = {},
             std::chrono::milliseconds ready_timeout = std::chrono::seconds(15)) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    std::vector<std::string> argv_s{"/usr/bin/python3", "-u", script};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    int rc = posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    fd_ = out[0];
    if (rc != 0) throw std::runtime_error("cannot start " + script);
    auto line = read_line(ready_timeout);
    std::istringstream in(line);
    std::string word;
    in >> word;
    if (word != "READY") throw std::runtime_error(script + " did not get ready: '" + line + "'");
    int port = 0;
    while (in >> port) ports_.push_back(port);
  }

  ~PythonPeer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      for (int i = 0; i < 100; ++i) {
        if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
          pid_ = -1;
          break;
        }
        usleep(20000);
      }
      if (pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
      }
    }
    if (fd_ >= 0) close(fd_);
  }

  PythonPeer(const PythonPeer&) = delete;
  PythonPeer& operator=(const PythonPeer&) = delete;

  int port(std::size_t i = 0) const { return ports_.at(i); }
  std::string url(std::string scheme, std::string_view path, std::size_t i = 0) const {
    return scheme + "://127.0.0.1:" + std::to_string(port(i)) + std::string(path);
  }

  // The next line the peer prints (without the newline), or "" when none comes in time.
  std::string read_line(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      auto nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        auto line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return {};
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return {};
      char buf[4096];
      auto n = read(fd_, buf, sizeof buf);
      if (n <= 0) return {};
      buffer_.append(buf, static_cast<std::size_t>(n));
    }
  }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string buffer_;
  std::vector<int> ports_;
};

}  // namespace parley::test
