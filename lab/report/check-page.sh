#!/usr/bin/env bash
# Opens a page written by render-report.sh in headless Chromium (Debian's package, fresh
# profile) and checks it the way a reader would see it: the browser logged nothing to the
# console (no script error, no blocked fetch) and the page's own check passed (every grid cell
# and every plot marker there; page/check.js). Optionally keeps the DOM and a screenshot.
#
#   check-page.sh PAGE.html [--screenshot OUT.png] [--dom OUT.html]
#
# Exit codes: 0 the page is good, 1 it is not (the reasons on stderr), 2 bad usage,
# 3 chromium missing (scripts/setup.sh installs it).
set -euo pipefail

die() { echo "check-page.sh: $*" >&2; exit "${2:-2}"; }
page="" shot="" dom_out=""
while (($#)); do
  case $1 in
    --screenshot) (($# >= 2)) || die "--screenshot needs a file"; shot=$2; shift 2 ;;
    --dom) (($# >= 2)) || die "--dom needs a file"; dom_out=$2; shift 2 ;;
    -h | --help) sed -n '7p' "$0" | sed 's/^# //'; exit 0 ;;
    -*) die "unknown option '$1'" ;;
    *) [[ -z $page ]] || die "one page at a time"; page=$1; shift ;;
  esac
done
[[ -n $page && -r $page ]] || die "usage: check-page.sh PAGE.html [--screenshot OUT.png] [--dom OUT.html]"
command -v chromium >/dev/null || die "chromium not installed: run scripts/setup.sh" 3
url="file://$(cd "$(dirname "$page")" && pwd)/$(basename "$page")"

WORK=$(mktemp -d /tmp/retx-check-page.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# browser NAME ARGS...: one run with its own profile; stdout to NAME.out, the log to NAME.err.
# timeout: a hung browser must fail the check, not stall CI.
browser() {
  local name=$1; shift
  mkdir "$WORK/$name.profile"
  timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$WORK/$name.profile" --enable-logging=stderr --v=0 "$@" "$url" \
    >"$WORK/$name.out" 2>"$WORK/$name.err" || die "chromium exited $? on $url" 1
}

problems=0
# The same width as the screenshot, so the height the page reports is the screenshot's.
browser dom --dump-dom --window-size=1280,1000
[[ -z $dom_out ]] || cp "$WORK/dom.out" "$dom_out"
# Chromium logs every console message (any level) as ":CONSOLE"; a good page logs none.
if grep -q ':CONSOLE' "$WORK/dom.err"; then
  grep ':CONSOLE' "$WORK/dom.err" | sed 's/^/check-page.sh: console: /' >&2
  problems=1
fi
flag=$(grep -o 'data-render-ok="[^"]*"' "$WORK/dom.out" | head -1 | cut -d'"' -f2 || true)
if [[ $flag != 1 ]]; then
  echo "check-page.sh: the page's own check did not pass (data-render-ok=\"$flag\")" >&2
  problems=1
fi

if [[ -n $shot ]]; then
  # The whole page in one image; capped below Chromium's largest texture.
  height=$(grep -o 'data-page-height="[0-9]*"' "$WORK/dom.out" | head -1 | cut -d'"' -f2 || true)
  height=${height:-6000}
  ((height <= 16000)) || height=16000
  browser shot --screenshot="$WORK/shot.png" --window-size=1280,"$height"
  [[ -s $WORK/shot.png ]] || die "chromium wrote no screenshot" 1
  cp "$WORK/shot.png" "$shot"
fi
((problems == 0)) || exit 1
echo "check-page.sh: $page renders cleanly${shot:+; screenshot $shot}"
