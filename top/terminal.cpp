#include "terminal.h"

#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

namespace retx::top {
namespace {

void write_all(const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    ssize_t n = write(STDOUT_FILENO, s.data() + off, s.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

constexpr const char* kEnter = "\x1b[?1049h\x1b[?25l";  // alternate screen, hide cursor
constexpr const char* kLeave = "\x1b[?25h\x1b[?1049l";  // show cursor, normal screen

}  // namespace

Terminal::Terminal() {
  if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
    throw NoTerminal("the interactive view needs a terminal on stdin and stdout; use --once (or --once --json)");
  }
  if (tcgetattr(STDIN_FILENO, &saved_) != 0) throw NoTerminal("cannot read the terminal's mode");
  termios raw = saved_;
  // Keys arrive one by one without echo; ISIG stays, so Ctrl-C is SIGINT.
  raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  tcsetattr(STDIN_FILENO, TCSANOW, &raw);
  write_all(kEnter);
}

Terminal::~Terminal() {
  write_all(kLeave);
  tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
}

void Terminal::size(int& width, int& height) const {
  winsize ws{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
    width = ws.ws_col;
    height = ws.ws_row;
  } else {
    width = 80;
    height = 24;
  }
}

void Terminal::draw(const std::vector<std::string>& lines) {
  std::string frame = "\x1b[H";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    frame += lines[i];
    frame += "\x1b[K";
    if (i + 1 < lines.size()) frame += "\r\n";
  }
  frame += "\x1b[J";
  write_all(frame);
}

int Terminal::read_key(int timeout_ms) {
  pollfd p{STDIN_FILENO, POLLIN, 0};
  int r = poll(&p, 1, timeout_ms < 0 ? 0 : timeout_ms);
  if (r <= 0) return -1;
  unsigned char c = 0;
  ssize_t n = read(STDIN_FILENO, &c, 1);
  if (n == 1) return c;
  if (n < 0 && errno == EINTR) return -1;
  return kClosed;  // the terminal went away (ssh dropped): nothing more will come
}

}  // namespace retx::top
