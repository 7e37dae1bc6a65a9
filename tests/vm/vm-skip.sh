# Sourced by the VM tests: exit 77 (ctest's skip) with the reason when the VM cannot run here
# because scripts/setup.sh --vm has not been run; a test that can run but fails exits 1.
# vm_skip_unless_ready [KERNEL_PREFIX]
vm_skip_unless_ready() {
  local fetch=${src:?}/lab/vm/fetch-kernel.sh why
  skip() { echo "SKIP: $* (install with: scripts/setup.sh --vm)"; exit 77; }
  command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed"
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' \
    || skip "busybox-static not installed"
  if [[ -n ${1:-} ]]; then
    why=$("$fetch" --cached --quiet "$1" 2>&1 >/dev/null) || skip "${why#fetch-kernel: }"
  fi
  ((EUID == 0)) || { echo "FAIL: needs root"; exit 1; }
}
