#!/usr/bin/env bash
# Fetches Debian kernels for lab/vm by version prefix, never installing them: the packages are
# downloaded by name with `apt-get download` through a private apt configuration (its own
# sources list, state and cache under the cache folder; the host's sources and dpkg database
# are neither read for packages nor changed) and unpacked with `dpkg-deb -x`.
#
# usage: fetch-kernel.sh [--refresh | --cached] [--quiet] PREFIX...
#   PREFIX   a kernel version prefix: 6.1, 6.12, 7 (the newest amd64 kernel whose version starts
#            with it, at a dot/dash boundary: 6.1 is not 6.12), or a full release 6.1.0-50-amd64
#   --refresh  ask the mirror again even when the cache holds a matching kernel
#   --cached   never touch the network: print what the cache holds, or exit 66
#   --quiet    no progress lines (errors are still one line each)
# Prints one unpacked tree per prefix: DIR/kver (the release), DIR/vmlinuz, DIR/config,
# DIR/lib/modules/RELEASE (with modules.dep from the host's depmod) and, when the kernel has
# PVH, DIR/vmlinux (the ELF qemu boots fastest).
# Cache: $RETX_KERNEL_CACHE, default /var/cache/retxlab/kernels. A cached kernel is used as is
# (no network) unless --refresh.
# Exit codes: 0 ok, 2 bad usage, 3 not root or a tool missing, 66 kernel unavailable (no
# package matches on the mirror, download or unpack failed).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${RETX_KERNEL_CACHE:-/var/cache/retxlab/kernels}
# Suites with amd64 kernels: bookworm (6.1), bookworm-backports and trixie (6.12), sid (newest).
suites=(bookworm bookworm-backports trixie sid)
die() { echo "fetch-kernel: $2" >&2; exit "$1"; }
say() { ((quiet)) || echo "fetch-kernel: $*" >&2; }

refresh=0 cached_only=0 quiet=0 prefixes=()
while (($#)); do
  case $1 in
    --refresh) refresh=1 ;;
    --cached) cached_only=1 ;;
    --quiet) quiet=1 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    -*) die 2 "unknown option '$1' (see --help)" ;;
    *) [[ $1 =~ ^[0-9][0-9A-Za-z.+~-]*$ ]] || die 2 "'$1' is not a kernel version prefix (e.g. 6.1, 6.12, 7)"
       prefixes+=("$1") ;;
  esac
  shift
done
((${#prefixes[@]})) || die 2 "no kernel version prefix given (e.g. fetch-kernel.sh 6.1 6.12 7)"

# A release matches a prefix at a component boundary: 6.1 matches 6.1.0-50-amd64, not 6.12.x.
matches() { [[ $2 == "$1" || $2 == "$1".* || $2 == "$1"-* || $2 == "$1"+* ]]; }
newest() { sort -V | tail -n 1; }

# The newest complete tree in the cache for a prefix (no network), or nothing.
cached() {
  local d k
  for d in "$cache"/*/.retx-complete; do
    [[ -e $d ]] || continue
    k=$(<"${d%/.retx-complete}/kver")
    if matches "$1" "$k"; then echo "$k"; fi
  done | newest
}

# --- private apt configuration ---------------------------------------------------------------
apt_dir=$cache/apt
papt() { APT_CONFIG=$apt_dir/apt.conf "$@"; }

# Written on every fetch: the mirror is the host's, read now. Of the host's own configuration
# only Acquire:: settings carry over (proxies, and this mirror's Check-Valid-Until: its sid
# Release file is a frozen snapshot); hooks, pinning and sources do not.
write_apt_config() {
  local mirror keyring=/usr/share/keyrings/debian-archive-keyring.gpg s
  mirror=$("$here/host-mirror.sh") || exit 66
  mkdir -p "$apt_dir"/{etc/apt.conf.d,etc/preferences.d,etc/sources.list.d,state/lists/partial,cache/archives/partial}
  : >"$apt_dir/state/status"   # an empty dpkg database: nothing is "installed" for this apt
  for s in "${suites[@]}"; do echo "deb [signed-by=$keyring] $mirror $s main"; done >"$apt_dir/etc/sources.list"
  {
    echo "Dir::Etc \"$apt_dir/etc\"; Dir::Etc::SourceList \"$apt_dir/etc/sources.list\";"
    echo "Dir::Etc::SourceParts \"$apt_dir/etc/sources.list.d\"; Dir::Etc::Parts \"$apt_dir/etc/apt.conf.d\";"
    echo "Dir::Etc::Preferences \"$apt_dir/etc/preferences\"; Dir::Etc::PreferencesParts \"$apt_dir/etc/preferences.d\";"
    echo "Dir::State \"$apt_dir/state\"; Dir::State::status \"$apt_dir/state/status\"; Dir::Cache \"$apt_dir/cache\";"
    echo 'APT::Architectures { "amd64"; }; Acquire::Languages "none";'
    # The downloads land in a root-owned scratch dir that the _apt sandbox user cannot write.
    echo 'APT::Sandbox::User "root";'
    apt-config dump | grep -E '^Acquire::' | grep -vE '^Acquire::(IndexTargets|cdrom|Changelogs|Languages)' | sed 's/$/;/'
  } >"$apt_dir/apt.conf"
  echo "$mirror"
}

lists_fresh=0
update_lists() {
  local mirror
  mirror=$(write_apt_config)
  say "reading the package lists of ${suites[*]} from $mirror (private apt state in $apt_dir)"
  papt apt-get update -qq >"$apt_dir/update.log" 2>&1 \
    || die 66 "apt-get update through $apt_dir/apt.conf failed ($mirror): $(grep -E '^(E|W):' "$apt_dir/update.log" | head -n 1)"
  lists_fresh=1
}

# The newest amd64 release on the mirror matching a prefix. 6.x ships linux-image-REL (image and
# modules); from 7.x Debian splits linux-binary-REL (vmlinuz) from linux-modules-REL.
mirror_release() {
  { papt apt-cache pkgnames linux-image- ; papt apt-cache pkgnames linux-binary- ; } 2>/dev/null \
    | sed -nE 's/^linux-(image|binary)-([0-9]+\.[0-9]+[0-9.]*(-[0-9]+)?(\+deb[0-9.]+)?-amd64)$/\2/p' \
    | sort -u | while read -r k; do if matches "$1" "$k"; then echo "$k"; fi; done | newest
}

packages_of() {
  if papt apt-cache show "linux-binary-$1" >/dev/null 2>&1; then
    echo "linux-binary-$1 linux-modules-$1 linux-base-$1"
  else
    echo "linux-image-$1"
  fi
}

# Downloads and unpacks one release into $cache/RELEASE (renamed into place when complete).
fetch_release() {
  local kver=$1 pkgs stage dl moddir d
  read -ra pkgs <<<"$(packages_of "$kver")"
  stage=$(mktemp -d "$cache/.stage-$kver.XXXXXX")
  dl=$stage/.debs
  mkdir -p "$dl"
  say "downloading ${pkgs[*]}"
  (cd "$dl" && papt apt-get download -qq "${pkgs[@]}") >"$dl/download.log" 2>&1 \
    || { rm -rf "$stage"; die 66 "apt-get download ${pkgs[*]} failed: $(grep -E '^(E|W):' "$dl/download.log" | head -n 1)"; }
  for d in "$dl"/*.deb; do
    dpkg-deb -x "$d" "$stage" || { rm -rf "$stage"; die 66 "dpkg-deb -x $(basename "$d") failed"; }
  done
  # 7.x (merged /usr) puts everything under usr/lib/modules/RELEASE; 6.x uses boot/ and lib/.
  [[ -e $stage/lib ]] || ln -s usr/lib "$stage/lib"
  moddir=$stage/lib/modules/$kver
  ln -sfn "$(cd "$stage" && ls -d "lib/modules/$kver/vmlinuz" "boot/vmlinuz-$kver" 2>/dev/null | head -n 1)" "$stage/vmlinuz"
  ln -sfn "$(cd "$stage" && ls -d "lib/modules/$kver/config" "boot/config-$kver" 2>/dev/null | head -n 1)" "$stage/config"
  [[ -d $moddir && -r $stage/vmlinuz && -r $stage/config ]] \
    || { rm -rf "$stage"; die 66 "${pkgs[*]} hold no vmlinuz, config and modules for $kver"; }
  depmod -b "$stage" "$kver" || { rm -rf "$stage"; die 66 "depmod -b $stage $kver failed"; }
  # The ELF inside the bzImage, for qemu's faster PVH boot (extract-vmlinux.sh): unpacked once
  # here instead of on every boot. A kernel without PVH simply has none.
  "$here/extract-vmlinux.sh" "$stage/vmlinuz" "$stage/config" "$stage/vmlinux" || true
  echo "$kver" >"$stage/kver"
  { printf '%s\n' "${pkgs[@]}"; date -u +%FT%TZ; } >"$stage/.retx-complete"
  rm -rf "$dl"
  rm -rf "${cache:?}/$kver"
  mv "$stage" "$cache/$kver"
}

if ((cached_only)); then
  for p in "${prefixes[@]}"; do
    k=$(cached "$p")
    [[ -n $k ]] || die 66 "no kernel matching '$p' in $cache (fetch it: lab/vm/fetch-kernel.sh $p, or scripts/setup.sh --vm)"
    echo "$cache/$k"
  done
  exit 0
fi
((EUID == 0)) || die 3 "must run as root (the cache is $cache; set RETX_KERNEL_CACHE to move it)"
for t in apt-get dpkg-deb depmod; do command -v "$t" >/dev/null || die 3 "$t not found"; done
mkdir -p "$cache" || die 3 "cannot create $cache"
exec {lock}>"$cache/.lock"
flock -w 1800 "$lock" || die 66 "another fetch holds $cache/.lock"
rm -rf "$cache"/.stage-*   # what a killed fetch left (we hold the lock: no fetch is running)

for p in "${prefixes[@]}"; do
  k=""
  ((refresh)) || k=$(cached "$p")
  if [[ -z $k ]]; then
    ((lists_fresh)) || update_lists
    k=$(mirror_release "$p")
    [[ -n $k ]] || die 66 "no amd64 kernel matching '$p' in ${suites[*]} on $(cat "$apt_dir/etc/sources.list" | awk '{print $3; exit}')"
    if [[ -e $cache/$k/.retx-complete ]]; then say "$k is already cached"
    else fetch_release "$k"; say "$k unpacked in $cache/$k"; fi
  fi
  echo "$cache/$k"
done
