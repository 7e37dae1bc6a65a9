// What a cgroup path says about the workload in it: the systemd unit, the
// Kubernetes pod and the container (with its runtime). Pure; the layouts it
// knows are the table in workload.cpp and the test table in
// tests/unit/exporter_workload_test.cpp.
#pragma once

#include <string>

namespace retx {

struct Workload {
  std::string unit;          // innermost systemd .service or .scope, e.g. "nginx.service"
  std::string pod_uid;       // Kubernetes pod UID with dashes, e.g. "0f6b...-..."
  std::string container_id;  // full id as the runtime prints it (hex)
  std::string runtime;       // containerd | cri-o | docker | podman; empty when the layout does not say
};

// path: relative to the cgroup2 mount, starting with '/' ("/system.slice/x.service").
Workload parse_workload(const std::string& path);

// The cgroup v2 path in the text of /proc/PID/cgroup (its "0::PATH" line);
// empty when there is none.
std::string cgroup_v2_path(const std::string& proc_pid_cgroup);

// The short form of a container id (12 characters, as docker and crictl print it).
std::string short_container_id(const std::string& id);

}  // namespace retx
