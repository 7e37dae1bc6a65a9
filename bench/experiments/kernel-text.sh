#!/usr/bin/env bash
# Disassemble a function of the running kernel where /proc/kcore is absent
# (as on the 6.18 VM): bpftrace reads its text 64 bytes at a time, objdump
# decodes it. How bpf/README.md's "Programs the kernel skips" was found:
#
#   kernel-text.sh bpf_trace_run3 | grep -B2 -A4 0x4f4
#
#   kernel-text.sh SYMBOL [BYTES]    (BYTES default 1024; x86-64 only)
#
# Needs root, bpftrace and objdump; writes nothing but a temporary directory.
set -euo pipefail
die() { echo "kernel-text: $*" >&2; exit 2; }
case ${1:-} in -h | --help | "") sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
SYM=$1 BYTES=${2:-1024}
[[ $BYTES =~ ^[1-9][0-9]*$ ]] || die "BYTES: want a positive integer, got '$BYTES'"
((EUID == 0)) || { echo "kernel-text: needs root (kallsyms addresses, bpftrace)" >&2; exit 3; }
for t in bpftrace objdump; do command -v "$t" >/dev/null || { echo "kernel-text: $t not found" >&2; exit 4; }; done
ADDR=$(awk -v s="$SYM" '$3 == s && ($2 == "T" || $2 == "t") { print $1; exit }' /proc/kallsyms)
[[ -n $ADDR ]] || die "no text symbol '$SYM' in /proc/kallsyms"
TMP=$(mktemp -d /tmp/rxlb-ktext.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

{
  echo 'BEGIN {'
  for ((o = 0; o < BYTES; o += 64)); do
    printf 'printf("%%d %%rx\\n", %d, buf((uint8 *)0x%x, 64));\n' "$o" "$((16#$ADDR + o))"
  done
  echo 'exit(); }'
} >"$TMP/read.bt"
# buf() of a kernel address is a probe read of 64 bytes; %rx prints them as \xNN escapes.
bpftrace "$TMP/read.bt" 2>/dev/null | while read -r off esc; do
  if [[ $off =~ ^[0-9]+$ ]]; then printf '%b' "$esc"; fi
done >"$TMP/text.bin"
[[ $(stat -c %s "$TMP/text.bin") -gt 0 ]] || die "bpftrace read nothing at 0x$ADDR"
echo "# $SYM at 0x$ADDR, $(stat -c %s "$TMP/text.bin") bytes"
objdump -D -b binary -m i386:x86-64 --adjust-vma="0x$ADDR" "$TMP/text.bin" | sed -n '/^[ ]*[0-9a-f]*:/p'
