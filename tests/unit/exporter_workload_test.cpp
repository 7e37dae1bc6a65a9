// The workload parser on the cgroup path shapes that systemd, Kubernetes
// (cgroupfs and systemd drivers), containerd, cri-o, docker and podman
// create. Each row is a path shape as those tools write it.
#include <gtest/gtest.h>

#include "workload.h"

namespace {

const std::string kId = "3f9c2b0d8e7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e";
const std::string kUid = "6a1f2c3d-4b5e-4f60-8a7b-9c0d1e2f3a4b";
const std::string kUidSystemd = "6a1f2c3d_4b5e_4f60_8a7b_9c0d1e2f3a4b";

struct Shape {
  const char* what;
  std::string path;
  retx::Workload expect;
};

std::vector<Shape> shapes() {
  return {
      {"systemd service", "/system.slice/nginx.service", {"nginx.service", "", "", ""}},
      {"delegated subtree of a service", "/system.slice/postgresql@15-main.service/worker", {"postgresql@15-main.service", "", "", ""}},
      {"login session scope", "/user.slice/user-1000.slice/session-3.scope", {"session-3.scope", "", "", ""}},
      {"user service", "/user.slice/user-1000.slice/user@1000.service/app.slice/app-firefox.scope", {"app-firefox.scope", "", "", ""}},
      {"root cgroup", "/", {"", "", "", ""}},
      {"k8s systemd driver, containerd, burstable",
       "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kUidSystemd + ".slice/cri-containerd-" + kId + ".scope",
       {"cri-containerd-" + kId + ".scope", kUid, kId, "containerd"}},
      {"k8s systemd driver, cri-o, guaranteed",
       "/kubepods.slice/kubepods-pod" + kUidSystemd + ".slice/crio-" + kId + ".scope",
       {"crio-" + kId + ".scope", kUid, kId, "cri-o"}},
      {"k8s systemd driver, cri-o container sub-cgroup",
       "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + kUidSystemd + ".slice/crio-" + kId + ".scope/container",
       {"crio-" + kId + ".scope", kUid, kId, "cri-o"}},
      {"k8s systemd driver, cri-o monitor (not a container)",
       "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kUidSystemd + ".slice/crio-conmon-" + kId + ".scope",
       {"crio-conmon-" + kId + ".scope", kUid, "", ""}},
      {"k8s systemd driver, docker",
       "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kUidSystemd + ".slice/docker-" + kId + ".scope",
       {"docker-" + kId + ".scope", kUid, kId, "docker"}},
      {"k8s cgroupfs driver, containerd", "/kubepods/burstable/pod" + kUid + "/" + kId, {"", kUid, kId, ""}},
      {"k8s cgroupfs driver, guaranteed", "/kubepods/pod" + kUid + "/" + kId, {"", kUid, kId, ""}},
      {"k8s cgroupfs driver, cri-o", "/kubepods/besteffort/pod" + kUid + "/crio-" + kId, {"", kUid, kId, "cri-o"}},
      {"k8s pod slice, no container", "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kUidSystemd + ".slice",
       {"", kUid, "", ""}},
      {"docker, systemd driver", "/system.slice/docker-" + kId + ".scope", {"docker-" + kId + ".scope", "", kId, "docker"}},
      {"docker, cgroupfs driver", "/docker/" + kId, {"", "", kId, "docker"}},
      {"podman rootful", "/machine.slice/libpod-" + kId + ".scope", {"libpod-" + kId + ".scope", "", kId, "podman"}},
      {"podman pod member", "/machine.slice/machine-libpod_pod_0123456789ab.slice/libpod-" + kId + ".scope",
       {"libpod-" + kId + ".scope", "", kId, "podman"}},
      {"podman rootless",
       "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + kId + ".scope/container",
       {"libpod-" + kId + ".scope", "", kId, "podman"}},
      {"podman conmon (not a container)", "/machine.slice/libpod-conmon-" + kId + ".scope",
       {"libpod-conmon-" + kId + ".scope", "", "", ""}},
      {"podman cgroupfs", "/libpod_parent/libpod-" + kId, {"", "", kId, "podman"}},
      {"a pod-like name outside Kubernetes is no pod", "/system.slice/pod" + kUid + ".service", {"pod" + kUid + ".service", "", "", ""}},
      {"short hex is no container", "/docker/abc123", {"", "", "", ""}},
  };
}

TEST(ExporterWorkload, PathShapesOfTheCommonLayouts) {
  for (const auto& s : shapes()) {
    retx::Workload w = retx::parse_workload(s.path);
    EXPECT_EQ(w.unit, s.expect.unit) << s.what << ": " << s.path;
    EXPECT_EQ(w.pod_uid, s.expect.pod_uid) << s.what << ": " << s.path;
    EXPECT_EQ(w.container_id, s.expect.container_id) << s.what << ": " << s.path;
    EXPECT_EQ(w.runtime, s.expect.runtime) << s.what << ": " << s.path;
  }
}

TEST(ExporterWorkload, CgroupV2LineOfProcPidCgroup) {
  EXPECT_EQ(retx::cgroup_v2_path("0::/system.slice/sshd.service\n"), "/system.slice/sshd.service");
  // Hybrid hierarchy: v1 controllers first, the unified line last.
  EXPECT_EQ(retx::cgroup_v2_path("9:name=systemd:/\n4:memory:/x\n0::/user.slice\n"), "/user.slice");
  EXPECT_EQ(retx::cgroup_v2_path("4:memory:/x\n"), "");
  EXPECT_EQ(retx::cgroup_v2_path(""), "");
  EXPECT_EQ(retx::short_container_id(kId), "3f9c2b0d8e7a");
}

}  // namespace
