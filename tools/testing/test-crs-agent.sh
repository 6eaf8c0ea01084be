#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# deploy/kubernetes/crs-agent.sh on the host, no kernel module: a fake
# crsnl (CRSNL) logs each call and the checksum of the config dir it was
# given, and fails when a policy contains FAIL-MARKER; the config dir is
# laid out as kubelet lays out a ConfigMap volume (..TIMESTAMP/ real
# dir, ..data -> ..TIMESTAMP, bindings.json -> ..data/bindings.json,
# policies -> ..data/policies) and updated as kubelet does (a new
# ..TIMESTAMP dir, ..data swapped by rename).
# TAP lines and a kselftest "# Totals:" line; exit 1 on a failure.
top=$(cd "$(dirname "$0")/../.." && pwd)
agent=$top/deploy/kubernetes/crs-agent.sh
shell=${SHELL_UNDER_TEST:-sh}
pass=0 fail=0
t=$(mktemp -d /tmp/crs-agent-test.XXXXXX)
apid=

cleanup() {
	[ -n "$apid" ] && kill "$apid" 2>/dev/null
	rm -rf "$t"
}
trap cleanup EXIT

ok() {	# ok COND-STATUS DESCRIPTION [DIAGNOSTIC]
	if [ "$1" -eq 0 ]; then
		echo "ok - $2"; pass=$((pass + 1))
	else
		echo "not ok - $2"; fail=$((fail + 1))
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/#   /'
	fi
}

# the fake crsnl
cat > "$t/crsnl" <<'EOF'
#!/bin/sh
# fake crsnl: "sync --config-dir DIR ..." logs and validates
[ "$1" = sync ] || { echo "fake crsnl: unexpected $*" >&2; exit 2; }
dir=
while [ $# -gt 0 ]; do
	[ "$1" = --config-dir ] && dir=$2
	shift
done
sum=$(cat "$dir/bindings.json" "$dir"/policies/*.json | md5sum | cut -c1-8)
echo "sync $sum" >> "$FAKE_LOG"
if grep -q FAIL-MARKER "$dir"/policies/*.json; then
	echo "$dir/policies/bad.json: rules[0]: FAIL-MARKER" >&2
	echo "crsnl: sync: 1 problem in $dir: nothing changed" >&2
	exit 1
fi
echo "nothing to change"
EOF
chmod +x "$t/crsnl"

cfg=$t/config
gen=0
# publish CONTENT-OF-POLICY: a new ..TIMESTAMP dir, ..data swapped to it
# by rename, the old one removed, as kubelet's atomic writer does
publish() {
	gen=$((gen + 1))
	new=..2026_01_01_00_00_0$gen.$$
	mkdir -p "$cfg/$new/policies"
	echo "{\"bindings\": [{\"image\": \"docker.io/library/${IMG:-nginx}:*\", \"policy\": \"web\"}]}" \
		> "$cfg/$new/bindings.json"
	printf '%s\n' "$1" > "$cfg/$new/policies/web.json"
	old=$(readlink "$cfg/..data" 2>/dev/null)
	ln -s "$new" "$cfg/..data_tmp"
	mv -T "$cfg/..data_tmp" "$cfg/..data" 2>/dev/null ||
		python3 -c 'import os,sys; os.rename(sys.argv[1], sys.argv[2])' "$cfg/..data_tmp" "$cfg/..data"
	[ -L "$cfg/bindings.json" ] || ln -s ..data/bindings.json "$cfg/bindings.json"
	[ -L "$cfg/policies" ] || ln -s ..data/policies "$cfg/policies"
	[ -n "$old" ] && rm -rf "${cfg:?}/$old"
}

syncs() { { grep '^sync ' "$FAKE_LOG" 2>/dev/null; true; } | wc -l; }
agent_lines() { { grep "$1" "$t/agent.log" 2>/dev/null; true; } | wc -l; }

# wait_for N SECONDS: until the fake crsnl ran N times; 0 if it did
wait_for() {
	i=0
	while [ "$i" -lt $(($2 * 10)) ]; do
		[ "$(syncs)" -ge "$1" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

export FAKE_LOG="$t/fake.log" CRSNL="$t/crsnl" CRS_CONFIG_DIR="$cfg" \
	CRS_RUN_DIR="$t/run" CRS_RESYNC_SECONDS=1
mkdir -p "$cfg" "$t/run"
publish '{"name": "web", "rules": []}'

# 0. the layout is kubelet's
[ -L "$cfg/..data" ] && [ -d "$cfg/..data/" ] && [ -L "$cfg/bindings.json" ] &&
	[ -f "$cfg/policies/web.json" ]
ok $? "the test's config dir is laid out as a kubelet ConfigMap volume"

# 1. --once: one sync, its exit status
$shell "$agent" --once 2> "$t/once.log"
rc=$?
[ "$rc" -eq 0 ] && [ "$(syncs)" -eq 1 ] && grep -q 'sync ok' "$t/once.log"
ok $? "--once: one sync, exit 0, one 'sync ok' line" "$(cat "$t/once.log")"
: > "$FAKE_LOG"

# 2. the loop: initial sync
$shell "$agent" 2> "$t/agent.log" &
apid=$!
wait_for 1 5
ok $? "initial sync at start" "$(cat "$t/agent.log")"
[ "$(agent_lines 'sync ok')" -eq 1 ]
ok $? "one 'sync ok' log line for it" "$(cat "$t/agent.log")"

# 3. no change: no sync in 3 poll periods
sleep 3.2
[ "$(syncs)" -eq 1 ]
ok $? "no change: no further sync in 3 poll periods" "$(cat "$FAKE_LOG")"

# 4. a ..data swap: exactly one more sync, with the new content
publish '{"name": "web", "description": "v2", "rules": []}'
want=$(cat "$cfg/bindings.json" "$cfg"/policies/*.json | md5sum | cut -c1-8)
wait_for 2 5
ok $? "a ..data swap triggers a sync within 5 poll periods" "$(cat "$FAKE_LOG")"
sleep 3.2
[ "$(syncs)" -eq 2 ]
ok $? "exactly one sync for one swap" "$(cat "$FAKE_LOG")"
[ "$(tail -n 1 "$FAKE_LOG")" = "sync $want" ]
ok $? "that sync saw the new content" "$(tail -n 1 "$FAKE_LOG") vs $want"

# 5. a bad policy: sync fails, the agent logs it and keeps running
publish '{"name": "web", "rules": [FAIL-MARKER]}'
wait_for 3 5
ok $? "a bad policy triggers a sync" "$(cat "$FAKE_LOG")"
sleep 2.2
kill -0 "$apid" 2>/dev/null
ok $? "the agent keeps running after a failed sync"
grep -q 'sync failed (exit 1)' "$t/agent.log" && grep -q 'FAIL-MARKER' "$t/agent.log"
ok $? "the failure and crsnl's reason are logged" "$(tail -n 5 "$t/agent.log")"
[ "$(syncs)" -eq 3 ]
ok $? "a failed sync is not retried while nothing changes (CRS_RETRY_SECONDS)" "$(cat "$FAKE_LOG")"

# 6. the fix syncs again
publish '{"name": "web", "description": "fixed", "rules": []}'
wait_for 4 5
ok $? "fixing the policy syncs again" "$(cat "$FAKE_LOG")"
sleep 1.5
[ "$(agent_lines 'sync ok')" -eq 3 ] && [ "$(agent_lines 'sync failed')" -eq 1 ]
ok $? "log: 3 'sync ok' and 1 'sync failed' lines" "$(cat "$t/agent.log")"

# 7. SIGTERM: gone within 2 s
kill -TERM "$apid"
i=0
while kill -0 "$apid" 2>/dev/null && [ "$i" -lt 20 ]; do
	sleep 0.1
	i=$((i + 1))
done
! kill -0 "$apid" 2>/dev/null
ok $? "SIGTERM stops the agent within 2 s ($((i * 100)) ms)"
wait "$apid"
rc=$?
apid=
[ "$rc" -eq 0 ] && grep -q 'stopping on SIGTERM' "$t/agent.log"
ok $? "it exits 0 and says so" "exit $rc"

# 8. publication for the OCI hook (CRS_HOOK_CONFIG_DIR): after a good
#    sync only, atomically, followed by one re-sync; not after a bad one
: > "$FAKE_LOG"
hook=$t/run/config
export CRS_HOOK_CONFIG_DIR="$hook"
$shell "$agent" 2> "$t/agent2.log" &
apid=$!
wait_for 2 5
cmp -s "$cfg/bindings.json" "$hook/bindings.json"
ok $? "a good sync publishes bindings.json to CRS_HOOK_CONFIG_DIR" "$(cat "$t/agent2.log")"
sleep 2.2
[ "$(syncs)" -eq 2 ]
ok $? "publishing is followed by exactly one re-sync" "$(cat "$FAKE_LOG")"
cp "$hook/bindings.json" "$t/published"
IMG=httpd publish '{"name": "web", "rules": [FAIL-MARKER]}'
wait_for 3 5
sleep 1.5
cmp -s "$t/published" "$hook/bindings.json" && [ "$(syncs)" -eq 3 ]
ok $? "a failed sync publishes nothing" "$(cat "$FAKE_LOG")"
[ -z "$(find "$hook" -name '*tmp*')" ]
ok $? "no temporary file is left in CRS_HOOK_CONFIG_DIR"
kill -TERM "$apid"
wait "$apid"
apid=
unset CRS_HOOK_CONFIG_DIR

# 9. bad settings are refused
CRS_RESYNC_SECONDS=0 $shell "$agent" 2> "$t/bad.log"
[ $? -eq 2 ] && grep -q CRS_RESYNC_SECONDS "$t/bad.log"
ok $? "CRS_RESYNC_SECONDS=0 is refused (exit 2)" "$(cat "$t/bad.log")"

n=$((pass + fail))
echo "1..$n"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" -eq 0 ]
