// The table as lines of text: fixed columns that fit 80 characters, the
// remote address taking what is left (an RTT column appears from 90). Pure:
// the interactive screen and --once print these lines as they are.
#pragma once

#include <string>
#include <vector>

#include "view.h"

namespace retx::top {

// What the first lines of the interactive screen say.
struct ScreenInfo {
  std::string clock;   // "12:34:56"
  double interval_s = 2;
  SortKey sort = SortKey::Interval;
  std::string reader;  // "iter/tcp" or "inet_diag"
  std::string causes;  // where causes come from, short
  std::size_t connections = 0, namespaces = 0, retransmitting = 0;
  std::size_t unreadable = 0;  // namespaces that vanished or refused while being read
  std::string filter;  // describe_filter()
  std::string prompt;  // "port> 80" while a prompt is open
  std::string message;
};

// The column header line and one line per row, each at most `width` wide.
// Without an interval (--once reads once) the +RTX column is left out.
std::vector<std::string> render_table(const std::vector<Row>& rows, int width, bool interval = true);

// A whole screen of `height` lines (header, table, then blank lines).
std::vector<std::string> render_screen(const ScreenInfo& info, const std::vector<Row>& rows, int width, int height);

// 1234 -> "1234", 123456 -> "123k", 12345678 -> "12.3M": fits 5 characters.
std::string short_count(std::uint64_t n);

}  // namespace retx::top
