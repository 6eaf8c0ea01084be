#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Drive crs with the kernel's own ynl tool (tools/net/ynl/cli.py from
# Debian's linux-source-6.12, extracted into build/ by 'make ynl') and
# the spec Documentation/netlink/specs/crs.yaml: get-status, a policy
# dump, get-container, and the audit group (subscribe, trigger a denial,
# see the event). Runs in the VM from suite.sh with crs.ko loaded; TAP.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/crs_test.sh"
top=$CRS_TOP
crsnl=${CRSNL:-$top/userspace/crsnl}
L=$top/build/linux-source-6.12
spec=$top/Documentation/netlink/specs/crs.yaml
W=/tmp/crs-test-ynl
tap_begin ynl.
# the schema is checked on the host (make check-spec): jsonschema under
# emulation costs minutes a call
ynl() {
	/usr/bin/python3 "$L/tools/net/ynl/cli.py" --spec "$spec" --no-schema \
		--output-json "$@"
}
jq_py() {	# jq_py EXPR < JSON: evaluate EXPR with d = the document
	/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}
if [ ! -f "$L/tools/net/ynl/cli.py" ]; then
	result 0 ynl_present "$L/tools/net/ynl/cli.py missing (make ynl on the host)"
	tap_end
fi
rm -rf "$W" && mkdir -p "$W"

cat > "$W/p.json" <<'J'
{"name": "ynl-test", "defaultSyscallAction": "ALLOW",
 "rules": [
  {"name": "no-secret", "ruleType": "READ", "file": "/tmp/crs-test-ynl/secret", "action": "DENY"},
  {"name": "dns", "ruleType": "NETWORK_OUTBOUND", "ipAddress": "10.0.0.0/8", "port": 53, "protocol": "UDP", "action": "ALLOW"},
  {"name": "no-ptrace", "ruleType": "SYSCALL", "syscall": "ptrace", "action": "DENY", "errno": "ENOSYS"}]}
J
echo secret > "$W/secret"
"$crsnl" policy push "$W/p.json" > /dev/null || result 0 push

# get-status: the version and the counters crsnl reads (the hook count
# may drop once in between: the system call hooks are disarmed when idle)
st0=$("$crsnl" status --json 2>&1)
out=$(ynl --do get-status 2>&1)
st=$("$crsnl" status --json 2>&1)
h=$(jq_py 'd["status"]["hooks"]' <<<"$out")
result "$(jq_py 'd["version"]' <<<"$out" 2>/dev/null | grep -qx "$(cat "$top/VERSION")" &&
	[ "$(jq_py 'd["status"]["policies"]' <<<"$out")" = "$(jq_py 'd["policies"]' <<<"$st")" ] &&
	{ [ "$h" = "$(jq_py 'd["hooks"]' <<<"$st")" ] || [ "$h" = "$(jq_py 'd["hooks"]' <<<"$st0")" ]; } &&
	echo 1)" \
	get_status_matches_crsnl_status "$out | $st"

# a policy dump, filtered by name: the header and every rule, decoded
out=$(ynl --dump get-policy --json '{"policy": {"name": "ynl-test"}}' 2>&1)
result "$(jq_py '[(m["policy"]["name"], m["policy"]["mode"], m["policy"]["rule-count"], [(r["name"], r["type"], r["action"]) for r in m["policy"]["rules"]["rule"]]) for m in d]' <<<"$out" 2>/dev/null |
	grep -qxF "[('ynl-test', 'active', 3, [('no-secret', 'read', 'deny'), ('dns', 'network-outbound', 'allow'), ('no-ptrace', 'syscall', 'deny')])]" && echo 1)" \
	dump_get_policy_decodes_every_rule "$out"
result "$(jq_py '[r.get("errno") for m in d for r in m["policy"]["rules"]["rule"]]' <<<"$out" 2>/dev/null | grep -qxF "[None, None, 38]" &&
	jq_py '[r.get("protocol") for m in d for r in m["policy"]["rules"]["rule"]]' <<<"$out" | grep -qxF "[None, 'udp', None]" && echo 1)" \
	dump_rule_attributes_errno_and_protocol "$out"

# a container, then the event of a denial on the audit group
unshare --pid --fork sh -c 'exec sleep 600' &
ush=$!
for _ in $(seq 100); do cpid=$(pgrep -P $ush) && break; sleep 0.1; done
"$crsnl" policy apply ynl-test --pid "$cpid" || result 0 apply
out=$(ynl --do get-container --json "{\"container\": {\"pid\": $cpid}}" 2>&1)
ino=$(stat -L -c %i /proc/$cpid/ns/pid)
result "$(jq_py '(d["container"]["policy"], d["container"]["effective-mode"], d["container"]["id"], d["container"]["pid"] > 0)' <<<"$out" 2>/dev/null |
	grep -qxF "('ynl-test', 'active', $ino, True)" && echo 1)" \
	do_get_container "$out"

# ynl subscribes, then sleeps; denials are triggered until it has exited,
# so some fall inside its window whatever the guest's speed. Other
# messages on the group (the loss record of what earlier tests produced
# while nobody listened: no path, no rule) are legitimate: .get()
ynl --subscribe audit --sleep 20 > "$W/events.json" 2> "$W/events.err" &
ypid=$!
while kill -0 $ypid 2>/dev/null; do
	nsenter -t "$cpid" -p cat "$W/secret" > /dev/null 2>&1
	sleep 0.5
done
wait $ypid
rc=$?
out=$(cat "$W/events.json" "$W/events.err")
result "$([ $rc = 0 ] && jq_py '{(m["name"], e.get("outcome"), e.get("rule-type"), e.get("path"), e.get("policy"), e.get("rule"), e.get("program")) for m in d for e in [m["msg"]["event"]]}' < "$W/events.json" 2>/dev/null |
	grep -qF "('event', 'denied', 'read', '$W/secret', 'ynl-test', 'no-secret', '/usr/bin/cat')" && echo 1)" \
	subscribe_audit_sees_the_denial "$out"

"$crsnl" policy detach --pid "$cpid" > /dev/null 2>&1
# the namespace's init ignores SIGTERM from outside: -KILL, or the wait
# below lasts the sleep's 600 s
kill -KILL "$cpid" 2>/dev/null
wait $ush 2>/dev/null
"$crsnl" policy delete ynl-test --force > /dev/null
tap_end
