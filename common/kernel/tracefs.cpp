#include "tracefs.h"

#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "on_thread.h"

namespace retx {
namespace {

constexpr const char* kDebugfsTracing = "/sys/kernel/debug/tracing";
constexpr const char* kTracefs = "/sys/kernel/tracing";

std::runtime_error mount_error(const char* step, int err) {
  return std::runtime_error(std::string("tracefs is not mounted and could not be mounted privately (") + step +
                            ": " + std::strerror(err) + "); mount it with: mount -t tracefs nodev " + kTracefs);
}

// On the calling thread only: a private copy of the mount table in which
// tracefs is mounted where libbpf looks when debugfs is absent.
void mount_private_tracefs() {
  if (unshare(CLONE_NEWNS) != 0) throw mount_error("unshare(CLONE_NEWNS)", errno);
  // Slave: mounts made here never propagate back to the caller's namespace.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0) throw mount_error("make / rslave", errno);
  if (mount("nodev", kTracefs, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
    throw mount_error("mount tracefs", errno);
  }
}

}  // namespace

std::string tracefs_root() { return access(kDebugfsTracing, F_OK) == 0 ? kDebugfsTracing : kTracefs; }

bool tracefs_reachable() { return access((tracefs_root() + "/events").c_str(), F_OK) == 0; }

void with_tracefs(const std::function<void()>& fn) {
  if (tracefs_reachable()) {
    fn();
    return;
  }
  run_on_own_thread([&] {
    mount_private_tracefs();
    fn();
  });
}

}  // namespace retx
