#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Structural checks of deploy/kubernetes/ (no cluster needed).

Parses every YAML file there (multi-document) and checks what a cluster
would only tell at apply or pod start time, or never: references between
the manifests, the DaemonSet's volumes, mounts, security context and
resources, the ConfigMap's bindings and policies (with the real crsnl
when userspace/crsnl is built), and that the image, the script and the
hook file the manifests name are the ones in this repository.

Prints one "ok - ..." / "not ok - ..." line per check and a kselftest
"# Totals:" line (tools/testing/run-all.sh counts it). Exit 1 on any
failure.

Usage: check-kubernetes.py [--dir DEPLOY_DIR] [--top REPO_TOP]
"""
import argparse
import json
import os
import posixpath
import re
import shlex
import subprocess
import sys
import tempfile

import jsonschema
import yaml

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
here = os.path.dirname(os.path.abspath(__file__))
ap.add_argument("--top", default=os.path.normpath(os.path.join(here, "../..")))
ap.add_argument("--dir", default=None, help="default TOP/deploy/kubernetes")
ap.add_argument("--crsnl", default=None, help="default TOP/userspace/crsnl")
args = ap.parse_args()
TOP = args.top
DIR = args.dir or os.path.join(TOP, "deploy/kubernetes")
CRSNL = args.crsnl or os.path.join(TOP, "userspace/crsnl")
REL = "deploy/kubernetes/"  # how the Dockerfile names files of DIR

counts = {"pass": 0, "fail": 0, "skip": 0}


def check(ok, what, why=""):
    if ok:
        counts["pass"] += 1
        print(f"ok - {what}")
    else:
        counts["fail"] += 1
        print(f"not ok - {what}" + (f": {why}" if why else ""))
    return ok


def skip(what, why):
    counts["skip"] += 1
    print(f"ok - {what} # SKIP {why}")


def finish():
    n = counts["pass"] + counts["fail"] + counts["skip"]
    print(f"1..{n}")
    print(f"# Totals: pass:{counts['pass']} fail:{counts['fail']} "
          f"xfail:0 xpass:0 skip:{counts['skip']} error:0")
    sys.exit(1 if counts["fail"] else 0)


def jsonerr(s):
    try:
        return json.loads(s), None
    except (ValueError, TypeError) as e:
        return None, str(e)


# ---------------------------------------------------------------- parse
DOC_SCHEMA = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata"],
    "properties": {
        "apiVersion": {"type": "string", "minLength": 1},
        "kind": {"type": "string", "minLength": 1},
        "metadata": {
            "type": "object", "required": ["name"],
            "properties": {"name": {"type": "string",
                                    "pattern": "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"}},
        },
    },
}

if not check(os.path.isdir(DIR), f"{DIR} exists"):
    finish()
yaml_files = sorted(f for f in os.listdir(DIR) if f.endswith((".yaml", ".yml")))
docs = []  # (file, index, doc)
for f in yaml_files:
    try:
        with open(os.path.join(DIR, f)) as fh:
            loaded = [d for d in yaml.safe_load_all(fh) if d is not None]
    except yaml.YAMLError as e:
        check(False, f"{f}: parses as YAML", str(e).replace("\n", " "))
        continue
    check(bool(loaded), f"{f}: parses as YAML ({len(loaded)} document(s))",
          "no document")
    for i, d in enumerate(loaded):
        try:
            jsonschema.validate(d, DOC_SCHEMA)
            ok, why = True, ""
        except jsonschema.ValidationError as e:
            ok, why = False, f"{'/'.join(map(str, e.absolute_path)) or '.'}: {e.message}"
        if check(ok, f"{f}[{i}]: apiVersion, kind, metadata.name"
                 + (f" ({d['kind']} {d['metadata']['name']})" if ok else ""), why):
            docs.append((f, i, d))


def of_kind(kind):
    return [(f, d) for f, _, d in docs if d["kind"] == kind]


# -------------------------------------------------------- kustomization
kust = [(f, d) for f, d in of_kind("Kustomization")]
check(len(kust) == 1 and kust[0][0] == "kustomization.yaml",
      "one Kustomization, in kustomization.yaml",
      f"found {[f for f, _ in kust]}")
ns_name = None
if kust:
    k = kust[0][1]
    res = k.get("resources") or []
    missing = [r for r in res if not os.path.isfile(os.path.join(DIR, r))]
    check(not missing, "kustomization.yaml: every resource exists", f"missing {missing}")
    unlisted = [f for f in yaml_files if f != "kustomization.yaml" and f not in res]
    check(not unlisted, "kustomization.yaml: every manifest is a resource",
          f"not listed: {unlisted}")
    check(len(set(res)) == len(res), "kustomization.yaml: no resource listed twice")
    ns_name = k.get("namespace")

namespaces = [d["metadata"]["name"] for _, d in of_kind("Namespace")]
check(ns_name in namespaces, f"the kustomization's namespace {ns_name!r} is defined",
      f"Namespaces: {namespaces}")
bad = [f"{f}: {d['kind']} {d['metadata']['name']} in {d['metadata'].get('namespace')!r}"
       for f, _, d in docs
       if d["kind"] not in ("Namespace", "Kustomization")
       and d["metadata"].get("namespace") != ns_name]
check(not bad, f"every namespaced object is in {ns_name!r}", "; ".join(bad))

# ------------------------------------------------------------ ConfigMaps
configmaps = {d["metadata"]["name"]: d for _, d in of_kind("ConfigMap")}

# ------------------------------------------------------------ DaemonSet
dss = [d for _, d in of_kind("DaemonSet")]
if not check(len(dss) == 1 and dss[0]["metadata"]["name"] == "crs-agent",
             "one DaemonSet, crs-agent", f"found {[d['metadata']['name'] for d in dss]}"):
    finish()
ds = dss[0]
spec = ds.get("spec") or {}
tmpl = spec.get("template") or {}
pod = tmpl.get("spec") or {}
labels = (tmpl.get("metadata") or {}).get("labels") or {}
sel = (spec.get("selector") or {}).get("matchLabels") or {}
check(sel and all(labels.get(k) == v for k, v in sel.items()),
      "DaemonSet: selector.matchLabels match the template's labels",
      f"selector {sel}, labels {labels}")
check(not (spec.get("selector") or {}).get("matchExpressions"),
      "DaemonSet: selector has no matchExpressions (not checked here)")
check(pod.get("hostPID") is True, "DaemonSet: hostPID (hook records hold node pids)")
check(pod.get("hostNetwork") is True,
      "DaemonSet: hostNetwork (the crs netlink family is in the initial netns only)")
check(pod.get("priorityClassName") == "system-node-critical",
      "DaemonSet: priorityClassName system-node-critical")
check(any(t.get("operator") == "Exists" and not t.get("key") and not t.get("effect")
          for t in pod.get("tolerations") or []),
      "DaemonSet: tolerates every taint (operator Exists, no key, no effect)")
sa = pod.get("serviceAccountName")
sas = {d["metadata"]["name"]: d for _, d in of_kind("ServiceAccount")}
check(sa in sas, f"DaemonSet: serviceAccountName {sa!r} is defined", f"ServiceAccounts: {list(sas)}")
check(pod.get("automountServiceAccountToken") is False
      and (sas.get(sa) or {}).get("automountServiceAccountToken") is False,
      "DaemonSet and its ServiceAccount: automountServiceAccountToken false")
bindings_kinds = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}
check(not [d for _, _, d in docs if d["kind"] in bindings_kinds],
      "no Role or binding: the agent needs no API access")

volumes = {v.get("name"): v for v in pod.get("volumes") or []}
check(len(volumes) == len(pod.get("volumes") or []), "DaemonSet: volume names unique")
inits = pod.get("initContainers") or []
ctrs = pod.get("containers") or []
allc = [("initContainer", c) for c in inits] + [("container", c) for c in ctrs]
byname = {c.get("name"): c for _, c in allc}
for what, c in allc:
    n = c.get("name")
    check(bool(c.get("image")), f"{what} {n}: has an image")
    r = c.get("resources") or {}
    check(bool(r.get("requests")) and bool(r.get("limits")),
          f"{what} {n}: resources.requests and resources.limits", f"resources {r}")
    # everything here talks to the module (CAP_NET_ADMIN in the initial
    # namespaces), loads it or enters pid 1's namespaces
    check((c.get("securityContext") or {}).get("privileged") is True,
          f"{what} {n}: securityContext.privileged")
    for m in c.get("volumeMounts") or []:
        check(m.get("name") in volumes,
              f"{what} {n}: volumeMount {m.get('name')!r} at {m.get('mountPath')} names a volume",
              f"volumes: {sorted(volumes)}")
for n in ("sync", "events"):
    c = byname.get(n)
    if not check(c is not None and c in ctrs, f"container {n} exists"):
        continue
    for p in ("readinessProbe", "livenessProbe"):
        cmd = ((c.get(p) or {}).get("exec") or {}).get("command")
        check(cmd == ["crsnl", "status"], f"container {n}: {p} exec crsnl status", f"{cmd}")
check("install" in byname and byname["install"] in inits, "initContainer install exists")

images = {c.get("image") for _, c in allc}
kimages = [i.get("name") for i in (kust[0][1].get("images") or [])] if kust else []
check(all(i.split(":")[0] in kimages for i in images),
      f"every image ({sorted(images)}) is named in kustomization.yaml images:",
      f"images: {kimages}")


def env(c, name):
    for e in c.get("env") or []:
        if e.get("name") == name:
            return e.get("value")
    return None


def mount_of(c, vol):
    for m in c.get("volumeMounts") or []:
        if m.get("name") == vol:
            return m
    return None


# configMap volumes: a ConfigMap defined here, every items[].key in its
# data and every data key in items (an unlisted key is never mounted)
cm_vols = {n: v["configMap"] for n, v in volumes.items() if "configMap" in v}
check(bool(cm_vols), "DaemonSet: has a configMap volume")
layouts = {}  # volume -> {path: content}
for vn, cv in cm_vols.items():
    cmn = cv.get("name")
    if not check(cmn in configmaps, f"volume {vn}: ConfigMap {cmn!r} is defined here",
                 f"ConfigMaps: {sorted(configmaps)}"):
        continue
    data = configmaps[cmn].get("data") or {}
    items = cv.get("items")
    if items is None:
        layouts[vn] = dict(data)
        continue
    keys = [it.get("key") for it in items]
    paths = [it.get("path") for it in items]
    for it in items:
        check(it.get("key") in data,
              f"volume {vn}: items key {it.get('key')!r} is in ConfigMap {cmn}",
              f"data keys: {sorted(data)}")
    unl = sorted(set(data) - set(keys))
    check(not unl, f"volume {vn}: every key of ConfigMap {cmn} is mounted (items:)",
          f"never mounted: {unl}")
    check(len(set(paths)) == len(paths), f"volume {vn}: items paths unique")
    check(all(p and not p.startswith("/") and ".." not in p.split("/") for p in paths),
          f"volume {vn}: items paths relative, no '..'")
    layouts[vn] = {it.get("path"): data.get(it.get("key")) for it in items
                   if it.get("key") in data}

# the config volume: laid out as crsnl sync wants it, mounted where the
# sync container's CRS_CONFIG_DIR says
sync = byname.get("sync") or {}
cfg_dir = env(sync, "CRS_CONFIG_DIR") or "/etc/crs"
cfg_vol = None
for m in sync.get("volumeMounts") or []:
    if m.get("mountPath") == cfg_dir:
        cfg_vol = m.get("name")
check(cfg_vol in layouts, f"container sync: a configMap volume is mounted at CRS_CONFIG_DIR {cfg_dir}",
      f"mounted there: {cfg_vol!r}")
layout = layouts.get(cfg_vol, {})
check("bindings.json" in layout, "config volume: has bindings.json at its top")
bad = [p for p in layout if p != "bindings.json" and not re.fullmatch(r"policies/[^/]+\.json", p)]
check(not bad, "config volume: every other path is policies/NAME.json", f"{bad}")
policies = {p: s for p, s in layout.items() if p.startswith("policies/")}
check(len(policies) >= 2, f"config volume: at least two policies ({len(policies)})")
bj, err = jsonerr(layout.get("bindings.json"))
check(isinstance(bj, dict) and isinstance(bj.get("bindings"), list),
      "bindings.json: parses as JSON with a \"bindings\" array", err or f"{type(bj).__name__}")
pnames = {}
for p, s in sorted(policies.items()):
    pj, err = jsonerr(s)
    if check(isinstance(pj, dict) and isinstance(pj.get("name"), str),
             f"{p}: parses as a JSON object with a name", err or ""):
        pnames[pj["name"]] = p
        repo = os.path.join(TOP, "policies", posixpath.basename(p))
        if os.path.isfile(repo):
            with open(repo) as fh:
                check(json.load(fh) == pj, f"{p}: the same policy as policies/{posixpath.basename(p)}")
if isinstance(bj, dict):
    named = [b.get("policy") for b in bj.get("bindings") or [] if isinstance(b, dict)]
    named += [(bj.get("default") or {}).get("policy")]
    missing = sorted({n for n in named if n and n not in pnames})
    check(not missing, "bindings.json: every policy it names is in the ConfigMap",
          f"missing {missing}")

# the real tool: policy check on each policy, then sync's whole
# validation on the directory laid out as the volume lays it out
if not (os.path.isfile(CRSNL) and os.access(CRSNL, os.X_OK)):
    skip("crsnl validates the ConfigMap", f"{CRSNL} not built")
elif layout:
    with tempfile.TemporaryDirectory(prefix="crs-k8s-") as tmp:
        for p, s in layout.items():
            os.makedirs(os.path.dirname(os.path.join(tmp, p)), exist_ok=True)
            with open(os.path.join(tmp, p), "w") as fh:
                fh.write(s if isinstance(s, str) else "")
        pfiles = sorted(os.path.join(tmp, p) for p in policies)
        r = subprocess.run([CRSNL, "policy", "check"] + pfiles,
                           capture_output=True, text=True)
        check(r.returncode == 0 and pfiles, "crsnl policy check: every policy of the ConfigMap",
              (r.stderr or r.stdout).strip().replace("\n", "; "))
        # sync validates everything before it opens netlink, so without
        # the module a valid directory fails only at the kernel step
        r = subprocess.run([CRSNL, "sync", "--config-dir", tmp, "--run-dir",
                            os.path.join(tmp, "run"), "--dry-run"],
                           capture_output=True, text=True)
        out = (r.stdout + r.stderr).strip()
        if r.returncode == 0:
            check(True, "crsnl sync --dry-run: the ConfigMap validates (module loaded)")
        elif "nothing changed" in r.stderr:
            check(False, "crsnl sync --dry-run: the ConfigMap validates", out.replace("\n", "; "))
        elif "module is not loaded" in r.stderr:
            check(True, "crsnl sync --dry-run: the ConfigMap validates "
                  "(no module here: stopped after validation)")
        else:
            check(False, "crsnl sync --dry-run: the ConfigMap validates",
                  f"exit {r.returncode}: {out}")

# ----------------------------------------------- hostPath and run dir
run_dir = env(sync, "CRS_RUN_DIR") or "/run/crs"
run_m = None
for m in sync.get("volumeMounts") or []:
    if m.get("mountPath") == run_dir:
        run_m = m
run_v = volumes.get((run_m or {}).get("name"), {})
check((run_v.get("hostPath") or {}).get("path") == run_dir,
      f"container sync: hostPath {run_dir} mounted at CRS_RUN_DIR {run_dir}",
      f"{run_m} -> {run_v}")
ev = byname.get("events") or {}
evcmd = ev.get("command") or []
check(evcmd[:2] == ["crsnl", "events"] and "--run-dir" in evcmd
      and evcmd[evcmd.index("--run-dir") + 1:][:1] == [run_dir]
      and any(m.get("mountPath") == run_dir and m.get("name") == (run_m or {}).get("name")
              for m in ev.get("volumeMounts") or []),
      f"container events: crsnl events --run-dir {run_dir}, with that hostPath mounted",
      f"command {evcmd}")

# --------------------------------------------------------- Dockerfile
dockerfile = os.path.join(DIR, "Dockerfile")
copies = {}  # destination -> source
froms = []
if check(os.path.isfile(dockerfile), "Dockerfile exists"):
    with open(dockerfile) as fh:
        text = re.sub(r"\\\n", " ", fh.read())
    for line in text.splitlines():
        w = shlex.split(line, comments=True)
        if not w:
            continue
        if w[0].upper() == "FROM":
            froms.append(w[1])
        if w[0].upper() == "COPY" and len(w) == 3:
            copies[w[2]] = w[1]
    check(froms == ["debian:12"], "Dockerfile: FROM debian:12", f"{froms}")


def copied_to(dest):
    """The repository file the image has at dest, or None."""
    src = copies.get(dest)
    if src is None and dest.endswith("/"):
        return None
    if src is None:
        for d, s in copies.items():
            if d.endswith("/") and d + posixpath.basename(s) == dest:
                src = s
    if src is None:
        return None
    if src.startswith(REL):
        return os.path.join(DIR, src[len(REL):])
    return os.path.join(TOP, src)


deb = [s for s in copies.values() if s.startswith("build/deb/")]
check(len(deb) == 1 and re.fullmatch(r"build/deb/crsnl_\*_amd64\.deb", deb[0]),
      "Dockerfile: copies the crsnl .deb from build/deb/ (make deb's DEB_DIR)", f"{deb}")
with open(os.path.join(TOP, "Makefile")) as fh:
    check(re.search(r"^DEB_DIR\s*:=\s*build/deb\s*$", fh.read(), re.M) is not None,
          "Makefile: make deb writes to build/deb")
if os.path.isfile(dockerfile):
    with open(dockerfile) as fh:
        t = "\n".join(re.sub(r"^\s*#.*", "", ln) for ln in fh.read().splitlines())
    inst = " ".join(re.findall(r"apt-get install ([^&;]*)", t))
    check(all(re.search(rf"(^|\s){p}(\s|$)", inst) for p in ("kmod", "util-linux")),
          "Dockerfile: installs kmod and util-linux", f"apt-get install {inst}")

# the sync container runs crs-agent.sh, the one in this directory
scmd = sync.get("command") or []
agent = copied_to(scmd[0]) if scmd else None
check(agent is not None and os.path.realpath(agent) == os.path.realpath(os.path.join(DIR, "crs-agent.sh")),
      f"container sync: runs {scmd[:1]}, which the Dockerfile copies from deploy/kubernetes/crs-agent.sh",
      f"COPY: {copies}")
script = os.path.join(DIR, "crs-agent.sh")
check(os.path.isfile(script) and os.access(script, os.X_OK), "crs-agent.sh exists and is executable")
if os.path.isfile(script):
    r = subprocess.run(["sh", "-n", script], capture_output=True, text=True)
    check(r.returncode == 0, "crs-agent.sh: sh -n", r.stderr.strip())
    with open(script) as fh:
        st = fh.read()
    used = set(re.findall(r"\$\{(CRS_[A-Z_]+)", st))
    unknown = [e.get("name") for e in sync.get("env") or [] if e.get("name") not in used]
    check(not unknown, "container sync: every env variable is one crs-agent.sh reads",
          f"unknown: {unknown}")

# the hook file: copied into the image, installed by the init container,
# pointing at the binary it installs and the bindings sync publishes
hook_dest = None
init = byname.get("install") or {}
icmd = " ".join(init.get("command") or [])
for d in copies:
    if d.endswith(".json") and d in icmd:
        hook_dest = d
hook_src = copied_to(hook_dest) if hook_dest else None
check(hook_src is not None and os.path.isfile(hook_src),
      f"initContainer install: installs a hook file the Dockerfile copies ({hook_dest})",
      f"COPY: {copies}")
HOOK_SCHEMA = {
    "type": "object", "required": ["version", "hook", "when", "stages"],
    "properties": {
        "version": {"const": "1.0.0"},
        "hook": {"type": "object", "required": ["path", "args"],
                 "properties": {"path": {"type": "string", "pattern": "^/"},
                                "args": {"type": "array", "items": {"type": "string"}},
                                "timeout": {"type": "integer", "minimum": 1}}},
        "when": {"type": "object"},
        "stages": {"type": "array", "items": {"type": "string"}},
    },
}
if hook_src and os.path.isfile(hook_src):
    with open(hook_src) as fh:
        hj, err = jsonerr(fh.read())
    try:
        jsonschema.validate(hj, HOOK_SCHEMA)
        why = ""
    except jsonschema.ValidationError as e:
        why = e.message
    if check(not err and not why, f"{posixpath.basename(hook_src)}: an OCI hooks.d file (version 1.0.0)",
             err or why):
        with open(os.path.join(TOP, "oci-hooks.d/crs.json")) as fh:
            ref = json.load(fh)
        check(hj["stages"] == ref["stages"] and hj["when"] == ref["when"]
              and hj["hook"]["args"][:2] == ref["hook"]["args"][:2],
              "hook file: stages, when and command as oci-hooks.d/crs.json")
        ha = hj["hook"]["args"]

        def opt(o):
            return ha[ha.index(o) + 1] if o in ha and ha.index(o) + 1 < len(ha) else None
        hp = hj["hook"]["path"]
        hostdirs = {v["hostPath"]["path"]: n for n, v in volumes.items() if "hostPath" in v}
        bin_vol = hostdirs.get(posixpath.dirname(hp))
        bm = mount_of(init, bin_vol) if bin_vol else None
        check(bm is not None and f"{bm['mountPath']}/" in icmd and "/usr/sbin/crsnl" in icmd,
              f"hook path {hp}: the init container copies /usr/sbin/crsnl into that node directory",
              f"hostPath volume {bin_vol!r}, mount {bm}")
        check(opt("--config-dir") is not None
              and opt("--config-dir") == env(sync, "CRS_HOOK_CONFIG_DIR"),
              "hook --config-dir is where sync publishes bindings.json (CRS_HOOK_CONFIG_DIR)",
              f"{opt('--config-dir')} vs {env(sync, 'CRS_HOOK_CONFIG_DIR')}")
        check(opt("--config-dir") is not None and opt("--config-dir").startswith(run_dir + "/"),
              "hook --config-dir is on the run hostPath the sync container mounts")
        check(opt("--run-dir") in (None, run_dir) and (opt("--run-dir") or "/run/crs") == run_dir,
              f"hook --run-dir is the run dir sync and events use ({run_dir})")
        hd_vol = hostdirs.get("/etc/containers/oci/hooks.d") or hostdirs.get(
            "/usr/share/containers/oci/hooks.d")
        hm = mount_of(init, hd_vol) if hd_vol else None
        check(hm is not None and f"{hm['mountPath']}/crs.json" in icmd,
              "initContainer install: writes crs.json into a hostPath hooks.d directory",
              f"volume {hd_vol!r}, mount {hm}")
check("nsenter -t 1 -m -- modprobe crs" in
      [ln.strip() for ln in "\n".join(init.get("command") or []).splitlines()],
      "initContainer install: loads the module in the node's mount namespace")

finish()
