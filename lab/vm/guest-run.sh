#!/bin/bash
# Stage 2 inside the guest, PID 1 on the overlay root (host userland, 6.1 kernel).
# Runs the job's command in the host's working directory (shared read-write), writes its exit
# code back through the job share and powers off. It never returns: PID 1 exiting would be a
# kernel panic. Kept tiny: every exec of a host binary over 9p is slow under TCG.
job=/run/retx-vm
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8

# Each line carries the guest's uptime (shown by --verbose): boot-time regressions show which
# step grew.
log() { local up; read -r up _ </proc/uptime; echo "[$up] $*" >>"$job/guest.log"; }

# isa-debug-exit (port 0xf4) makes qemu exit with (v << 1) | 1: the exit code still reaches the
# host if the 9p write of "rc" did not, but only its low 7 bits fit in an 8-bit exit status.
# sysrq poweroff is the last resort.
power_off() {
  sync
  printf "\\x$(printf %02x $(($1 & 127)))" | dd of=/dev/port bs=1 seek=244 count=1 status=none 2>/dev/null
  echo o >/proc/sysrq-trigger
  sleep 30
}

# /proc, /sys (with /sys/kernel/btf), /dev, /run, the working directory share and the rest
# were mounted by /init (busybox, in RAM), which also loaded the lab's modules.
log "stage 2 started"
ulimit -l unlimited            # harmless on 6.1 (memcg accounting), needed on older kernels

log "starting the command"
: >"$job/started"
# setsid + a controlling-terminal-free session: the command can't signal PID 1 by mistake.
setsid -w /bin/bash "$job/cmd.sh" >"$job/stdout" 2>"$job/stderr" </dev/null
rc=$?
echo "$rc" >"$job/rc.tmp" && mv "$job/rc.tmp" "$job/rc"
power_off "$rc"
