#!/usr/bin/env python3
"""Static checks (no VM, no network) of the Vagrantfile, lima/retxlab.yaml and the harness's
argument handling. Both VM definitions must provision through scripts/setup.sh, the script CI
uses, and run the smoke suite: that is what keeps them from drifting away from CI.
usage: check_vm_configs.py SOURCE_DIR      exit 0 ok, 1 a check failed, 77 skipped (reason)"""
import os, shutil, subprocess, sys, tempfile

src = sys.argv[1]
failures, skipped = [], []


def check(name, cond, detail=""):
    print(("ok: " if cond else "FAIL: ") + name + ("" if cond else f" ({detail})"))
    if not cond:
        failures.append(name)


def run(cmd, cwd=src, env=None):
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


vagrantfile = open(os.path.join(src, "Vagrantfile")).read()
lima_path = os.path.join(src, "lima", "retxlab.yaml")

# --- Vagrantfile: read as text (no Ruby needed for these) ---
code = "\n".join(l.split("#", 1)[0] for l in vagrantfile.splitlines())  # comments don't count
check("Vagrantfile uses a Debian 12 box", '"debian/bookworm64"' in code)
check("Vagrantfile provisions with scripts/setup.sh", "scripts/setup.sh" in code)
check("Vagrantfile runs the smoke suite", "retx-lab run --suite smoke" in code)
check("Vagrantfile runs setup.sh before the build",
      0 <= code.find("scripts/setup.sh") < code.find("cmake -S"), "order")

# --- Lima template: parsed as YAML ---
try:
    import yaml
except ImportError:
    yaml = None
    skipped.append("python3-yaml not installed: lima/retxlab.yaml not parsed")
if yaml:
    with open(lima_path) as f:
        lima = yaml.safe_load(f)
    images = lima.get("images") or []
    check("Lima image is Debian 12 x86_64",
          any("debian-12" in i.get("location", "") and i.get("arch") == "x86_64" for i in images),
          images)
    prov = lima.get("provision") or []
    scripts = [p.get("script", "") for p in prov if p.get("mode") == "system"]
    body = "\n".join(scripts)
    check("Lima has a system provision script", bool(scripts))
    check("Lima provisions with scripts/setup.sh", "scripts/setup.sh" in body)
    check("Lima runs the smoke suite", "retx-lab run --suite smoke" in body)
    check("Lima's REPO param is declared and used",
          "REPO" in (lima.get("param") or {}) and "PARAM_REPO" in body)
    check("Lima's script starts with #!", all(s.startswith("#!") for s in scripts))

# --- Ruby-level checks where the tools exist (scripts/setup.sh --vm installs them) ---
if shutil.which("ruby"):
    r = run(["ruby", "-c", "Vagrantfile"])
    check("ruby -c Vagrantfile", r.returncode == 0, r.stderr.strip())
else:
    skipped.append("ruby not installed: ruby -c skipped")
if shutil.which("vagrant"):
    # In a scratch copy: validate writes .vagrant/ and ~/.vagrant.d otherwise.
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, VAGRANT_HOME=os.path.join(tmp, "home"))
        shutil.copy(os.path.join(src, "Vagrantfile"), tmp)
        r = run(["vagrant", "validate", "--ignore-provider"], cwd=tmp, env=env)
        check("vagrant validate", r.returncode == 0, (r.stdout + r.stderr).strip()[-300:])
        # Negative control: validate must reject a misspelled setting, or it proves nothing.
        with open(os.path.join(tmp, "Vagrantfile"), "w") as f:
            f.write(vagrantfile.replace("config.vm.hostname", "config.vm.hostnam"))
        r = run(["vagrant", "validate", "--ignore-provider"], cwd=tmp, env=env)
        check("vagrant validate rejects a misspelled setting", r.returncode != 0)
else:
    skipped.append("vagrant not installed: vagrant validate skipped")

# --- setup.sh: --vm is the only new option; anything else is refused before installing ---
if os.geteuid() == 0:
    r = run(["bash", "scripts/setup.sh", "--no-such-option"])
    check("setup.sh refuses an unknown option with exit 2", r.returncode == 2, r.returncode)

# --- run-in-vm.sh and fetch-kernel.sh: bad input gets one line and a distinct exit code, no VM
# and no network needed (an empty kernel cache stands for "not fetched") ---
vm = os.path.join(src, "lab", "vm", "run-in-vm.sh")
fetch = os.path.join(src, "lab", "vm", "fetch-kernel.sh")
empty_cache = tempfile.mkdtemp(prefix="retx-kcache-")
cases = [([], 2, "no command"), (["--timeout", "x", "--", "true"], 2, "bad timeout"),
         (["--bogus", "--", "true"], 2, "unknown option"),
         (["--kernel", "6.x/../", "--", "true"], 2, "bad kernel prefix"),
         (["--forward", "2112", "--", "true"], 2, "bad --forward")]
if os.geteuid() == 0:
    cases.append((["--kernel", "5.4", "--", "true"], 66, "kernel not in the cache"))
for args, want, why in cases:
    r = run(["bash", vm] + args, env=dict(os.environ, RETX_KERNEL_CACHE=empty_cache))
    lines = r.stderr.strip().splitlines()
    check(f"run-in-vm.sh {why}: exit {want}, one line",
          r.returncode == want and len(lines) == 1 and lines[0].startswith("run-in-vm: "),
          f"exit {r.returncode}, stderr {r.stderr.strip()!r}")

for args, want, why in [([], 2, "no prefix"), (["--cached", "5.4"], 66, "--cached, not cached"),
                        (["--cached", "6.1;rm"], 2, "bad prefix")]:
    r = run(["bash", fetch] + args, env=dict(os.environ, RETX_KERNEL_CACHE=empty_cache))
    lines = r.stderr.strip().splitlines()
    check(f"fetch-kernel.sh {why}: exit {want}, one line",
          r.returncode == want and len(lines) == 1 and lines[0].startswith("fetch-kernel: "),
          f"exit {r.returncode}, stderr {r.stderr.strip()!r}")
check("fetch-kernel.sh --cached left the empty cache empty", os.listdir(empty_cache) == [])
os.rmdir(empty_cache)

# The private apt configuration reads the host's mirror at run time: it must name one here.
r = run(["bash", os.path.join(src, "lab", "vm", "host-mirror.sh")])
check("host-mirror.sh names the host's Debian mirror",
      r.returncode == 0 and r.stdout.strip().startswith(("http://", "https://", "file:/")), r.stderr.strip())

if os.geteuid() == 0 and shutil.which("setpriv"):
    r = run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "bash", vm, "--", "true"])
    check("run-in-vm.sh as non-root: exit 69 (VM unavailable), one line",
          r.returncode == 69 and r.stderr.count("\n") == 1 and "must run as root" in r.stderr,
          f"exit {r.returncode}, stderr {r.stderr.strip()!r}")

for s in skipped:
    print("note: " + s)
if failures:
    sys.exit(1)
if yaml is None:
    print("SKIP: python3-yaml not installed (scripts/setup.sh installs it)")
    sys.exit(77)
