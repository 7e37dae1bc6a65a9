#include "table.h"

#include <sys/socket.h>

#include <algorithm>
#include <cstdio>
#include <functional>

#include "labels.h"

namespace retx::top {
namespace {

// Cuts s to w characters; keep_tail keeps the end (namespace names and
// addresses differ at the end), marking the cut with '~'.
std::string fit(const std::string& s, int w, bool keep_tail = false) {
  if (w <= 0) return "";
  if (static_cast<int>(s.size()) <= w) return s;
  if (keep_tail) return "~" + s.substr(s.size() - (w - 1));
  return s.substr(0, w - 1) + "~";
}

std::string pad(const std::string& s, int w, bool right, bool keep_tail) {
  std::string f = fit(s, w, keep_tail);
  std::string sp(w - static_cast<int>(f.size()), ' ');
  return right ? sp + f : f + sp;
}

std::string percent(double ratio) {
  char buf[16];
  double p = ratio * 100;
  std::snprintf(buf, sizeof buf, p < 10 ? "%.2f" : (p < 100 ? "%.1f" : "%.0f"), p);
  return buf;
}

std::string rtt_ms(std::uint64_t us) {
  char buf[16];
  std::snprintf(buf, sizeof buf, us < 100000 ? "%.1f" : "%.0f", static_cast<double>(us) / 1000.0);
  return buf;
}

std::string remote_of(const Conn& c) {
  std::string a = format_addr(c.family, c.raddr);
  return (c.family == AF_INET6 ? "[" + a + "]" : a) + ":" + std::to_string(c.rport);
}

std::string process_of(const Conn& c) {
  if (c.pid == 0) return "-";
  return std::to_string(c.pid) + "/" + c.comm;
}

struct Column {
  const char* title;
  int width;  // 0: takes the remaining width
  bool right;
  bool keep_tail;  // when cut: namespace names and addresses differ at the end
  std::function<std::string(const Row&)> cell;
};

constexpr int kRemoteMin = 15;
constexpr int kRttFrom = 90;  // terminal width from which the RTT column is shown

std::vector<Column> columns(int width, bool interval) {
  std::vector<Column> cols = {
      {"NETNS", 10, false, true,
       [](const Row& r) { return r.conn->netns_name.empty() ? std::to_string(r.conn->netns) : r.conn->netns_name; }},
      {"PROCESS", 13, false, false, [](const Row& r) { return process_of(*r.conn); }},
      {"LPORT", 5, true, false, [](const Row& r) { return std::to_string(r.conn->lport); }},
      {"REMOTE", 0, false, true, [](const Row& r) { return remote_of(*r.conn); }},
      {"STATE", 5, false, false, [](const Row& r) { return tcp_state_short(r.conn->state); }},
      {"+RTX", 5, true, false, [](const Row& r) { return short_count(r.interval_retrans); }},
      {"RETX", 6, true, false, [](const Row& r) { return short_count(r.conn->retrans_segs); }},
      {"RTX%", 5, true, false, [](const Row& r) { return percent(r.ratio); }},
      {"CAUSE", 6, false, false, [](const Row& r) { return main_cause(*r.conn); }},
  };
  if (width >= kRttFrom) {
    cols.insert(cols.end() - 1, {"RTTms", 6, true, false, [](const Row& r) { return rtt_ms(r.conn->srtt_us); }});
  }
  if (!interval) {
    cols.erase(std::find_if(cols.begin(), cols.end(), [](const Column& c) { return c.title == std::string("+RTX"); }));
  }
  return cols;
}

std::string render_line(const std::vector<Column>& cols, int width, const std::function<std::string(const Column&)>& text) {
  int fixed = 0;
  for (const auto& c : cols) fixed += c.width + 1;
  int flex = std::max(kRemoteMin, width - fixed);
  std::string line;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (i) line += ' ';
    line += pad(text(cols[i]), cols[i].width ? cols[i].width : flex, cols[i].right, cols[i].keep_tail);
  }
  line = fit(line, width);
  line.erase(line.find_last_not_of(' ') + 1);
  return line;
}

}  // namespace

std::string short_count(std::uint64_t n) {
  char buf[16];
  if (n < 100000) return std::to_string(n);
  if (n < 10000000) {
    std::snprintf(buf, sizeof buf, "%lluk", static_cast<unsigned long long>(n / 1000));
  } else {
    std::snprintf(buf, sizeof buf, "%.1fM", static_cast<double>(n) / 1e6);
  }
  return buf;
}

std::vector<std::string> render_table(const std::vector<Row>& rows, int width, bool interval) {
  auto cols = columns(width, interval);
  std::vector<std::string> out;
  out.push_back(render_line(cols, width, [](const Column& c) { return std::string(c.title); }));
  for (const auto& r : rows) out.push_back(render_line(cols, width, [&](const Column& c) { return c.cell(r); }));
  return out;
}

std::vector<std::string> render_screen(const ScreenInfo& info, const std::vector<Row>& rows, int width, int height) {
  char head[256];
  std::snprintf(head, sizeof head, "retx-top %s  every %.1fs  sort: %s  sockets: %s", info.clock.c_str(),
                info.interval_s, sort_key_name(info.sort), info.reader.c_str());
  char counts[200];
  std::snprintf(counts, sizeof counts, "%zu connections in %zu namespaces%s, %zu retransmitting  causes: %s",
                info.connections, info.namespaces,
                info.unreadable ? (" (+" + std::to_string(info.unreadable) + " unreadable)").c_str() : "",
                info.retransmitting, info.causes.c_str());
  std::vector<std::string> out = {fit(head, width), fit(counts, width)};
  // The keys first: a long filter may be cut, the keys must stay visible.
  std::string third = !info.prompt.empty()    ? info.prompt
                      : !info.message.empty() ? info.message
                                              : "i r t sort  n p c filter  x clear  q quit  filter: " + info.filter;
  out.push_back(fit(third, width));
  std::size_t room = height > 4 ? static_cast<std::size_t>(height - 4) : 0;
  std::vector<Row> shown(rows.begin(), rows.begin() + std::min(room, rows.size()));
  for (auto& l : render_table(shown, width)) out.push_back(std::move(l));
  while (static_cast<int>(out.size()) < height) out.emplace_back();
  out.resize(std::max(height, 0));
  return out;
}

}  // namespace retx::top
