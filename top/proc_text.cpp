#include "proc_text.h"

#include <charconv>

namespace retx::top {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_octal(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      int v = 0;
      auto [end, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 4, v, 8);
      if (ec == std::errc() && end == s.data() + i + 4) {
        out.push_back(static_cast<char>(v));
        i += 3;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

}  // namespace

std::string cgroup2_mount_point(std::string_view mountinfo) {
  // "36 25 0:31 / /sys/fs/cgroup/unified rw,nosuid shared:9 - cgroup2 cgroup2 rw"
  while (!mountinfo.empty()) {
    auto nl = mountinfo.find('\n');
    std::string_view line = mountinfo.substr(0, nl);
    mountinfo.remove_prefix(nl == std::string_view::npos ? mountinfo.size() : nl + 1);
    auto dash = line.find(" - ");
    if (dash == std::string_view::npos) continue;
    std::string_view after = line.substr(dash + 3);
    if (after.substr(0, after.find(' ')) != "cgroup2") continue;
    // Fields before the dash: id parent major:minor root mount-point ...
    std::string_view f = line.substr(0, dash);
    for (int skip = 0; skip < 4; ++skip) {
      auto sp = f.find(' ');
      if (sp == std::string_view::npos) return "";
      f.remove_prefix(sp + 1);
    }
    return unescape_octal(f.substr(0, f.find(' ')));
  }
  return "";
}

std::optional<std::uint64_t> socket_inode_of_link(std::string_view target) {
  constexpr std::string_view kPrefix = "socket:[";
  if (target.size() < kPrefix.size() + 2 || target.substr(0, kPrefix.size()) != kPrefix || target.back() != ']') {
    return std::nullopt;
  }
  std::uint64_t ino = 0;
  const char* b = target.data() + kPrefix.size();
  const char* e = target.data() + target.size() - 1;
  auto [end, ec] = std::from_chars(b, e, ino);
  if (ec != std::errc() || end != e) return std::nullopt;
  return ino;
}

std::uint64_t tcp_inuse(std::string_view text) {
  // "TCP: inuse 5 orphan 0 tw 2 alloc 7 mem 1" (sockstat6: "TCP6: inuse 1")
  for (std::string_view prefix : {"TCP: inuse ", "TCP6: inuse "}) {
    for (std::size_t at = text.find(prefix); at != std::string_view::npos; at = text.find(prefix, at + 1)) {
      if (at != 0 && text[at - 1] != '\n') continue;
      std::uint64_t n = 0;
      const char* b = text.data() + at + prefix.size();
      std::from_chars(b, text.data() + text.size(), n);
      return n;
    }
  }
  return 0;
}

}  // namespace retx::top
