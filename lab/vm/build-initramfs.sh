#!/usr/bin/env bash
# Packs the guest's initramfs at run time: busybox-static, the 6.1 kernel's virtio/9p/overlay
# modules and the lab's qdisc/netfilter modules (with their dependencies, in load order) and
# initramfs-init.sh as /init.
# Built fresh for every run from the installed Debian packages; nothing of it is committed.
# usage: build-initramfs.sh KERNEL_RELEASE OUTPUT.cpio.gz
set -euo pipefail

kver=${1:?usage: build-initramfs.sh KERNEL_RELEASE OUTPUT}
out=${2:?usage: build-initramfs.sh KERNEL_RELEASE OUTPUT}
here=$(cd "$(dirname "$0")" && pwd)
moddir=/lib/modules/$kver
# virtio_pci: the 'pc' machine's virtio devices; 9pnet_virtio + 9p: the shares; overlay: root.
needed=(virtio_pci 9pnet_virtio 9p overlay)
# What the lab may use that 6.1 builds as modules (6.18 here has some built in). Loaded by
# /init from RAM: a modprobe of each over 9p took seconds under TCG. A failure is a warning:
# the lab detects its backends itself. nft counters are part of nf_tables in 6.1.
lab=(sch_netem veth ifb nf_tables nft_numgen xt_statistic sch_htb sch_tbf sch_ingress
     cls_bpf act_mirred act_gact tcp_bbr)

[[ -d $moddir ]] || { echo "build-initramfs: no modules for $kver in $moddir (install linux-image-amd64)" >&2; exit 3; }
[[ -x /bin/busybox ]] && ! ldd /bin/busybox >/dev/null 2>&1 \
  || { echo "build-initramfs: /bin/busybox is missing or not static (install busybox-static)" >&2; exit 3; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,proc,sys,dev,modules}
cp /bin/busybox "$stage/bin/busybox"
install -m 0755 "$here/initramfs-init.sh" "$stage/init"

# Ask the host's kmod for the 6.1 dependency order; builtins print "builtin NAME" and need nothing.
# modules.list lines: "FILE.ko required|optional ARGS".
declare -A seen=()
while read -r need verb path args; do
  [[ $verb == insmod ]] || continue
  [[ -n ${seen[$path]:-} ]] && continue
  seen[$path]=1
  ko=$(basename "$path")
  case $ko in
    *.ko) cp "$path" "$stage/modules/$ko" ;;
    # Busybox insmod can't read compressed modules; newer Debian kernels ship .ko.xz.
    *.ko.xz) xz -dc "$path" >"$stage/modules/${ko%.xz}"; ko=${ko%.xz} ;;
    *) echo "build-initramfs: unexpected module file $path" >&2; exit 3 ;;
  esac
  echo "$ko $need $args" >>"$stage/modules/modules.list"
done < <(for m in "${needed[@]}"; do modprobe -S "$kver" --show-depends "$m" | sed 's/^/required /'; done
         for m in "${lab[@]}"; do
           modprobe -S "$kver" --show-depends "$m" | sed 's/^/optional /' \
             || echo "build-initramfs: warning: no module $m for $kver" >&2
         done)

(cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
