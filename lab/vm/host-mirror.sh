#!/usr/bin/env bash
# Prints the Debian mirror this host's apt already uses: the URI of the first enabled "deb"
# source (one-line *.list or deb822 *.sources) that serves the host's own release (bookworm
# here), read at run time so nothing machine-specific is committed. fetch-kernel.sh points
# its private apt configuration at the same mirror.
# usage: host-mirror.sh            prints e.g. http://deb.debian.org/debian
# Exit 1 (one line on stderr) when no such source is configured.
set -euo pipefail
case ${1:-} in
  -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
  "") ;;
  *) echo "host-mirror: takes no arguments (see --help)" >&2; exit 2 ;;
esac

codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
[[ -n $codename ]] || { echo "host-mirror: no VERSION_CODENAME in /etc/os-release" >&2; exit 1; }

# Every (type, uri, suites) triple as "TYPE URI SUITE SUITE...", one line per source.
sources() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -r $f ]] || continue
    # "deb [opt=val ...] URI SUITE COMPONENTS..."
    sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && NF >= 3 { print $1, $2, $3 }'
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -r $f ]] || continue
    # deb822 stanzas, blank-line separated; only Types/URIs/Suites/Enabled matter here.
    awk 'function flush() { if (types ~ /(^| )deb( |$)/ && enabled != "no")
                              for (i = 1; i <= nu; i++) print "deb", u[i], suites
                            types = ""; suites = ""; enabled = ""; nu = 0 }
         /^#/ { next }
         /^[ \t]*$/ { flush(); next }
         tolower($1) == "types:" { $1 = ""; types = $0 " " }
         tolower($1) == "uris:" { for (i = 2; i <= NF; i++) u[++nu] = $i }
         tolower($1) == "suites:" { $1 = ""; suites = substr($0, 2) }
         tolower($1) == "enabled:" { enabled = tolower($2) }
         END { flush() }' "$f"
  done
}

uri=$(sources | awk -v c="$codename" '{ for (i = 3; i <= NF; i++) if ($i == c) { print $2; exit } }')
[[ -n $uri ]] || { echo "host-mirror: no enabled deb source for '$codename' in /etc/apt/sources.list{,.d}" >&2; exit 1; }
echo "${uri%/}"
