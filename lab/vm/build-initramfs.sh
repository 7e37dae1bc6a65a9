#!/usr/bin/env bash
# Packs the guest's initramfs at run time: busybox-static, the guest kernel's virtio/9p/overlay
# modules and the lab's qdisc/netfilter modules (with their dependencies, in load order) and
# initramfs-init.sh as /init. The modules come from the kernel's unpacked tree
# (fetch-kernel.sh), never from the host's own /lib/modules.
# Built fresh for every run; nothing of it is committed.
# usage: build-initramfs.sh KERNEL_TREE OUTPUT.cpio.gz   (KERNEL_TREE from fetch-kernel.sh)
set -euo pipefail

tree=${1:?usage: build-initramfs.sh KERNEL_TREE OUTPUT}
out=${2:?usage: build-initramfs.sh KERNEL_TREE OUTPUT}
here=$(cd "$(dirname "$0")" && pwd)
kver=$(cat "$tree/kver" 2>/dev/null) || { echo "build-initramfs: $tree is not a kernel tree from fetch-kernel.sh" >&2; exit 3; }
moddir=$tree/lib/modules/$kver
# virtio_pci: the 'pc' machine's virtio devices; 9pnet_virtio + 9p: the shares; overlay: root.
needed=(virtio_pci 9pnet_virtio 9p overlay)
# What the lab may use that Debian builds as modules (6.18 here has some built in). Loaded by
# /init from RAM: a modprobe of each over 9p took seconds under TCG. A failure is a warning:
# the lab detects its backends itself. nft counters are part of nf_tables since 6.1.
# virtio_net: the user-mode network of run-in-vm.sh --forward (the fleet's exporters).
lab=(sch_netem veth ifb nf_tables nft_numgen xt_statistic sch_htb sch_tbf sch_ingress
     cls_bpf act_mirred act_gact tcp_bbr virtio_net)

[[ -d $moddir/kernel && -s $moddir/modules.dep ]] \
  || { echo "build-initramfs: no modules.dep under $moddir (fetch the kernel again: lab/vm/fetch-kernel.sh --refresh)" >&2; exit 3; }
[[ -x /bin/busybox ]] && ! ldd /bin/busybox >/dev/null 2>&1 \
  || { echo "build-initramfs: /bin/busybox is missing or not static (install busybox-static)" >&2; exit 3; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,proc,sys,dev,modules}
cp /bin/busybox "$stage/bin/busybox"
install -m 0755 "$here/initramfs-init.sh" "$stage/init"

# Ask the host's kmod for the guest kernel's dependency order (-d: the unpacked tree is the root
# it reads /lib/modules from); builtins print "builtin NAME" and need nothing.
# modules.list lines: "FILE.ko required|optional ARGS".
declare -A seen=()
while read -r need verb path args; do
  [[ $verb == insmod ]] || continue
  [[ -n ${seen[$path]:-} ]] && continue
  seen[$path]=1
  ko=$(basename "$path")
  case $ko in
    *.ko) cp "$path" "$stage/modules/$ko" ;;
    # 6.12 and 7.x ship .ko.xz. Debian's busybox 1.35 insmod loads those too (checked in the
    # 7.2 guest with sch_prio.ko.xz), but decompressing here costs the host's xz ~0.1 s for all
    # of them, where the TCG guest would spend several times that on every boot.
    *.ko.xz) xz -dc "$path" >"$stage/modules/${ko%.xz}"; ko=${ko%.xz} ;;
    *) echo "build-initramfs: unexpected module file $path" >&2; exit 3 ;;
  esac
  echo "$ko $need $args" >>"$stage/modules/modules.list"
done < <(for m in "${needed[@]}"; do modprobe -d "$tree" -S "$kver" --show-depends "$m" | sed 's/^/required /'; done
         for m in "${lab[@]}"; do
           modprobe -d "$tree" -S "$kver" --show-depends "$m" | sed 's/^/optional /' \
             || echo "build-initramfs: warning: no module $m for $kver" >&2
         done)

(cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
