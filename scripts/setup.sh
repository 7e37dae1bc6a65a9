#!/usr/bin/env bash
# Installs everything retxlab needs from Debian 12's own packages, idempotently.
# Used by the README, by .ci/run, by the Vagrantfile and by the Lima template, so
# they cannot drift apart.
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
  echo "setup.sh: must run as root (it installs Debian packages)" >&2
  exit 3
fi

PKGS=(
  build-essential cmake pkg-config clang llvm
  libbpf-dev bpftool libelf-dev zlib1g-dev
  prometheus-cpp-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  iproute2 nftables ethtool iperf3 curl procps kmod jq
  prometheus prometheus-node-exporter bpftrace
  gnuplot-nox chromium
  python3-yaml  # tests/deploy: rules and Kubernetes manifest checks
  tmux          # tests/privileged: retx-top's interactive view driven by send-keys/capture-pane
  strace        # tests/privileged: the exporter's setns calls counted
  # The exporter's web layer and hardening: web config (YAML), capabilities, TLS (OpenSSL;
  # the openssl tool makes the tests' certificates), bcrypt via libcrypt; libFuzzer and the
  # sanitizers' runtime for tests/fuzz and the ASan/UBSan unit test build.
  libyaml-cpp-dev libcap-dev libssl-dev libcrypt-dev openssl libclang-rt-14-dev
)

# --- kernel-matrix VM (lab/vm/) --- only with --vm, so the default path stays fast.
# qemu boots Debian's kernels (lab/vm/kernels.txt), which fetch-kernel.sh downloads below as
# packages through its own apt configuration and unpacks under /var/cache/retxlab/kernels: none
# is installed on this host. xz-utils and zstd unpack their images for the fast PVH boot;
# python3-yaml, ruby and vagrant let tests/vm check lima/retxlab.yaml and the Vagrantfile.
VM_PKGS=(qemu-system-x86 busybox-static cpio xz-utils zstd python3-yaml ruby vagrant)
vm=0
for arg in "$@"; do
  case $arg in
    --vm) PKGS+=("${VM_PKGS[@]}"); vm=1 ;;
    *) echo "setup.sh: unknown option '$arg' (known: --vm)" >&2; exit 2 ;;
  esac
done
# --- end kernel-matrix VM ---

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup.sh: installing ${missing[*]}"
  # Packaged daemons (prometheus, node-exporter) must not start on install: tests
  # start their own instances on loopback with temporary state.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created_policy=1
  fi
  trap '[[ $created_policy == 1 ]] && rm -f "$policy"' EXIT
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup.sh: all packages present"
# --- kernel-matrix VM: the guest kernels ---
if ((vm)); then
  # Once: a kernel already in the cache is used as is (no network); lab/vm/fetch-kernel.sh
  # --refresh looks for newer ones.
  here=$(cd "$(dirname "$0")/.." && pwd)
  mapfile -t kernels < <(grep -E '^[0-9]' "$here/lab/vm/kernels.txt")
  "$here/lab/vm/fetch-kernel.sh" "${kernels[@]}" >/dev/null
  echo "setup.sh: VM kernels ${kernels[*]} in ${RETX_KERNEL_CACHE:-/var/cache/retxlab/kernels}"
fi
# --- end kernel-matrix VM ---
