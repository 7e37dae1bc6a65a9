#include "options.h"

#include <sys/capability.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <set>

namespace retx {
namespace {

std::uint64_t parse_uint(const std::string& flag, const std::string& v, std::uint64_t lo, std::uint64_t hi) {
  std::uint64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size() || out < lo || out > hi) {
    throw ParseError(flag + ": expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                     "], got '" + v + "'");
  }
  return out;
}

double parse_seconds(const std::string& flag, const std::string& v) {
  double d = -1;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (!v.empty() && ec == std::errc() && p == v.data() + v.size() && d >= 0 && d <= 86400) return d;
  throw ParseError(flag + ": expected seconds in [0, 86400], got '" + v + "'");
}

AttachMode parse_attach(const std::string& v) {
  if (v == "auto") return AttachMode::Auto;
  if (v == "tp_btf") return AttachMode::TpBtf;
  if (v == "raw_tp") return AttachMode::RawTp;
  if (v == "tracepoint") return AttachMode::Tracepoint;
  throw ParseError("--attach: expected auto, tp_btf, raw_tp or tracepoint, got '" + v + "'");
}

// Comma-separated, every entry non-empty: "a,,b" is a typo, not two entries.
std::vector<std::string> split_list(const std::string& flag, const std::string& v) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = v.find(',', start);
    std::string item = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item.empty()) throw ParseError(flag + ": empty entry in '" + v + "'");
    out.push_back(item);
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

// An inode (1 to 2^32-1) or a name `ip netns` could have made under /run/netns.
void check_netns_entry(const std::string& e) {
  if (std::all_of(e.begin(), e.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    parse_uint("--netns", e, 1, 0xffffffffULL);
    return;
  }
  bool printable = std::all_of(e.begin(), e.end(), [](char c) { return std::isgraph(static_cast<unsigned char>(c)); });
  if (e == "." || e == ".." || e.size() > 255 || e.find('/') != std::string::npos || !printable) {
    throw ParseError("--netns: '" + e + "' is neither an inode nor a /run/netns name");
  }
}

// Served verbatim as the one metrics path: keep it a plain absolute path.
std::string check_telemetry_path(const std::string& flag, const std::string& v) {
  bool plain = std::all_of(v.begin(), v.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("/-_.~").find(c) != std::string_view::npos;
  });
  if (v.size() < 2 || v.size() > 256 || v[0] != '/' || !plain || v.find("//") != std::string::npos ||
      v.find("/./") != std::string::npos || v.find("/../") != std::string::npos || v.ends_with("/.") ||
      v.ends_with("/..") || v == "/healthz") {
    throw ParseError(flag + ": expected an absolute path such as /metrics (letters, digits, - _ . ~ /; not / or "
                            "/healthz), got '" + v + "'");
  }
  return v;
}

CapabilityKeep parse_capabilities(const std::string& flag, const std::string& v) {
  CapabilityKeep k;
  if (v == "auto" || v == "all" || v == "none") {
    k.mode = v == "auto" ? CapabilityKeep::Mode::Auto : v == "all" ? CapabilityKeep::Mode::All : CapabilityKeep::Mode::None;
    return k;
  }
  k.mode = CapabilityKeep::Mode::List;
  std::set<int> seen;
  for (std::string name : split_list(flag, v)) {
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!name.starts_with("cap_")) name = "cap_" + name;
    cap_value_t cap = 0;
    // cap_from_name also takes numbers; only names are documented.
    bool numeric = std::isdigit(static_cast<unsigned char>(name[4])) != 0;
    if (name.size() == 4 || numeric || cap_from_name(name.c_str(), &cap) != 0) {
      throw ParseError(flag + ": unknown capability '" + name + "' (expected auto, all, none or names like cap_sys_ptrace)");
    }
    if (seen.insert(cap).second) k.caps.push_back(cap);
  }
  return k;
}

struct FlagSpec {
  std::vector<std::string> names;
  bool takes_value;
  std::function<void(Options&, const std::string& flag, const std::string& value)> apply;
};

const std::vector<FlagSpec>& flag_table() {
  static const std::vector<FlagSpec> table = {
      {{"--listen", "-l", "--web.listen-address"}, true,
       [](Options& o, const std::string& f, const std::string& v) { o.listen = parse_listen_address(f, v); }},
      {{"--web.telemetry-path"}, true,
       [](Options& o, const std::string& f, const std::string& v) { o.telemetry_path = check_telemetry_path(f, v); }},
      {{"--web.config.file"}, true,
       [](Options& o, const std::string& f, const std::string& v) {
         if (v.empty()) throw ParseError(f + ": expected a file path");
         o.web_config_file = v;
       }},
      {{"--capabilities.keep"}, true,
       [](Options& o, const std::string& f, const std::string& v) { o.keep_caps = parse_capabilities(f, v); }},
      {{"--peer-labels"}, false, [](Options& o, const std::string&, const std::string&) { o.peer_labels = true; }},
      {{"--cgroup-labels"}, false, [](Options& o, const std::string&, const std::string&) { o.cgroup_labels = true; }},
      {{"--series-budget"}, true,
       [](Options& o, const std::string& f, const std::string& v) {
         o.series_budget = static_cast<std::uint32_t>(parse_uint(f, v, 1, 1000000));
       }},
      {{"--netns"}, true,
       [](Options& o, const std::string& f, const std::string& v) {
         for (auto& e : split_list(f, v)) {
           check_netns_entry(e);
           if (o.netns.size() == kMaxNetnsEntries) {
             throw ParseError(f + ": more than " + std::to_string(kMaxNetnsEntries) + " entries");
           }
           o.netns.push_back(e);
         }
       }},
      {{"--attach"}, true, [](Options& o, const std::string&, const std::string& v) { o.attach = parse_attach(v); }},
      {{"--btf"}, true,
       [](Options& o, const std::string& f, const std::string& v) {
         if (v.empty()) throw ParseError(f + ": expected a file path");
         o.btf_path = v;
       }},
      {{"--bpf-stats"}, false, [](Options& o, const std::string&, const std::string&) { o.bpf_stats = true; }},
      {{"--once"}, true,
       [](Options& o, const std::string& f, const std::string& v) { o.once_seconds = parse_seconds(f, v); }},
      {{"--verbose", "-v"}, false, [](Options& o, const std::string&, const std::string&) { o.verbose = true; }},
      {{"--help", "-h"}, false, [](Options& o, const std::string&, const std::string&) { o.help = true; }},
      {{"--version"}, false, [](Options& o, const std::string&, const std::string&) { o.version = true; }},
  };
  return table;
}

const FlagSpec* find_flag(const std::string& name) {
  for (const auto& f : flag_table()) {
    if (std::find(f.names.begin(), f.names.end(), name) != f.names.end()) return &f;
  }
  return nullptr;
}

}  // namespace

const char* attach_mode_name(AttachMode m) {
  switch (m) {
    case AttachMode::Auto: return "auto";
    case AttachMode::TpBtf: return "tp_btf";
    case AttachMode::RawTp: return "raw_tp";
    case AttachMode::Tracepoint: return "tracepoint";
  }
  return "?";
}

Options parse_options(const std::vector<std::string>& args) {
  Options o;
  std::set<const FlagSpec*> given;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); name.starts_with("--") && eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    const FlagSpec* spec = find_flag(name);
    if (!spec) throw ParseError("unknown flag '" + args[i] + "' (see --help)");
    // One value per flag (--netns accumulates): a second --listen would
    // otherwise silently replace the first.
    if (!given.insert(spec).second && spec->names[0] != "--netns" && spec->takes_value) {
      throw ParseError(name + ": given more than once");
    }
    std::string value;
    if (spec->takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        throw ParseError(name + ": missing value");
      }
    } else if (inline_value) {
      throw ParseError(name + ": takes no value");
    }
    spec->apply(o, name, value);
  }
  return o;
}

}  // namespace retx
