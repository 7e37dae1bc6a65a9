#!/bin/busybox sh
# /init of the throwaway initramfs that build-initramfs.sh packs at run time.
# It loads the modules the guest kernel keeps outside vmlinuz (virtio, 9p, overlay, and the lab's
# qdiscs and nftables), assembles "host root read-only + tmpfs upper" as the new root, mounts
# what the lab needs in it (with busybox, from RAM: fast under TCG) and hands over to
# guest-run.sh, which runs the command with the host's own Debian userland. Problems that
# don't stop the boot go to guest.warn, which the host prints.
/bin/busybox --install -s /bin
export PATH=/bin

fail() {
  echo "retx-vm-init: $*" >&2
  # Power off at once so the host sees "no result" instead of waiting for its timeout.
  echo o >/proc/sysrq-trigger
  sleep 5
  exit 1
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

# modules.list holds "FILE.ko required|optional ARGS" lines in dependency order (from
# modprobe --show-depends). Optional ones are the lab's: a failure is reported, not fatal.
warnings=""
while read -r ko need args; do
  insmod "/modules/$ko" $args && continue
  [ "$need" = required ] && fail "insmod $ko failed"
  warnings="$warnings module ${ko%.ko} did not load;"
done </modules/modules.list

mkdir -p /lower /rw /newroot
# msize: bigger 9p messages cut round trips, which dominate under TCG.
# cache=loose on the read-only root: binaries and libraries are read over and over.
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /lower \
  || fail "cannot mount the host root (9p tag hostroot)"
mount -t tmpfs -o mode=0755 rw /rw || fail "cannot mount the tmpfs upper layer"
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot \
  || fail "cannot mount the overlay root"

# /run is a fresh tmpfs (ip netns keeps /run/netns there); the job share sits inside it.
mount -t tmpfs -o mode=0755,nosuid,nodev run /newroot/run || fail "cannot mount /run"
mkdir -p /newroot/run/retx-vm
# cache=none: the host reads stdout/stderr/rc while the guest still writes them.
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=none retxjob /newroot/run/retx-vm \
  || fail "cannot mount the job share (9p tag retxjob)"

# The system filesystems the lab needs are mounted here, with busybox already in RAM: under
# TCG every exec of the host's dynamically linked mount(8) over 9p costs a few hundred ms.
mount --move /proc /newroot/proc && mount --move /sys /newroot/sys && mount --move /dev /newroot/dev \
  || fail "cannot move /proc, /sys, /dev into the new root"
r=/newroot
mkdir -p $r/dev/pts $r/dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $r/dev/pts
mount -t tmpfs -o nosuid,nodev shm $r/dev/shm
mount -t tracefs tracefs $r/sys/kernel/tracing
mount -t debugfs debugfs $r/sys/kernel/debug
mount -t bpf bpf $r/sys/fs/bpf
mount -t cgroup2 cgroup2 $r/sys/fs/cgroup
for m in dev/pts dev/shm sys/kernel/tracing sys/kernel/debug sys/fs/bpf sys/fs/cgroup; do
  grep -q " /newroot/$m " $r/proc/mounts || echo "retx-vm-init: /$m is not mounted" >>$r/run/retx-vm/guest.warn
done
ln -sf /proc/self/fd $r/dev/fd
# The guest kernel's own modules (the host's /lib/modules has none for it), read-only, so the
# guest's modprobe autoloads what /init did not preload.
kver=$(uname -r)
mkdir -p "$r/lib/modules/$kver"
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose retxmods "$r/lib/modules/$kver" \
  || warnings="$warnings cannot mount the modules share at /lib/modules/$kver (modprobe will fail);"
ip link set lo up              # the exporter serves /metrics on the guest's loopback
# run-in-vm.sh --forward adds a slirp NIC: qemu's fixed guest address, no default route (the
# forwards reach 10.0.2.15 from 10.0.2.2, on the link).
if [ -e $r/sys/class/net/eth0 ]; then
  ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up || warnings="$warnings eth0 did not come up;"
fi
hostname retx-vm
# The host's working directory, read-write, at the same path (reports land on the host).
# cache=none: the host may read what the command writes while it runs.
IFS= read -r cwd <$r/run/retx-vm/cwd
mkdir -p "$r$cwd"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=none retxwork "$r$cwd" \
  || warnings="$warnings cannot mount the working directory share at $cwd (writes there stay in the guest);"
[ -n "$warnings" ] && echo "retx-vm-init:$warnings" >>$r/run/retx-vm/guest.warn
: >$r/run/retx-vm/booted
exec switch_root /newroot /bin/bash /run/retx-vm/guest-run.sh
