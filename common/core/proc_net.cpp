#include "proc_net.h"

#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace retx {
namespace {

std::vector<std::string_view> split_ws(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

void parse_proc_net(std::string_view text, ProcCounters& out) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  for (size_t i = 0; i + 1 < lines.size(); i += 2) {
    auto names = split_ws(lines[i]);
    auto values = split_ws(lines[i + 1]);
    if (names.empty() || values.empty() || names[0] != values[0] || names.size() != values.size()) {
      throw std::runtime_error("malformed SNMP counters near group '" +
                               std::string(names.empty() ? "?" : names[0]) + "'");
    }
    std::string group(names[0].substr(0, names[0].size() - 1));  // drop ':'
    for (size_t k = 1; k < names.size(); ++k) {
      std::uint64_t v = 0;
      auto sv = values[k];
      if (!sv.empty() && sv[0] == '-') continue;
      auto [p, ec] = std::from_chars(sv.data(), sv.data() + sv.size(), v);
      if (ec != std::errc() || p != sv.data() + sv.size()) {
        throw std::runtime_error("malformed SNMP value for " + group + "." + std::string(names[k]));
      }
      out[group + "." + std::string(names[k])] = v;
    }
  }
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
