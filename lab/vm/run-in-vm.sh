#!/usr/bin/env bash
# Runs one command as root inside a Debian kernel under qemu (TCG), with the host's root
# filesystem as the guest's (read-only 9p + tmpfs overlay) and the current directory shared
# read-write, so host-built binaries run unchanged and reports land on the host.
# Prints the command's stdout/stderr and exits with its exit code.
#
# usage: run-in-vm.sh [--kernel PREFIX] [--timeout S] [--boot-timeout S] [--cpus N] [--mem MB]
#                     [--forward HOSTPORT:GUESTPORT]... [--env NAME]... [--retry-on-panic] [--verbose]
#                     -- CMD [ARGS...]
#   --kernel 6.1|6.12|7: the newest cached kernel with that version prefix (default 6.1),
#   fetched beforehand by lab/vm/fetch-kernel.sh (scripts/setup.sh --vm); never downloaded here.
#   --forward: a user-mode NIC (no route out, nothing but the forwards) with host
#   127.0.0.1:HOSTPORT forwarded to the guest's port GUESTPORT.
#   --retry-on-panic: if the guest kernel panics while the command runs, boot again and run the
#   command once more (for commands that can simply be rerun); the oops is printed either way.
# Exit codes of its own (each with one "run-in-vm:" line on stderr):
#   2 bad usage, 66 no cached kernel matches --kernel, 69 VM unavailable (not root, qemu or
#   busybox absent; EX_UNAVAILABLE), 123 the guest kernel panicked while the command ran (twice
#   with --retry-on-panic), 124 the command timed out, 125 the guest gave no exit code otherwise
#   (boot failed twice). Other codes are the command's own (retx-lab uses 0-3, the exporter 0-7),
#   hence 66, 69 and 12x.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# Milliseconds since the epoch in $now. Not echoed: a $(...) subshell is a child, and like
# /bin/sleep it would swallow a SIGINT sent to this script while the poll loop waits on it.
now_ms() { local t=${EPOCHREALTIME/./}; now=$((t / 1000)); }
now_ms; t_launch=$now
die() { echo "run-in-vm: $2" >&2; exit "$1"; }

verbose=0 retry_panic=0 kernel=6.1 timeout=1800 boot_timeout=60 cpus=2 mem=2048 envs=() forwards=()
while (($#)); do
  case $1 in
    --kernel) kernel=${2:-}; shift 2 || die 2 "--kernel needs a version prefix (6.1, 6.12, 7)" ;;
    --forward) forwards+=("${2:-}"); shift 2 || die 2 "--forward needs HOSTPORT:GUESTPORT" ;;
    --timeout) timeout=${2:-}; shift 2 || die 2 "--timeout needs seconds" ;;
    --boot-timeout) boot_timeout=${2:-}; shift 2 || die 2 "--boot-timeout needs seconds" ;;
    --cpus) cpus=${2:-}; shift 2 || die 2 "--cpus needs a number" ;;
    --mem) mem=${2:-}; shift 2 || die 2 "--mem needs megabytes" ;;
    --env) envs+=("${2:-}"); shift 2 || die 2 "--env needs a variable name" ;;
    --verbose) verbose=1; shift ;;
    --retry-on-panic) retry_panic=1; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    --) shift; break ;;
    *) die 2 "unknown option '$1' (the command goes after --)" ;;
  esac
done
(($#)) || die 2 "no command given (usage: run-in-vm.sh [options] -- CMD [ARGS...])"
for n in "$timeout" "$boot_timeout" "$cpus" "$mem"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die 2 "'$n' is not a positive integer"
done
for e in "${envs[@]}"; do [[ $e =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die 2 "--env '$e' is not a variable name"; done
for f in "${forwards[@]}"; do
  [[ $f =~ ^[1-9][0-9]*:[1-9][0-9]*$ ]] || die 2 "--forward '$f' is not HOSTPORT:GUESTPORT"
done
[[ $kernel =~ ^[0-9][0-9A-Za-z.+~-]*$ ]] || die 2 "--kernel '$kernel' is not a version prefix (6.1, 6.12, 7)"

cwd=$PWD
[[ $cwd != / ]] || die 2 "refusing to share / read-write: cd into the project first"
[[ $cwd != *$'\n'* ]] || die 2 "the working directory's name contains a newline"

# --- missing features: exit 69 -------------------------------------------------------------
((EUID == 0)) || die 69 "must run as root (9p passthrough keeps file owners; the guest runs as root)"
command -v qemu-system-x86_64 >/dev/null || die 69 "qemu-system-x86_64 not found (run scripts/setup.sh --vm)"
# The kernel's unpacked tree (fetch-kernel.sh): vmlinuz, config, lib/modules/RELEASE. The
# guest's modules come from there, never from the host's /lib/modules.
ktree=$("$here/fetch-kernel.sh" --cached --quiet "$kernel" 2>&1) || die 66 "${ktree#fetch-kernel: }"
kver=$(<"$ktree/kver")
image=$ktree/vmlinuz
moddir=$ktree/lib/modules/$kver

# --- scratch space, always removed -----------------------------------------------------------
. "$here/scratch.sh"
new_scratch /tmp/retx-vm || die 69 "mktemp failed"
qpid="" out_off=0 err_off=0
stop_qemu() {
  [[ -n $qpid ]] || return 0
  kill "$qpid" 2>/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$qpid" 2>/dev/null || break; nap 0.1; done
  kill -9 "$qpid" 2>/dev/null
  wait "$qpid" 2>/dev/null
  qpid=""
}
cleanup() {
  stop_qemu
  rm -rf "$tmp"
}
trap cleanup EXIT
# Sleeping with the read builtin on a fifo nobody writes to, not /bin/sleep: bash defers traps
# while a foreground child runs and drops a SIGINT that the child survived, so a "kill -INT"
# aimed at this script alone would be lost during a sleep.
mkfifo "$tmp/nap" && exec {nap_fd}<>"$tmp/nap" || die 69 "cannot create a fifo in $tmp"
nap() { read -rt "$1" -u "$nap_fd" _ || true; }
trap 'echo "run-in-vm: interrupted" >&2; exit 130' INT
trap 'echo "run-in-vm: terminated" >&2; exit 143' TERM

"$here/build-initramfs.sh" "$ktree" "$tmp/initrd.gz" || die 69 "could not build the initramfs"
# First boot: the unpacked ELF through PVH (~2 s faster under TCG); the retry, if any, boots
# the bzImage as Debian ships it, in case the fast path is what failed.
boot_kernels=("$image" "$image")
# RETX_VM_BZIMAGE=1 skips the fast path (tests use it to keep the retry's path proven).
# fetch-kernel.sh unpacked the ELF once; a cache from before that is unpacked per run.
if [[ ${RETX_VM_BZIMAGE:-0} != 1 ]]; then
  if [[ -s $ktree/vmlinux ]]; then boot_kernels[0]=$ktree/vmlinux
  elif "$here/extract-vmlinux.sh" "$image" "$ktree/config" "$tmp/vmlinux"; then boot_kernels[0]=$tmp/vmlinux; fi
fi

# Copies what the command wrote since the last call to our stdout/stderr: CI logs show
# progress while it runs, and a hang shows where. Byte offsets, so nothing is lost or doubled.
pump() {
  local f=$tmp/job/stdout size
  size=$(stat -c %s "$f" 2>/dev/null) || size=0
  ((size > out_off)) && { tail -c +$((out_off + 1)) "$f" | head -c $((size - out_off)); out_off=$size; }
  f=$tmp/job/stderr
  size=$(stat -c %s "$f" 2>/dev/null) || size=0
  ((size > err_off)) && { tail -c +$((err_off + 1)) "$f" | head -c $((size - err_off)) >&2; err_off=$size; }
  return 0
}

# --forward: slirp with restrict=on gives the guest no route to the host or beyond; only the
# host-side forwards (bound to loopback) reach it. Without --forward the guest has no NIC.
net=()
if ((${#forwards[@]})); then
  fw=""
  for f in "${forwards[@]}"; do fw+=",hostfwd=tcp:127.0.0.1:${f%%:*}-:${f#*:}"; done
  net=(-netdev "user,id=net0,restrict=on$fw" -device virtio-net-pci,netdev=net0)
fi

deathsig=""
setpriv --help 2>/dev/null | grep -q -- --pdeathsig && deathsig="setpriv --pdeathsig KILL"

# One boot attempt. Sets $status (qemu's exit status) and $phase: boot (qemu ended before the
# command started), started, done (rc seen), timeout0 (boot hung) or timeout1 (command too long).
boot_once() {
  out_off=0 err_off=0
  rm -rf "$tmp/job" && mkdir -p "$tmp/job" && : >"$tmp/console.log"
  cp "$here/guest-run.sh" "$tmp/job/guest-run.sh"
  printf '%s\n' "$cwd" >"$tmp/job/cwd"
  {
    printf 'export RETX_VM=1 RETX_VM_KERNEL=%q\n' "$kver"
    [[ -n ${CI:-} ]] && printf 'export CI=%q\n' "$CI"
    for e in "${envs[@]}"; do [[ -n ${!e+x} ]] && printf 'export %s=%q\n' "$e" "${!e}"; done
    printf 'cd -- %q || exit 125\nexec' "$cwd"
    printf ' %q' "$@"
    printf '\n'
  } >"$tmp/job/cmd.sh"

  # Full kernel messages only with --verbose: the emulated serial port is slow under TCG.
  local quiet=quiet
  ((verbose)) && quiet=""
  # pc, not microvm: microvm hung in a third of TCG boots. -no-reboot + panic=-1 turn a guest
  # panic into a qemu exit. mitigations=off: nothing to protect in a throwaway guest, and
  # TCG pays for every mitigation. multidevs=remap: / spans several host filesystems.
  # setpriv --pdeathsig: should this script be SIGKILLed (no trap runs), qemu dies with it.
  $deathsig qemu-system-x86_64 -accel tcg,thread=multi -M pc -cpu "${RETX_VM_CPU:-max}" -smp "$cpus" -m "$mem" \
    -nodefaults -no-user-config -display none -no-reboot -monitor none \
    -serial "file:$tmp/console.log" \
    -kernel "${boot_kernels[attempt - 1]}" -initrd "$tmp/initrd.gz" \
    -append "console=ttyS0 panic=-1 $quiet mitigations=off" \
    -fsdev local,id=hostroot,path=/,security_model=passthrough,readonly=on,multidevs=remap \
    -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
    -fsdev "local,id=retxjob,path=$tmp/job,security_model=passthrough" \
    -device virtio-9p-pci,fsdev=retxjob,mount_tag=retxjob \
    -fsdev "local,id=retxwork,path=$cwd,security_model=passthrough,multidevs=remap" \
    -device virtio-9p-pci,fsdev=retxwork,mount_tag=retxwork \
    -fsdev "local,id=retxmods,path=$moddir,security_model=passthrough,readonly=on" \
    -device virtio-9p-pci,fsdev=retxmods,mount_tag=retxmods \
    "${net[@]}" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    </dev/null >"$tmp/qemu.out" 2>&1 &
  qpid=$!
  local t0 started=0
  now_ms; t0=$now phase=boot
  while kill -0 "$qpid" 2>/dev/null; do
    if ((!started)) && [[ -e $tmp/job/started ]]; then
      now_ms; started=1 phase=started t_started=$now
    fi
    ((started)) && pump
    # rc is written after the command's output is closed, and the 9p share is uncached: once it
    # exists nothing is left to wait for, so stop qemu instead of waiting for the guest's poweroff.
    if ((started)) && [[ -s $tmp/job/rc ]]; then phase=done; stop_qemu; break; fi
    # The boot and the command have separate clocks: a slow boot must not eat the command's time.
    now_ms
    if ((!started && now - t0 > boot_timeout * 1000)) ||
       ((started && now - t_started > timeout * 1000)); then
      phase=timeout$started
      stop_qemu
      break
    fi
    nap 0.1
  done
  if [[ -n $qpid ]]; then wait "$qpid"; status=$?; qpid=""; fi
  # A command that started and ended qemu (a panic) between two polls still started.
  if [[ $phase == boot && -e $tmp/job/started ]]; then now_ms; phase=started t_started=$now; fi
  pump
}

show_console() { echo "run-in-vm: last console lines:" >&2; tail -n 15 "$tmp/console.log" "$tmp/qemu.out" >&2; }
panicked() { grep -q 'Kernel panic - not syncing' "$tmp/console.log"; }
# The oops from its first line (header, RIP, code, trace), 40 lines at most: the last 15 lines of
# a panic are registers and say nothing of where or why.
show_oops() {
  echo "run-in-vm: the guest kernel's oops:" >&2
  awk '!n && /Oops|BUG:|int3:|invalid opcode|general protection fault|Kernel panic/ { n = NR }
       n && NR < n + 40' "$tmp/console.log" >&2
}

# A guest kernel can panic here through no fault of the command: qemu 7.2's multi-threaded TCG
# races with the kernel rewriting its own text (an int3 oops right after a static key flips);
# lab/vm/README.md, "Why a guest kernel can panic here". --retry-on-panic runs the command again.
status=0 phase="" t_started=0 attempt=1 panics=0
while :; do
  boot_once "$@"
  if [[ $phase == started ]] && panicked && ((retry_panic && panics == 0)); then
    panics=1
    show_oops
    echo "run-in-vm: the guest kernel panicked while the command ran; running it once more (--retry-on-panic)" >&2
    continue
  fi
  [[ $phase == boot || $phase == timeout0 ]] || break
  grep -q 'host forwarding rule' "$tmp/qemu.out" && die 69 "a --forward host port is in use: $(tail -n 1 "$tmp/qemu.out")"
  # Never reached the command: a hung or failed boot. Retry once; the command has not run.
  echo "run-in-vm: attempt $attempt: the guest did not reach the command ($phase, qemu status $status)" >&2
  ((attempt == 2)) && { show_console; die 125 "the guest failed to boot twice"; }
  attempt=2
done

now_ms; t_end=$now
[[ -s $tmp/job/guest.warn ]] && sed 's/^/run-in-vm: guest warning: /' "$tmp/job/guest.warn" >&2
if ((verbose)); then
  [[ -s $tmp/job/guest.log ]] && sed 's/^/run-in-vm: guest: /' "$tmp/job/guest.log" >&2
  sed 's/^/run-in-vm: console: /' "$tmp/console.log" >&2
fi
if [[ $phase == timeout1 ]]; then
  die 124 "the command did not finish within ${timeout}s"
fi
rc=$(cat "$tmp/job/rc" 2>/dev/null)
if [[ $rc =~ ^[0-9]+$ ]]; then
  :
elif ((status & 1)); then
  rc=$((status >> 1))   # isa-debug-exit: (rc << 1) | 1, so only rc's low 7 bits survive
elif panicked; then
  show_oops; die 123 "the guest kernel panicked while the command ran"
else
  show_console; die 125 "the guest ended without an exit code (qemu status $status)"
fi
printf 'run-in-vm: kernel %s: command started %d.%03d s after this script, total %d.%03d s, exit %d\n' \
  "$kver" $(((t_started - t_launch) / 1000)) $(((t_started - t_launch) % 1000)) \
  $(((t_end - t_launch) / 1000)) $(((t_end - t_launch) % 1000)) "$rc" >&2
exit "$rc"
