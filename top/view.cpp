#include "view.h"

#include <algorithm>
#include <charconv>

namespace retx::top {
namespace {

bool process_matches(const Conn& c, const std::string& p) {
  if (p.empty()) return true;
  int pid = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), pid);
  if (ec == std::errc() && end == p.data() + p.size()) return c.pid == pid;
  return c.comm.find(p) != std::string::npos;
}

std::optional<std::uint16_t> parse_port(const std::string& s) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

double sort_value(const Row& r, SortKey key) {
  switch (key) {
    case SortKey::Interval: return static_cast<double>(r.interval_retrans);
    case SortKey::Ratio: return r.ratio;
    case SortKey::Total: return static_cast<double>(r.conn->retrans_segs);
  }
  return 0;
}

void commit_prompt(ViewState& s) {
  auto& f = s.filter;
  switch (s.prompt) {
    case ViewState::Prompt::Netns:
      f.netns.clear();
      if (!s.input.empty()) f.netns.push_back(s.input);
      break;
    case ViewState::Prompt::Port:
      if (s.input.empty()) {
        f.port.reset();
      } else if (auto p = parse_port(s.input)) {
        f.port = p;
      } else {
        s.message = "port: '" + s.input + "' is not a number in 0..65535";
      }
      break;
    case ViewState::Prompt::Process: f.process = s.input; break;
    case ViewState::Prompt::None: break;
  }
  s.prompt = ViewState::Prompt::None;
  s.input.clear();
}

void edit_prompt(ViewState& s, int key) {
  if (key == kKeyEnter || key == '\n') {
    commit_prompt(s);
  } else if (key == kKeyEscape) {
    s.prompt = ViewState::Prompt::None;
    s.input.clear();
  } else if (key == kKeyBackspace || key == 8) {
    if (!s.input.empty()) s.input.pop_back();
  } else if (key >= 32 && key < 127 && s.input.size() < 64) {
    s.input.push_back(static_cast<char>(key));
  }
}

}  // namespace

bool netns_wanted(std::uint32_t inode, const std::string& name, const std::vector<std::string>& wanted) {
  if (wanted.empty()) return true;
  const std::string ino = std::to_string(inode);
  return std::any_of(wanted.begin(), wanted.end(),
                     [&](const std::string& w) { return w == ino || (!name.empty() && w == name); });
}

bool passes(const Conn& c, const Filter& f) {
  if (!netns_wanted(c.netns, c.netns_name, f.netns)) return false;
  if (f.port && c.lport != *f.port && c.rport != *f.port) return false;
  if (f.pid && c.pid != *f.pid) return false;
  if (!process_matches(c, f.process)) return false;
  return c.retrans_segs >= f.min_retrans;
}

PrevSample sample_of(const std::vector<Conn>& conns) {
  PrevSample s;
  s.reserve(conns.size());
  for (const auto& c : conns) s[c.cookie] = c.retrans_segs;
  return s;
}

std::vector<Row> select_rows(const std::vector<Conn>& now, const PrevSample& prev, const Filter& f, SortKey key,
                             std::size_t limit) {
  std::vector<Row> rows;
  for (const auto& c : now) {
    if (!passes(c, f)) continue;
    Row r{&c, c.retrans_segs, retrans_ratio(c)};
    if (auto it = prev.find(c.cookie); it != prev.end()) {
      r.interval_retrans = c.retrans_segs >= it->second ? c.retrans_segs - it->second : 0;
    }
    rows.push_back(r);
  }
  std::sort(rows.begin(), rows.end(), [key](const Row& a, const Row& b) {
    double va = sort_value(a, key), vb = sort_value(b, key);
    if (va != vb) return va > vb;
    if (a.conn->retrans_segs != b.conn->retrans_segs) return a.conn->retrans_segs > b.conn->retrans_segs;
    return a.conn->cookie < b.conn->cookie;
  });
  if (limit && rows.size() > limit) rows.resize(limit);
  return rows;
}

void apply_key(ViewState& s, int key) {
  s.message.clear();
  if (s.prompt != ViewState::Prompt::None) {
    edit_prompt(s, key);
    return;
  }
  switch (key) {
    case 'q': case 'Q': s.quit = true; break;
    case 'i': s.sort = SortKey::Interval; break;
    case 'r': s.sort = SortKey::Ratio; break;
    case 't': s.sort = SortKey::Total; break;
    case 'n': s.prompt = ViewState::Prompt::Netns; break;
    case 'p': s.prompt = ViewState::Prompt::Port; break;
    case 'c': s.prompt = ViewState::Prompt::Process; break;
    case 'x': s.filter = Filter{{}, std::nullopt, std::nullopt, "", s.filter.min_retrans}; break;
    case ' ': s.refresh_now = true; break;
    default: break;
  }
}

std::string describe_filter(const Filter& f) {
  std::string out;
  auto add = [&](const std::string& part) { out += (out.empty() ? "" : " ") + part; };
  if (!f.netns.empty()) {
    std::string ns;
    for (const auto& n : f.netns) ns += (ns.empty() ? "" : ",") + n;
    add("netns=" + ns);
  }
  if (f.port) add("port=" + std::to_string(*f.port));
  if (f.pid) add("pid=" + std::to_string(*f.pid));
  if (!f.process.empty()) add("process=" + f.process);
  if (f.min_retrans) add("min-retrans=" + std::to_string(f.min_retrans));
  return out.empty() ? "none" : out;
}

}  // namespace retx::top
