#!/bin/bash
# Runs inside a guest (via lab/vm/run-in-vm.sh --kernel PREFIX). Each check prints "ok ..." or
# exits 1 with "FAIL ..."; when all pass it exits 7, a code no failure path uses, so the host can
# tell "every check passed and the exit code crossed the VM boundary" from anything else.
# usage: guest-checks.sh PREFIX     (the kernel version prefix the host asked for)
set -u
prefix=${1:?usage: guest-checks.sh KERNEL_PREFIX}
fail() { echo "FAIL $*" >&2; exit 1; }
ok() { echo "ok $*"; }

kr=$(uname -r)
[[ $kr == "$prefix".* || $kr == "$prefix"-* || $kr == "$prefix"+* ]] || fail "kernel is $kr, expected $prefix.*"
ok "kernel $kr"

[[ -r /sys/kernel/btf/vmlinux ]] || fail "/sys/kernel/btf/vmlinux missing: CO-RE programs cannot load"
ok "BTF present"

# /init preloads sch_netem from the initramfs; unloading and loading it again proves the
# guest's own modprobe works from /lib/modules/RELEASE, the kernel's unpacked tree shared
# read-only (the path every other module takes; .ko.xz on 6.12 and 7.x, through kmod).
[[ -s /lib/modules/$kr/modules.dep ]] || fail "/lib/modules/$kr/modules.dep missing: the modules share is not mounted"
modprobe -r sch_netem || fail "modprobe -r sch_netem"
[[ ! -d /sys/module/sch_netem ]] || fail "sch_netem still loaded after modprobe -r"
modprobe sch_netem || fail "modprobe sch_netem"
[[ -d /sys/module/sch_netem ]] || fail "sch_netem not loaded after modprobe"
ok "modprobe -r / modprobe sch_netem"
ns=retxvm-check-$$
ip netns add "$ns" || fail "ip netns add (is /run a writable tmpfs?)"
trap 'ip netns del "$ns" 2>/dev/null' EXIT
ip -n "$ns" link set lo up || fail "lo up in $ns"
tc -n "$ns" qdisc add dev lo root netem loss 1% || fail "tc netem in $ns"
tc -n "$ns" qdisc show dev lo | grep -q 'netem.*loss 1%' || fail "netem qdisc not shown: $(tc -n "$ns" qdisc show dev lo)"
ok "netem loss 1% in netns $ns"

# The working directory is the host's, read-write: what we write here the host must see.
echo "written-in-guest $kr" >vm-check-marker || fail "cannot write into the shared working directory"
ok "wrote vm-check-marker"
echo "guest stderr line" >&2
exit 7
