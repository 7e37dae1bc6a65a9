#include "workload.h"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

namespace retx {
namespace {

// Container cgroups by runtime: "<prefix><id><suffix>". The systemd cgroup
// driver names them as scopes; cri-o and podman under the cgroupfs driver use
// the bare prefix. Monitor processes (conmon) have their own scopes: no match.
struct RuntimeShape {
  std::string_view prefix;
  std::string_view runtime;
};
constexpr RuntimeShape kRuntimeShapes[] = {
    {"cri-containerd-", "containerd"},
    {"crio-", "cri-o"},
    {"docker-", "docker"},
    {"libpod-", "podman"},
};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_hex_id(std::string_view s) {
  return s.size() >= 12 && std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

std::vector<std::string_view> components(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

// "pod<uid>" (cgroupfs driver) or "kubepods[-<qos>]-pod<uid_with_underscores>.slice" (systemd driver).
std::string pod_uid_of(std::string_view c) {
  if (ends_with(c, ".slice")) {
    c.remove_suffix(6);
    auto at = c.rfind("-pod");
    if (c.rfind("kubepods", 0) != 0 || at == std::string_view::npos) return "";
    c.remove_prefix(at + 4);
  } else if (c.rfind("pod", 0) == 0) {
    c.remove_prefix(3);
  } else {
    return "";
  }
  std::string uid(c);
  std::replace(uid.begin(), uid.end(), '_', '-');
  return uid.size() >= 32 ? uid : "";
}

// Fills container_id and runtime when component c names a container.
bool container_of(std::string_view c, std::string_view parent, Workload& w) {
  std::string_view id = c;
  if (ends_with(id, ".scope")) id.remove_suffix(6);
  for (const auto& shape : kRuntimeShapes) {
    if (id.rfind(shape.prefix, 0) == 0 && is_hex_id(id.substr(shape.prefix.size()))) {
      w.container_id = id.substr(shape.prefix.size());
      w.runtime = shape.runtime;
      return true;
    }
  }
  // Bare ids: docker's cgroupfs driver ("/docker/<id>") and containerd or
  // docker under Kubernetes' cgroupfs driver ("/kubepods/.../pod<uid>/<id>").
  if (id == c && is_hex_id(id) && id.size() == 64) {
    w.container_id = id;
    w.runtime = parent == "docker" ? "docker" : "";
    return true;
  }
  return false;
}

}  // namespace

Workload parse_workload(const std::string& path) {
  Workload w;
  auto parts = components(path);
  bool kube = std::any_of(parts.begin(), parts.end(), [](std::string_view c) { return c.rfind("kubepods", 0) == 0; });
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string_view c = parts[i];
    if (ends_with(c, ".service") || ends_with(c, ".scope")) w.unit = c;
    if (kube && w.pod_uid.empty()) w.pod_uid = pod_uid_of(c);
    container_of(c, i > 0 ? parts[i - 1] : std::string_view{}, w);
  }
  return w;
}

std::string cgroup_v2_path(const std::string& text) {
  std::size_t at = text.rfind("0::", 0) == 0 ? 0 : text.find("\n0::");
  if (at == std::string::npos) return "";
  if (at != 0) ++at;
  std::size_t end = text.find('\n', at);
  return text.substr(at + 3, end == std::string::npos ? std::string::npos : end - at - 3);
}

std::string short_container_id(const std::string& id) { return id.substr(0, 12); }

}  // namespace retx
