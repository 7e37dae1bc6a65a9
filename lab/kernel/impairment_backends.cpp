// The backend table, the pure choice among its entries, and the one probe of
// the running kernel.
#include "impairment_backend.h"

#include "cleanup.h"
#include "run_cmd.h"

#include <algorithm>
#include <mutex>
#include <stdexcept>

namespace retx::lab {

// Each is defined in impairment_<name>.cpp.
extern const BackendInfo kNetemBackend, kNftBackend, kBpfBackend;

const std::vector<const BackendInfo*>& impairment_backends() {
  static const std::vector<const BackendInfo*> table = {&kNetemBackend, &kNftBackend, &kBpfBackend};
  return table;
}

namespace {

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s.empty() ? "none" : s;
}

std::string known_names() {
  std::vector<std::string> names;
  for (const auto* b : impairment_backends()) names.emplace_back(b->name);
  return join(names);
}

// Probes in a scratch namespace of our own, removed again at once. Failing to
// make that namespace is the environment's fault, not a missing backend.
BackendProbe detect_backends() {
  BackendProbe found;
  std::string ns = make_run_prefix() + "-probe";
  register_netns(ns);
  try {
    run_cmd({"ip", "netns", "add", ns});
    run_cmd({"ip", "-n", ns, "link", "set", "lo", "up"});
    for (const auto* b : impairment_backends()) {
      std::string why;
      try {
        why = b->probe(ns);
      } catch (const std::exception& e) {
        why = e.what();  // e.g. the backend's tool is not installed
      }
      if (why.empty()) found.available.emplace_back(b->name);
      else found.unavailable[b->name] = why;
    }
  } catch (const std::exception& e) {
    try_cmd({"ip", "netns", "del", ns});
    unregister_netns(ns);
    throw std::runtime_error(std::string("cannot probe the impairment backends in a scratch namespace: ") + e.what());
  }
  try {
    delete_netns(ns);
  } catch (const std::exception& e) {
    // Left registered: the exit cleanup or the next sweep removes it.
    throw std::runtime_error(std::string("cannot remove the backend probe's namespace: ") + e.what());
  }
  unregister_netns(ns);
  return found;
}

}  // namespace

const BackendInfo* find_backend(const std::string& name) {
  for (const auto* b : impairment_backends())
    if (name == b->name) return b;
  return nullptr;
}

const BackendProbe& probe_backends() {
  static std::once_flag once;
  static BackendProbe found;
  std::call_once(once, [] { found = detect_backends(); });
  return found;
}

std::vector<std::string> available_backends() { return probe_backends().available; }

std::vector<std::string> backends_for(const ImpairmentSpec& spec) {
  std::vector<std::string> able;
  for (const auto* b : impairment_backends())
    if (b->can_express(spec)) able.emplace_back(b->name);
  return able;
}

BackendChoice choose_backend(const ImpairmentSpec& spec, const std::vector<std::string>& available,
                             const std::string& forced, const std::map<std::string, std::string>& why_not) {
  if (spec.kind == ImpairKind::None && !spec.netem.any()) return {"none", "no impairment"};
  if (!forced.empty() && !find_backend(forced))
    return {"unsupported", "unknown backend '" + forced + "' (known: " + known_names() + ")"};
  std::vector<std::string> able;
  for (const auto& name : backends_for(spec)) {
    if (!forced.empty() && name != forced) continue;
    able.push_back(name);
    if (has(available, name)) {
      const auto* b = find_backend(name);
      return {name, b->note ? b->note(spec) : ""};
    }
  }
  std::string what(to_string(spec.kind));
  if (spec.netem.any()) what += " with delay/jitter/reorder/duplicate/corrupt/rate/limit";
  if (able.empty()) {
    return {"unsupported", what + " cannot be expressed by " + (forced.empty() ? "any backend" : forced)};
  }
  std::string reason = what + " needs " + join(able) + "; available here: " + join(available);
  for (const auto& name : able)
    if (auto it = why_not.find(name); it != why_not.end()) reason += "; " + name + ": " + it->second;
  return {"unsupported", reason};
}

}  // namespace retx::lab
