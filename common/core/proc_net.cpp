#include "proc_net.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace retx {
namespace {

// The next blank-separated word of `rest`, consumed; empty at the end. A plain
// loop: find_first_of calls memchr per character, a third of the parse.
std::string_view next_word(std::string_view& rest) {
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  size_t i = 0, n = rest.size();
  while (i < n && blank(rest[i])) ++i;
  size_t j = i;
  while (j < n && !blank(rest[j])) ++j;
  std::string_view w = rest.substr(i, j - i);
  rest.remove_prefix(j);
  return w;
}

std::vector<std::string_view> split_ws(std::string_view line) {
  std::vector<std::string_view> out;
  for (std::string_view w = next_word(line); !w.empty(); w = next_word(line)) out.push_back(w);
  return out;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string_view> non_empty_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::uint64_t number(std::string_view sv, int base, const std::string& what) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(sv.data(), sv.data() + sv.size(), v, base);
  if (ec != std::errc() || p != sv.data() + sv.size()) throw std::runtime_error("malformed " + what);
  return v;
}

// The line after `pos` (which is a line start), consumed.
std::string_view next_line(std::string_view text, size_t& pos) {
  size_t end = text.find('\n', pos);
  if (end == std::string_view::npos) end = text.size();
  std::string_view line = text.substr(pos, end - pos);
  pos = end + 1;
  return line;
}

// Walks a header line and its value line word by word, storing the wanted ones.
void store_fields(std::string_view head, std::string_view vals, std::string_view group,
                  std::span<const std::string_view> names, std::span<std::uint64_t> values) {
  for (;;) {
    std::string_view name = next_word(head), value = next_word(vals);
    if (name.empty() != value.empty()) {
      throw std::runtime_error("malformed SNMP counters near group '" + std::string(group) + "'");
    }
    if (name.empty()) return;
    for (size_t k = 0; k < names.size(); ++k) {
      if (names[k] != name) continue;
      values[k] = value[0] == '-' ? 0 : number(value, 10, "SNMP value for " + std::string(group) + "." + std::string(name));
    }
  }
}

}  // namespace

bool parse_proc_net_fields(std::string_view text, std::string_view group, std::span<const std::string_view> names,
                           std::span<std::uint64_t> values) {
  std::fill(values.begin(), values.end(), 0);
  size_t pos = 0;
  while (pos < text.size()) {
    std::string_view head = next_line(text, pos);
    std::string_view first = next_word(head);
    // "Tcp:" exactly: "TcpExt:" and "MPTcpExt:" are other groups.
    if (first.size() != group.size() + 1 || !first.starts_with(group) || first.back() != ':') continue;
    std::string_view vals = next_line(text, pos);
    if (next_word(vals) != first) {
      throw std::runtime_error("malformed SNMP counters near group '" + std::string(group) + "'");
    }
    store_fields(head, vals, group, names, values);
    return true;
  }
  return false;
}

void parse_proc_net(std::string_view text, ProcCounters& out) {
  const auto lines = non_empty_lines(text);
  for (size_t i = 0; i + 1 < lines.size(); i += 2) {
    auto names = split_ws(lines[i]);
    auto values = split_ws(lines[i + 1]);
    if (names.empty() || values.empty() || names[0] != values[0] || names.size() != values.size()) {
      throw std::runtime_error("malformed SNMP counters near group '" +
                               std::string(names.empty() ? "?" : names[0]) + "'");
    }
    std::string group(names[0].substr(0, names[0].size() - 1));  // drop ':'
    for (size_t k = 1; k < names.size(); ++k) {
      if (!values[k].empty() && values[k][0] == '-') continue;
      std::string key = group + "." + std::string(names[k]);
      out[key] = number(values[k], 10, "SNMP value for " + key);
    }
  }
}

// Receive columns: bytes packets errs drop ...; transmit from the 9th: bytes
// packets errs drop ... Lines without "name:" are the two header lines.
void parse_proc_net_dev(std::string_view text, ProcCounters& out) {
  std::uint64_t rx = 0, tx = 0;
  for (auto line : non_empty_lines(text)) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    auto f = split_ws(line.substr(colon + 1));
    const std::string what = "/proc/net/dev line of '" + std::string(line.substr(0, colon)) + "'";
    if (f.size() < 16) throw std::runtime_error("malformed " + what);
    rx += number(f[3], 10, what);
    tx += number(f[11], 10, what);
  }
  out["Dev.RxDrop"] = rx;
  out["Dev.TxDrop"] = tx;
}

void parse_softnet_stat(std::string_view text, ProcCounters& out) {
  std::uint64_t dropped = 0;
  for (auto line : non_empty_lines(text)) {
    auto f = split_ws(line);
    if (f.size() < 2) throw std::runtime_error("malformed /proc/net/softnet_stat line");
    dropped += number(f[1], 16, "/proc/net/softnet_stat value");
  }
  out["Softnet.Dropped"] = dropped;
}

ProcCounters read_drop_counters(const std::string& net_dir) {
  ProcCounters c;
  parse_proc_net_dev(slurp(net_dir + "/dev"), c);
  parse_softnet_stat(slurp(net_dir + "/softnet_stat"), c);
  return c;
}

ProcCounters read_proc_net(const std::string& net_dir) {
  ProcCounters c;
  parse_proc_net(slurp(net_dir + "/snmp"), c);
  parse_proc_net(slurp(net_dir + "/netstat"), c);
  return c;
}

std::uint64_t counter_or_zero(const ProcCounters& c, std::string_view key) {
  auto it = c.find(key);
  return it == c.end() ? 0 : it->second;
}

}  // namespace retx
