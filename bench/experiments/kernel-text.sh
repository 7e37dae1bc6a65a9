#!/usr/bin/env bash
# Disassemble a function of the running kernel where /proc/kcore is absent
# (as on the 6.18 VM): bpftrace reads its text 64 bytes at a time, objdump
# decodes it. How bpf/README.md's "Programs the kernel skips" was found:
#
#   kernel-text.sh bpf_trace_run3 | grep -B2 -A4 0x4f4
#
#   kernel-text.sh SYMBOL [BYTES]    (x86-64 only; BYTES defaults to the
#                                     function's length: up to the next symbol)
#
# Needs root, bpftrace and objdump; writes nothing but a temporary directory.
# Any error: one line on stderr, exit 1.
set -euo pipefail
source "$(dirname "$0")/../overhead/lib.sh"  # die, usage, need_root; RXLB_TMP, removed at exit
case ${1:-} in -h | --help | "") usage ;; esac
SYM=$1 BYTES=${2:-}
[[ -z $BYTES || $BYTES =~ ^[1-9][0-9]*$ ]] || die "BYTES: want a positive integer, got '$BYTES'"
need_root
for t in bpftrace objdump; do command -v "$t" >/dev/null || die "$t missing"; done
ADDR=$(awk -v s="$SYM" '$3 == s && ($2 == "T" || $2 == "t") { print $1; exit }' /proc/kallsyms)
[[ -n $ADDR ]] || die "no text symbol '$SYM' in /proc/kallsyms"
if [[ -z $BYTES ]]; then  # kallsyms addresses have one width, so they sort as text
  NEXT=$(awk -v a="$ADDR" '$1 > a && (n == "" || $1 < n) { n = $1 } END { print n }' /proc/kallsyms)
  BYTES=$((16#$NEXT - 16#$ADDR))
fi

{
  echo 'BEGIN {'
  for ((o = 0; o < BYTES; o += 64)); do
    printf 'printf("%%d %%rx\\n", %d, buf((uint8 *)0x%x, 64));\n' "$o" "$((16#$ADDR + o))"
  done
  echo 'exit(); }'
} >"$RXLB_TMP/read.bt"
# buf() of a kernel address is a probe read of 64 bytes; %rx prints them as \xNN escapes.
bpftrace "$RXLB_TMP/read.bt" 2>/dev/null | while read -r off esc; do
  if [[ $off =~ ^[0-9]+$ ]]; then printf '%b' "$esc"; fi
done >"$RXLB_TMP/text.bin"
[[ $(stat -c %s "$RXLB_TMP/text.bin") -gt 0 ]] || die "bpftrace read nothing at 0x$ADDR"
truncate -s "$BYTES" "$RXLB_TMP/text.bin"  # read in 64-byte steps
echo "# $SYM at 0x$ADDR, $(stat -c %s "$RXLB_TMP/text.bin") bytes"
objdump -D -b binary -m i386:x86-64 --adjust-vma="0x$ADDR" "$RXLB_TMP/text.bin" | sed -n '/^[ ]*[0-9a-f]*:/p'
