#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The crs demo, run as root inside the test VM ('make demo' boots it, and
# tools/testing/selftests/crs/test_demo.sh runs it in 'make check'):
# real runc containers on the busybox root filesystem of
# tools/demo/mkrootfs.sh, bound to their policies by 'crsnl oci-hook'.
#
#   1. load crs.ko                         5. attacks from inside: each denied,
#   2. push policies/demo-web.json            each with its audit event
#   3. start the web container (runc +     6. learn a worker container, export,
#      hook, annotation crs.policy)           push, enforce: the job runs clean,
#   4. serve a page to a client in            a new access is denied
#      another network namespace           7. clean up, unload
#
# Every step checks its outcome and prints "[ok] ..." or "[FAILED] ...";
# the exit status is 1 if any check failed. Nothing is faked: a feature
# that has not landed fails its step with a message naming it.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
export CRS_TOP=$top
. "$top/tools/demo/lib.sh"
export PATH=$top/userspace:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
W=/tmp/crs-demo
WEB_IP=192.0.2.80
CLIENT_IP=192.0.2.1
failed=0
evpid=
listener=

say() { printf '\n==> %s\n' "$*"; }
# Print a command as typed, then run it with its real output.
show() { printf '$ %s\n' "$*"; "$@"; }
ok() { echo "[ok] $*"; }
fail() { echo "[FAILED] $*"; failed=1; }
# A failure the rest of the demo cannot go on from.
fatal() { echo "[FAILED] $*"; cleanup; echo; echo "demo: FAILED"; exit 1; }

cleanup() {
	[ -n "$listener" ] && kill "$listener" 2>/dev/null
	for c in web worker; do crs_rm "$c"; done
	ip netns del client 2>/dev/null
	if [ -n "$evpid" ]; then
		sleep 1
		kill "$evpid" 2>/dev/null
		wait "$evpid" 2>/dev/null
		evpid=
	fi
	crsnl policy delete demo-web --force >/dev/null 2>&1
	crsnl policy delete demo-worker --force >/dev/null 2>&1
}

# The pid namespace inode of PID: the container id in events.
nsid() { readlink "/proc/$1/ns/pid" | tr -dc '0-9'; }

# expect_event WHAT CONTAINER PATTERN...: wait up to 10 s for an audit
# event of CONTAINER whose JSON line contains every PATTERN; print it.
expect_event() {
	local what=$1 ct=$2 i line
	shift 2
	for i in $(seq 1 50); do
		line=$(grep -F "\"container\":$ct," "$W/events.jsonl" 2>/dev/null |
			{ l=$(cat); for p in "$@"; do l=$(grep -F -- "$p" <<<"$l"); done; printf '%s' "$l"; } |
			tail -n1)
		if [ -n "$line" ]; then
			echo "  event: $line"
			ok "$what: audit event"
			return 0
		fi
		sleep 0.2
	done
	fail "$what: no audit event with $* (crsnl events got: $(wc -l < "$W/events.jsonl") lines; audit events, issue 7)"
	return 1
}

# attack WHAT EXPECTED-OUTPUT CMD...: CMD, run in the web container, must
# fail and print EXPECTED-OUTPUT.
attack() {
	local what=$1 want=$2 out rc
	shift 2
	printf '$ runc exec web %s\n' "$*"
	out=$(timeout -k 10 120 runc exec web "$@" 2>&1)
	rc=$?
	[ -n "$out" ] && printf '%s\n' "$out"
	if [ $rc -ne 0 ] && grep -qF -- "$want" <<<"$out"; then
		ok "$what: refused ($want)"
		return 0
	fi
	fail "$what: expected a failure with \"$want\", got exit status $rc"
	return 1
}

# The client: an HTTP GET from the "client" network namespace. (Debian's
# static busybox wget crashes resolving there, hence python3.)
fetch() {
	ip netns exec client python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' \
		"http://$WEB_IP/index.html" 2>&1
}

rstart() { printf '$ runc start %s\n' "$1"; timeout -k 5 60 runc start "$1"; }

# start_container ID DIR: runc create (the hook runs), then runc start.
start_container() {
	local id=$1 dir=$2 rc
	printf '$ runc create --bundle %s %s\n' "$dir" "$id"
	# Into a file, not $(...): the container keeps runc's stdout open.
	(cd "$dir" && timeout -k 10 120 runc create "$id" > "$W/$id.log" 2>&1 </dev/null)
	rc=$?
	cat "$W/$id.log"
	return $rc
}

rm -rf "$W"
mkdir -p "$W"

say "1. Load the crs module"
if lsmod | grep -q '^crs '; then
	rmmod crs || fatal "crs.ko is loaded and cannot be unloaded"
fi
show insmod "${CRS_KO:-$top/crs.ko}" || fatal "insmod crs.ko"
dmesg | grep 'crs: version' | tail -n1
show crsnl status || fatal "crsnl status"
# Network enforcement uses conntrack, nf_socket and nf_reject; crs loads
# them on the first apply, but under emulation that can outlast a hook's
# timeout, so load them up front as an operator's boot would.
show modprobe -a nf_conntrack nf_socket_ipv4 nf_socket_ipv6 nf_reject_ipv4 nf_reject_ipv6 veth ||
	fatal "modprobe of the netfilter modules"
ok "module loaded"
crsnl events > "$W/events.jsonl" 2> "$W/events.err" &
evpid=$!
# events sent before it subscribes reach nobody: wait for "listening"
for _ in $(seq 300); do
	grep -q listening "$W/events.err" && break
	sleep 0.1
done
grep -q listening "$W/events.err" || fatal "crsnl events did not start: $(cat "$W/events.err")"

say "2. Push the web container's policy"
show cat "$top/policies/demo-web.json"
show crsnl policy push "$top/policies/demo-web.json" || fatal "crsnl policy push"
show crsnl policy list
ok "policy demo-web pushed"

say "3. Start the web container with runc; the OCI hook binds demo-web"
crs_bundle "$W/web" web '{"crs.policy": "demo-web"}' createRuntime \
	/usr/sbin/httpd -f -p 80 -h /www || fatal "bundle"
echo "config.json (excerpt):"
grep -A1 -E '"annotations"|"hooks"' "$W/web/config.json" | grep -v -- '--'
start_container web "$W/web" || fatal "runc create web: the hook did not bind the container"
wpid=$(crs_cpid web)
[ -n "$wpid" ] || fatal "runc state web: no pid"
wct=$(nsid "$wpid")
show crsnl container list --pid "$wpid" || fatal "the web container is not bound"
crsnl container list --pid "$wpid" | grep -q ' demo-web ' ||
	fatal "the web container is not bound to demo-web"
ok "container web (pid $wpid, container $wct) bound to demo-web before it ran"

# Its network: a veth pair to a client in another network namespace.
ip netns add client &&
	ip link add crs-client type veth peer name crs-web &&
	ip link set crs-client netns client &&
	ip link set crs-web netns "$wpid" &&
	ip -n client addr add "$CLIENT_IP/24" dev crs-client &&
	ip -n client link set crs-client up &&
	ip -n client link set lo up &&
	nsenter -t "$wpid" -n ip link set crs-web name eth0 &&
	nsenter -t "$wpid" -n ip addr add "$WEB_IP/24" dev eth0 &&
	nsenter -t "$wpid" -n ip link set eth0 up &&
	nsenter -t "$wpid" -n ip link set lo up ||
	fatal "network setup (veth)"
echo "network: web $WEB_IP (container netns) <-> client $CLIENT_IP (netns \"client\")"
rstart web || fatal "runc start web"
# wait for httpd to listen on port 80 (0050) in the container's netns
for _ in $(seq 300); do
	cat "/proc/$wpid/net/tcp" "/proc/$wpid/net/tcp6" 2>/dev/null |
		awk '$2 ~ /:0050$/ && $4 == "0A" { f = 1 } END { exit !f }' && break
	sleep 0.1
done

say "4. Normal work: the client fetches a page over HTTP"
page=$(fetch)
printf '$ ip netns exec client python3 (urllib) GET http://%s/index.html\n%s\n' "$WEB_IP" "$page"
if grep -q 'held to its crs policy' <<<"$page"; then
	ok "the web container serves its page"
else
	fail "the client could not fetch the page (inbound HTTP allowed by rule http-in)"
fi

say "5. Attacks from inside the web container"
echo "-- read a secret"
attack "read /run/secrets/api-token" "Permission denied" cat /run/secrets/api-token &&
	expect_event "read secret" "$wct" '"type":"READ"' '"outcome":"DENIED"' \
		'"path":"/run/secrets/api-token"' '"rule":"no-secrets"'

echo "-- replace the web server's binary"
attack "replace /usr/sbin/httpd" "Permission denied" \
	sh -c 'cp /bin/busybox /tmp/httpd && mv /tmp/httpd /usr/sbin/httpd' &&
	expect_event "replace binary" "$wct" '"type":"WRITE"' '"outcome":"DENIED"' \
		'"path":"/usr/sbin/httpd"' '"rule":"no-sbin-writes"'
echo "-- deface the site"
attack "write /www/index.html" "Permission denied" \
	sh -c 'echo "<h1>owned</h1>" > /www/index.html' &&
	expect_event "deface" "$wct" '"type":"WRITE"' '"outcome":"DENIED"' \
		'"path":"/www/index.html"' '"rule":"no-defacement"'

echo "-- call home: connect to $CLIENT_IP:4444, where a listener waits"
ip netns exec client busybox nc -l -p 4444 > "$W/exfil.txt" 2>&1 &
listener=$!
sleep 1
attack "connect to $CLIENT_IP:4444" "Connection refused" nc -w 5 "$CLIENT_IP" 4444 &&
	expect_event "connect out" "$wct" '"type":"NETWORK_OUTBOUND"' '"outcome":"DENIED"' \
		"\"address\":\"$CLIENT_IP\"" '"port":4444' '"rule":"default"'
if kill -0 "$listener" 2>/dev/null && [ ! -s "$W/exfil.txt" ]; then
	ok "the listener got no connection"
else
	fail "the listener at $CLIENT_IP:4444 got a connection or ended: $(cat "$W/exfil.txt")"
fi
kill "$listener" 2>/dev/null
listener=

echo "-- a syscall escapes start with: unshare a user namespace"
attack "unshare(CLONE_NEWUSER)" "Operation not permitted" unshare -U -r true &&
	expect_event "unshare" "$wct" '"type":"SYSCALL"' '"outcome":"DENIED"' \
		'"syscall":272' '"rule":"no-unshare"'

echo "-- the site still works, unchanged"
page=$(fetch)
printf '%s\n' "$page"
if grep -q 'held to its crs policy' <<<"$page"; then
	ok "the web container still serves its original page"
else
	fail "the page changed or is unreachable after the attacks"
fi
show crsnl container list --pid "$wpid"
crs_rm web

say "6. Learning: record a worker container, export its baseline, enforce it"
crs_bundle "$W/worker" worker '{"crs.learning": "on"}' createRuntime \
	/bin/sleep 3600 || fatal "bundle"
echo 'annotations: {"crs.learning": "on"}  (learning, no policy yet)'
start_container worker "$W/worker" || fatal "runc create worker (learning)"
rstart worker || fatal "runc start worker"
kpid=$(crs_cpid worker)
show crsnl container list --pid "$kpid"
crsnl container list --pid "$kpid" | grep -qE ' on +[0-9]' ||
	fail "the worker container is not learning"
printf '$ runc exec worker /app/job.sh\n'
out=$(timeout -k 10 120 runc exec worker /app/job.sh 2>&1)
printf '%s\n' "$out"
grep -q 'items: 3 total: 16' <<<"$out" || fatal "the worker's job failed while learning"
ok "the job ran while learning"
if ! crsnl learn --help >/dev/null 2>&1; then
	fatal "crsnl learn is missing (behavioral learning, issue 8)"
fi
show crsnl learn export --pid "$kpid" --name demo-worker -o "$W/demo-worker.json" ||
	fatal "crsnl learn export"
python3 - "$W/demo-worker.json" <<'PY' || fail "the learned policy misses the job's accesses"
import json, sys
p = json.load(open(sys.argv[1]))
rules = p.get("rules", [])
kinds = {}
for r in rules:
    kinds[r["ruleType"]] = kinds.get(r["ruleType"], 0) + 1
print("learned policy %s: %d rules (%s); defaults file %s, network %s, execute %s, syscall %s" % (
    p["name"], len(rules), ", ".join("%s %d" % kv for kv in sorted(kinds.items())),
    p.get("defaultFileAction"), p.get("defaultNetworkAction"),
    p.get("defaultExecuteAction"), p.get("defaultSyscallAction")))
def has(t, f):
    return any(r["ruleType"] == t and r.get("file") == f and r["action"] == "ALLOW" for r in rules)
want = [("READ", "/app/input.txt"), ("WRITE", "/out/report.txt")]
for t, f in want:
    print("  %s %s: %s" % (t, f, "learned" if has(t, f) else "MISSING"))
for r in rules:
    if r.get("file", "").startswith("/app") or r.get("file", "").startswith("/out"):
        print("  rule:", json.dumps(r))
sys.exit(0 if all(has(t, f) for t, f in want) else 1)
PY
[ $? -eq 0 ] && ok "the export has the job's file accesses"
show crsnl policy push "$W/demo-worker.json" || fatal "crsnl policy push of the learned policy"
crs_rm worker

echo "-- the same job in a new worker container, under the learned policy (ACTIVE)"
crs_bundle "$W/worker" worker '{"crs.policy": "demo-worker"}' createRuntime \
	/bin/sleep 3600 || fatal "bundle"
start_container worker "$W/worker" || fatal "runc create worker under demo-worker"
rstart worker || fatal "runc start worker under demo-worker"
kpid=$(crs_cpid worker)
kct=$(nsid "$kpid")
printf '$ runc exec worker /app/job.sh\n'
out=$(timeout -k 10 120 runc exec worker /app/job.sh 2>&1)
printf '%s\n' "$out"
grep -q 'items: 3 total: 16' <<<"$out" && ok "the job runs under its learned policy" ||
	fail "the job failed under its learned policy"
sleep 1
# a dead container's namespace inode number can be reused: match the policy too
denials=$(grep -F "\"container\":$kct," "$W/events.jsonl" |
	grep -F '"policy":"demo-worker"' | grep -cF '"outcome":"DENIED"')
if [ "$denials" -eq 0 ]; then
	ok "no denials for the learned job"
else
	fail "$denials denials for the learned job:"
	grep -F "\"container\":$kct," "$W/events.jsonl" | grep -F '"policy":"demo-worker"' | grep -F '"outcome":"DENIED"' | head -n 10
fi
echo "-- something the job never did"
printf '$ runc exec worker cat /run/secrets/api-token\n'
out=$(timeout -k 10 120 runc exec worker cat /run/secrets/api-token 2>&1)
rc=$?
printf '%s\n' "$out"
if [ $rc -ne 0 ] && grep -q 'Permission denied' <<<"$out"; then
	ok "an unlearned file read is refused"
	expect_event "unlearned read" "$kct" '"type":"READ"' '"outcome":"DENIED"' \
		'"path":"/run/secrets/api-token"'
else
	fail "an unlearned file read was not refused (exit status $rc)"
fi
show crsnl container list --pid "$kpid"

say "7. Clean up and unload"
cleanup
show crsnl policy list
# the containers' references go after an RCU grace period: wait for them
for _ in $(seq 300); do
	[ "$(cat /sys/module/crs/refcnt 2>/dev/null)" = 0 ] && break
	sleep 0.1
done
show rmmod crs && ok "module unloaded" || fail "rmmod crs"
echo
if [ $failed -eq 0 ]; then
	echo "demo: every step behaved as shown"
	exit 0
fi
echo "demo: FAILED (see [FAILED] lines above)"
exit 1
