#!/usr/bin/env python3
"""Validates deploy/kubernetes/*.yaml without a cluster (none exists here, and
kubectl's client-side dry run needs an API server for discovery).

Beyond "it parses", it checks what a typo would silently break: the scrape
annotations point at the port the exporter listens on, the selectors match, the
BTF and /run/netns mounts are right, and the capabilities are exactly the ones the
systemd unit grants but CAP_SYS_ADMIN (both files say why; they must not drift apart).

Usage: k8s_manifests.py DEPLOY_DIR
"""
import pathlib
import re
import sys

import yaml

errors = []


def check(cond, what):
    if not cond:
        errors.append(what)
    return cond


def load(path):
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    for d in docs:
        check(all(k in d for k in ("apiVersion", "kind", "metadata")), f"{path.name}: document without apiVersion/kind/metadata")
        check("name" in d.get("metadata", {}), f"{path.name}: {d.get('kind')} without metadata.name")
    return {(d["kind"], d["metadata"]["name"]): d for d in docs}


def unit_caps(deploy):
    text = (deploy / "systemd" / "retx-exporter.service").read_text()
    amb = re.search(r"^AmbientCapabilities=(.*)$", text, re.M).group(1).split()
    bound = re.search(r"^CapabilityBoundingSet=(.*)$", text, re.M).group(1).split()
    check(amb == bound, "systemd unit: AmbientCapabilities differs from CapabilityBoundingSet")
    return {c.removeprefix("CAP_") for c in amb}


def main():
    deploy = pathlib.Path(sys.argv[1])
    k8s = deploy / "kubernetes"
    ds_docs = load(k8s / "retx-exporter-daemonset.yaml")
    sm_docs = load(k8s / "retx-exporter-servicemonitor.yaml")

    ds = ds_docs[("DaemonSet", "retx-exporter")]
    ns = ds["metadata"]["namespace"]
    check(("Namespace", ns) in ds_docs, f"DaemonSet namespace {ns} is not created by the manifest")
    pod = ds["spec"]["template"]
    spec = pod["spec"]
    labels = pod["metadata"]["labels"]
    sel = ds["spec"]["selector"]["matchLabels"]
    check(sel.items() <= labels.items(), "DaemonSet selector does not match its pod labels")
    check(spec.get("hostPID") is True, "hostPID must be true (/proc of every pod)")
    check(not spec.get("hostNetwork", False), "hostNetwork must stay off")
    (c,) = spec["containers"]

    args = c["args"]
    listen = args[args.index("--listen") + 1]
    port = int(listen.rsplit(":", 1)[1])
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    check(ports.get("metrics") == port, f"container port 'metrics' {ports} != --listen port {port}")
    ann = pod["metadata"]["annotations"]
    check(ann.get("prometheus.io/scrape") == "true", "prometheus.io/scrape must be the string \"true\"")
    check(ann.get("prometheus.io/port") == str(port), f"prometheus.io/port {ann.get('prometheus.io/port')} != {port}")
    check(ann.get("prometheus.io/path") == "/metrics", "prometheus.io/path must be /metrics")
    for probe in ("readinessProbe", "livenessProbe"):
        get = c[probe]["httpGet"]
        check(get["path"] == "/healthz" and get["port"] in ("metrics", port), f"{probe} must GET /healthz on the metrics port")

    sc = c["securityContext"]
    check(sc["capabilities"]["drop"] == ["ALL"], "capabilities must drop ALL")
    # The unit's set without SYS_ADMIN: in a cluster every pod's namespace has a process in
    # it, read through with SYS_PTRACE, so nothing needs entering a namespace (setns).
    want = unit_caps(deploy) - {"SYS_ADMIN"}
    check(set(sc["capabilities"]["add"]) == want,
          f"capabilities {sc['capabilities']['add']} != systemd unit's without SYS_ADMIN {sorted(want)}")
    check(not sc.get("privileged", False), "must not be privileged")
    check(sc.get("readOnlyRootFilesystem") is True, "root filesystem must be read-only")

    vols = {v["name"]: v for v in spec["volumes"]}
    mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
    btf = mounts.get("/sys/kernel/btf")
    if check(btf is not None, "no /sys/kernel/btf mount"):
        check(btf.get("readOnly") is True, "/sys/kernel/btf must be mounted read-only")
        check(vols[btf["name"]]["hostPath"]["path"] == "/sys/kernel/btf", "BTF volume must be hostPath /sys/kernel/btf")
    rn = mounts.get("/run/netns")
    if check(rn is not None, "no /run/netns mount"):
        check(rn.get("mountPropagation") == "HostToContainer", "/run/netns needs mountPropagation HostToContainer")
        check(vols[rn["name"]]["hostPath"]["path"] in ("/run/netns", "/var/run/netns"), "netns volume must be hostPath /run/netns")

    # Exporter flags used here must exist (the help text is the source of truth).
    if len(sys.argv) > 2:
        import subprocess
        help_text = subprocess.run([sys.argv[2], "--help"], capture_output=True, text=True).stdout
        for a in args:
            if a.startswith("--"):
                check(a in help_text, f"exporter has no flag {a}")

    svc = sm_docs[("Service", "retx-exporter")]
    sm = sm_docs[("ServiceMonitor", "retx-exporter")]
    check(svc["metadata"]["namespace"] == ns and sm["metadata"]["namespace"] == ns, "Service/ServiceMonitor namespace differs")
    check(svc["spec"]["selector"].items() <= labels.items(), "Service selector does not match the DaemonSet's pods")
    check(svc["spec"].get("clusterIP") == "None", "Service must be headless (scrape each node)")
    svc_ports = {p["name"]: p for p in svc["spec"]["ports"]}
    check(svc_ports.get("metrics", {}).get("port") == port, "Service port 'metrics' != exporter port")
    check(sm["spec"]["selector"]["matchLabels"].items() <= svc["metadata"]["labels"].items(), "ServiceMonitor selector misses the Service")
    check(ns in sm["spec"]["namespaceSelector"]["matchNames"], "ServiceMonitor namespaceSelector misses the namespace")
    check(all(e["port"] in svc_ports for e in sm["spec"]["endpoints"]), "ServiceMonitor endpoint port not on the Service")
    # The Operator names the job after the Service; the rules select job="retx-exporter".
    check(svc["metadata"]["name"] == "retx-exporter", "Service must be named retx-exporter (job label of the rules)")

    for e in errors:
        print("FAIL " + e)
    print(f"kubernetes manifests: {len(ds_docs) + len(sm_docs)} objects, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
