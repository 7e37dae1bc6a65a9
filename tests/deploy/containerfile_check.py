#!/usr/bin/env python3
"""Checks deploy/container/Containerfile without a container engine (there is no
Docker/Podman daemon here):

1. every base image is Debian 12 (debian:12, debian:12-slim, debian:bookworm...);
2. software enters only through `apt-get install` of packages that exist in
   Debian 12's archive (apt-cache show), never curl/wget/pip/npm/git or ADD of a URL;
3. the run stage installs the package owning every shared library the real
   binary links (ldd + dpkg -S), and the one civetweb loads by name for TLS
   (libcrypto.so), so the image cannot fail with "cannot open shared object
   file" -- skipped only when no binary path is given.

Usage: containerfile_check.py CONTAINERFILE [EXPORTER_BINARY]
"""
import re
import subprocess
import sys

errors = []
# Present in every debian:12-slim image (Priority: required, or needed by apt itself).
BASE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g"}


def logical_lines(text):
    """Dockerfile lines with continuations joined and comments dropped."""
    out, cur = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not cur and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            cur += line[:-1] + " "
            continue
        out.append(cur + line)
        cur = ""
    return out


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    stages = []  # [name, [packages]]
    for line in logical_lines(text):
        instr, _, rest = line.partition(" ")
        instr = instr.upper()
        if instr == "FROM":
            image = rest.split()[0]
            if not re.fullmatch(r"debian:(12|bookworm)(-slim|-\d{8}(-slim)?)?(@sha256:[0-9a-f]{64})?", image):
                errors.append(f"FROM {image}: not a Debian 12 image")
            stages.append([rest, []])
        elif instr == "ADD":
            errors.append(f"ADD {rest}: use COPY of repository files (ADD can fetch URLs and unpack archives)")
        elif instr == "RUN":
            for bad in ("curl", "wget", "pip", "npm", "git clone", "go install", "cargo", "dpkg -i", "add-apt-repository", "sources.list"):
                if re.search(r"(^|[\s;&|])" + re.escape(bad) + r"\b", rest):
                    errors.append(f"RUN uses '{bad}': only Debian packages may be installed")
            for cmd in re.split(r"&&|;", rest):
                m = re.search(r"apt-get\s+install\s+(.*)", cmd)
                if m:
                    stages[-1][1] += [w for w in m.group(1).split() if not w.startswith("-")]
    if not stages:
        errors.append("no FROM")
    all_pkgs = sorted({p for _, pkgs in stages for p in pkgs})
    if not all_pkgs:
        errors.append("installs no packages at all")
    # One apt-cache call for all names (one each takes ~1 s); unknown names are simply
    # missing from its output.
    r = subprocess.run(["apt-cache", "show", "--no-all-versions", *all_pkgs], capture_output=True, text=True)
    known = set(re.findall(r"^Package: (\S+)$", r.stdout, re.M))
    if not known:
        errors.append("apt-cache knows none of the packages: are the apt lists empty? (apt-get update)")
    for p in all_pkgs:
        if known and p not in known:
            errors.append(f"package {p}: not in the Debian archive known to apt-cache")

    run_pkgs = set(stages[-1][1]) | BASE_PACKAGES if stages else set()
    if len(sys.argv) > 2:
        ldd = subprocess.run(["ldd", sys.argv[2]], capture_output=True, text=True, check=True).stdout
        libs = re.findall(r"=>\s+(/\S+)", ldd)
        for lib in libs:
            owner = subprocess.run(["dpkg", "-S", lib], capture_output=True, text=True)
            if owner.returncode != 0:  # /lib is a symlink to /usr/lib on Debian 12
                owner = subprocess.run(["dpkg", "-S", lib.replace("/lib/", "/usr/lib/", 1)], capture_output=True, text=True)
            pkg = owner.stdout.split(":")[0] if owner.returncode == 0 else None
            if pkg is None:
                errors.append(f"{lib}: no Debian package owns it")
            elif pkg not in run_pkgs:
                errors.append(f"{lib} comes from {pkg}, which the run stage does not install")
        print(f"run stage covers the {len(libs)} shared libraries of {sys.argv[2]}")
        # civetweb loads OpenSSL for TLS with dlopen("libcrypto.so"), a name ldd cannot see.
        crypto = subprocess.run(["dpkg", "-S", "/usr/lib/x86_64-linux-gnu/libcrypto.so"], capture_output=True, text=True)
        pkg = crypto.stdout.split(":")[0] if crypto.returncode == 0 else None
        if pkg and pkg not in run_pkgs:
            errors.append(f"libcrypto.so (dlopened by civetweb for TLS) comes from {pkg}, which the run stage does not install")
    else:
        print("no exporter binary given: shared-library coverage not checked")

    print(f"Containerfile: {len(stages)} stages, packages {all_pkgs}")
    for e in errors:
        print("FAIL " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
