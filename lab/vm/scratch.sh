# Sourced by run-in-vm.sh and fleet.sh: a scratch dir that names its owner's pid, so the dir of a
# run that was SIGKILLed (no trap ran) is removed by the next run.
# new_scratch PREFIX: removes PREFIX.* dirs whose owner is gone, then sets $tmp to a new one.
new_scratch() {
  local d o
  for d in "$1".*/; do
    o=$(cat "$d/owner" 2>/dev/null) || continue
    [[ $o =~ ^[0-9]+$ ]] && ! kill -0 "$o" 2>/dev/null && rm -rf "$d"
  done
  tmp=$(mktemp -d "$1.XXXXXX") || return 1
  echo $$ >"$tmp/owner"
}
