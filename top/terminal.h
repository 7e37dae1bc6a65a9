// The interactive screen in plain ANSI (VT100) sequences: raw keyboard
// input, the alternate screen, whole-frame redraws. Any terminal ssh or tmux
// offers understands these; no terminfo lookup is needed.
#pragma once

#include <termios.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace retx::top {

struct NoTerminal : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Terminal {
 public:
  // Throws NoTerminal when stdin or stdout is not a terminal.
  Terminal();
  ~Terminal();  // restores the terminal's mode and the normal screen
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  // Columns and rows; 80x24 when the size cannot be read.
  void size(int& width, int& height) const;
  void draw(const std::vector<std::string>& lines);
  // A key, -1 when timeout_ms passed or a signal interrupted the wait, or
  // kClosed when the terminal is gone.
  int read_key(int timeout_ms);
  static constexpr int kClosed = -2;

 private:
  termios saved_{};
};

}  // namespace retx::top
