#include "privileges.h"

#include <sys/capability.h>
#include <sys/prctl.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

namespace retx {
namespace {

using CapList = std::vector<cap_value_t>;

struct CapFree {
  void operator()(cap_t c) const { cap_free(c); }
};
using CapPtr = std::unique_ptr<std::remove_pointer_t<cap_t>, CapFree>;

// One field of /proc/self/status ("CapEff", "Threads").
std::string status_field(const std::string& name) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + ":", 0) == 0) {
      auto value = line.find_first_not_of(" \t", name.size() + 1);
      return value == std::string::npos ? "" : line.substr(value);
    }
  }
  return "";
}

bool contains(const CapList& l, cap_value_t c) { return std::find(l.begin(), l.end(), c) != l.end(); }

CapList permitted() {
  CapPtr now(cap_get_proc());
  CapList out;
  for (cap_value_t c = 0; c < cap_max_bits(); ++c) {
    cap_flag_value_t v = CAP_CLEAR;
    if (now && cap_get_flag(now.get(), c, CAP_PERMITTED, &v) == 0 && v == CAP_SET) out.push_back(c);
  }
  return out;
}

void set_caps(const CapList& perm, const CapList& eff) {
  CapPtr next(cap_init());
  if (!perm.empty()) cap_set_flag(next.get(), CAP_PERMITTED, static_cast<int>(perm.size()), perm.data(), CAP_SET);
  if (!eff.empty()) cap_set_flag(next.get(), CAP_EFFECTIVE, static_cast<int>(eff.size()), eff.data(), CAP_SET);
  if (cap_set_proc(next.get()) != 0) throw PrivilegeError(std::string("capset: ") + std::strerror(errno));
}

std::string names(const CapList& l) {
  std::string out;
  for (cap_value_t c : l) {
    char* n = cap_to_name(c);
    out += (out.empty() ? "" : ",") + std::string(n ? n : "?");
    cap_free(n);
  }
  return out.empty() ? "none" : out;
}

// Whether the probe's maps can be read with only `keep` effective. The
// permitted set still holds everything, so this is undone right after.
bool map_reads_with(const DropPlan& plan, const CapList& held, const CapList& keep) {
  if (!plan.map_read_works) return true;
  set_caps(held, keep);
  bool ok = plan.map_read_works();
  set_caps(held, held);
  return ok;
}

CapList wanted(const DropPlan& plan, const CapList& held) {
  CapList keep;
  switch (plan.keep.mode) {
    case CapabilityKeep::Mode::All: return held;
    case CapabilityKeep::Mode::None: break;
    case CapabilityKeep::Mode::List:
      for (cap_value_t c : plan.keep.caps) {
        if (!contains(held, c)) throw PrivilegeError("--capabilities.keep: " + names({c}) + " is not held by this process");
        keep.push_back(c);
      }
      break;
    case CapabilityKeep::Mode::Auto:
      for (cap_value_t c : {CAP_SYS_PTRACE, CAP_SYS_ADMIN}) {
        if (contains(held, c)) keep.push_back(c);
      }
      if (plan.low_port && contains(held, CAP_NET_BIND_SERVICE)) keep.push_back(CAP_NET_BIND_SERVICE);
      if (contains(held, CAP_BPF) && !map_reads_with(plan, held, keep)) keep.push_back(CAP_BPF);
      return keep;
  }
  // A chosen set that cannot read the maps would serve nothing but errors.
  if (!map_reads_with(plan, held, keep)) {
    throw PrivilegeError("--capabilities.keep " + names(keep) +
                         ": this kernel needs cap_bpf (or cap_sys_admin) to read the probe's maps");
  }
  return keep;
}

}  // namespace

std::string missing_bpf_capabilities() {
  std::string eff = status_field("CapEff");
  std::uint64_t caps = eff.empty() ? 0 : std::stoull(eff, nullptr, 16);
  auto has = [&](int cap) { return (caps >> cap) & 1U; };
  if (has(CAP_SYS_ADMIN) || (has(CAP_BPF) && has(CAP_PERFMON))) return "";
  return "CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN)";
}

std::string drop_privileges(const DropPlan& plan) {
  std::string threads = status_field("Threads");
  if (threads != "1") {
    throw PrivilegeError("capabilities are per thread: cannot drop them with " + threads + " threads running");
  }
  CapList held = permitted();
  set_caps(held, held);  // CAP_SETPCAP, if held, must be effective to shrink the bounding set
  CapList keep = wanted(plan, held);
  std::sort(keep.begin(), keep.end());
  for (cap_value_t c = 0; c < cap_max_bits(); ++c) {
    // Without CAP_SETPCAP the bounding set stays as given (a systemd unit sets
    // it); no_new_privs below still stops an exec from gaining anything.
    if (!contains(keep, c) && cap_get_bound(c) == 1 && cap_drop_bound(c) != 0 && errno != EPERM) {
      throw PrivilegeError("dropping " + names({c}) + " from the bounding set: " + std::strerror(errno));
    }
  }
  set_caps(keep, keep);
  if (cap_reset_ambient() != 0 && errno != EINVAL) {
    throw PrivilegeError(std::string("clearing the ambient set: ") + std::strerror(errno));
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    throw PrivilegeError(std::string("setting no_new_privs: ") + std::strerror(errno));
  }
  if (permitted() != keep) throw PrivilegeError("the kernel kept other capabilities than " + names(keep));
  return names(keep);
}

}  // namespace retx
