// Child processes for end-to-end tests: run `kg` to completion with a time bound, or keep `kgd`
// running in the background on a free loopback port.
#ifndef KG_TESTS_E2E_PROCESS_H_
#define KG_TESTS_E2E_PROCESS_H_

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace kg::e2e {

struct RunResult {
  int exit_code = -1;  // -1: killed (timeout or signal)
  std::string out, err;
};

inline pid_t Spawn(const std::vector<std::string>& argv, int out_fd, int err_fd) {
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    if (out_fd >= 0) dup2(out_fd, 1);
    if (err_fd >= 0) dup2(err_fd, 2);
    for (int fd = 3; fd < 256; ++fd) close(fd);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

// Runs to completion (killed after `timeout`), collecting stdout and stderr. `on_line` sees each
// stdout line as it arrives and may return false to stop reading early (the process is left
// running and then waited for).
inline RunResult Run(const std::vector<std::string>& argv,
                     std::chrono::milliseconds timeout = std::chrono::seconds(120),
                     const std::function<bool(const std::string&)>& on_line = nullptr) {
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return {};
  pid_t pid = Spawn(argv, out_pipe[1], err_pipe[1]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  RunResult r;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool out_open = true, err_open = true, watching = on_line != nullptr;
  std::string pending;
  while (out_open || err_open) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(pid, SIGKILL);
      break;
    }
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    if (poll(fds, 2, static_cast<int>(std::min<int64_t>(left.count(), 200))) < 0) break;
    char buf[65536];
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        (i == 0 ? out_open : err_open) = false;
        continue;
      }
      (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      if (i == 0 && watching) {
        pending.append(buf, static_cast<size_t>(n));
        for (size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
          std::string line = pending.substr(0, nl);
          pending.erase(0, nl + 1);
          if (watching && !on_line(line)) watching = false;
        }
      }
    }
  }
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// kgd in the background: `--listen=127.0.0.1:0` and `--port_file`, so the port is free and known.
class Kgd {
 public:
  Kgd(std::string binary, std::string data_dir, std::string work_dir,
      std::vector<std::string> extra = {})
      : binary_(std::move(binary)),
        data_dir_(std::move(data_dir)),
        work_(std::move(work_dir)),
        extra_(std::move(extra)) {}
  ~Kgd() { Kill(SIGKILL); }

  // Starts and waits (bounded) until it serves. False when it did not come up.
  bool Start() {
    // Named after the data directory: several kgd may share `work_`.
    std::string name = data_dir_.substr(data_dir_.find_last_of('/') + 1);
    port_file_ = work_ + "/" + name + ".port." + std::to_string(++starts_);
    log_ = work_ + "/" + name + ".kgd." + std::to_string(starts_) + ".log";
    unlink(port_file_.c_str());
    std::vector<std::string> argv = {binary_, "--data_dir=" + data_dir_, "--listen=127.0.0.1:0",
                                     "--port_file=" + port_file_, "--shutdown_grace_ms=5000"};
    argv.insert(argv.end(), extra_.begin(), extra_.end());
    int log_fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_ = Spawn(argv, log_fd, log_fd);
    close(log_fd);
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < until) {
      std::string port = ReadFileOrEmpty(port_file_);
      if (!port.empty()) {
        port_ = std::stoi(port);
        return true;
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  // Sends `sig` and waits (bounded) for the exit; returns the exit code, or -1 when killed by a
  // signal or still running after the wait.
  int Kill(int sig, std::chrono::seconds wait = std::chrono::seconds(30)) {
    if (pid_ <= 0) return -1;
    kill(pid_, sig);
    auto until = std::chrono::steady_clock::now() + wait;
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > until) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string log() const { return ReadFileOrEmpty(log_); }

 private:
  std::string binary_, data_dir_, work_;
  std::vector<std::string> extra_;
  std::string port_file_, log_;
  pid_t pid_ = -1;
  int port_ = 0;
  int starts_ = 0;
};

}  // namespace kg::e2e

#endif  // KG_TESTS_E2E_PROCESS_H_
