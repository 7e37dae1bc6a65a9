// Running iproute2 / nft / tc / ethtool as child processes, checked.
//
// Contract: argv is passed to execvp as is (never through a shell), so names
// coming from scenario files cannot inject commands. stdout and stderr are
// captured; a command that exits non-zero (or runs past its timeout, then it
// is killed) makes run_cmd throw CmdError whose what() names the command line
// and quotes its stderr. try_cmd returns the result instead of throwing.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace retx::lab {

struct CmdResult {
  int exit_code = -1;  // -1: killed by a signal or the timeout
  std::string out;
  std::string err;
};

class CmdError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The first line of a tool's message, without the trailing newline.
std::string first_line(const std::string& text);

// Joins argv for messages ("ip -n rxl-1-0-r link set ...").
std::string format_argv(const std::vector<std::string>& argv);

CmdResult try_cmd(const std::vector<std::string>& argv, const std::string& stdin_data = {},
                  std::chrono::milliseconds timeout = std::chrono::seconds(20));

// Throws CmdError("`ARGV` failed (exit N): STDERR") unless the command exits 0.
CmdResult run_cmd(const std::vector<std::string>& argv, const std::string& stdin_data = {},
                  std::chrono::milliseconds timeout = std::chrono::seconds(20));

}  // namespace retx::lab
