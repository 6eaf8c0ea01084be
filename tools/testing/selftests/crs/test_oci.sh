#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# crsnl oci-hook with Debian's runc, inside the VM (run by suite.sh with
# crs.ko loaded). Containers run on the demo's busybox root filesystem
# (tools/demo/mkrootfs.sh, built into build/demo/rootfs by the build).
# kselftest-style TAP.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/crs_test.sh"
. "$CRS_TOP/tools/demo/lib.sh"
W=/tmp/crs-test-oci
POLICY=oci-test

# run_ctr ID ANNOTATIONS STAGE ARG...: runc run in the foreground; output
# in $out, exit status in $rc.
run_ctr() {
	local id=$1 ann=$2 stage=$3
	shift 3
	crs_bundle "$W/$id" "$id" "$ann" "$stage" "$@" || { rc=99; out="bundle failed"; return; }
	out=$(cd "$W/$id" && timeout -k 10 120 runc run "$id" 2>&1 </dev/null)
	rc=$?
	out=${out//\\\"/\"}	# runc quotes the hook's stderr as \"...\"
	crs_rm "$id"
}

# create_ctr ID ANNOTATIONS: runc create (the hook runs; the process waits
# for 'runc start'); exit status in $rc, output in $out, pid in $cpid.
create_ctr() {
	local id=$1 ann=$2
	crs_bundle "$W/$id" "$id" "$ann" createRuntime /bin/sleep 60 || { rc=99; return; }
	# not $(...): the created container keeps runc's stdout open
	(cd "$W/$id" && timeout -k 10 120 runc create "$id" > "$W/$id.out" 2>&1 </dev/null)
	rc=$?
	out=$(cat "$W/$id.out")
	cpid=$(crs_cpid "$id")
}

# start_fails ID ANNOTATIONS MESSAGE NAME: test NAME, the container does
# not start (its process would say "started") and the output has MESSAGE.
start_fails() {
	run_ctr "$1" "$2" createRuntime /bin/sh -c 'echo started'
	result "$([ $rc -ne 0 ] && grep -qF "$3" <<<"$out" && ! grep -q started <<<"$out" && echo 1)" \
		"$4" "exit $rc: $out"
}

tap_begin oci. 10
if ! command -v runc >/dev/null || [ ! -d "$CRS_ROOTFS/bin" ]; then
	skip_all "runc or $CRS_ROOTFS missing"
fi
rm -rf "$W"
mkdir -p "$W"
policy_json "$POLICY" '{"name": "no-secrets", "ruleType": "READ", "program": "*",
	"file": "/run/secrets/*", "action": "DENY"}' > "$W/policy.json"
"$CRSNL" policy push "$W/policy.json" >/dev/null

# 1. The container's very first instruction is already governed: its
#    entrypoint is the read of the secret.
run_ctr first "{\"crs.policy\": \"$POLICY\"}" createRuntime /bin/cat /run/secrets/api-token
result "$([ $rc -ne 0 ] && grep -q "can't open '/run/secrets/api-token': Permission denied" <<<"$out" &&
	! grep -q tok_live <<<"$out" && echo 1)" \
	createruntime_hook_binds_before_the_first_instruction "exit $rc: $out"

# 2. The same as a prestart hook.
run_ctr pre "{\"crs.policy\": \"$POLICY\"}" prestart /bin/cat /run/secrets/api-token
result "$([ $rc -ne 0 ] && grep -q 'Permission denied' <<<"$out" && echo 1)" \
	prestart_hook_binds_before_the_first_instruction "exit $rc: $out"

# 3. The hook is configured but the container has no crs annotation.
run_ctr plain '{"org.example.team": "web"}' createRuntime /bin/cat /run/secrets/api-token
result "$([ $rc -eq 0 ] && grep -q tok_live <<<"$out" && echo 1)" \
	container_without_annotation_is_unaffected "exit $rc: $out"

# 4. A policy the kernel does not have: the container never starts.
start_fails missing '{"crs.policy": "no-such-policy"}' \
	'crsnl: oci-hook: container "missing": apply policy "no-such-policy": No such file or directory' \
	missing_policy_fails_the_start_with_the_hook_message

# 5. A mistyped annotation value fails closed too.
start_fails badmode "{\"crs.policy\": \"$POLICY\", \"crs.policy-mode\": \"STRICT\"}" \
	'annotation "crs.policy-mode": "STRICT": expected ACTIVE, PERMISSIVE or INACTIVE' \
	bad_annotation_value_fails_the_start

# 6. crs.policy-mode and crs.log-mode reach the container's settings.
create_ctr modes "{\"crs.policy\": \"$POLICY\", \"crs.policy-mode\": \"PERMISSIVE\", \"crs.log-mode\": \"ALL\"}"
list=$("$CRSNL" container list --pid "${cpid:-0}" 2>&1)
crs_rm modes
result "$([ $rc -eq 0 ] && grep -E " $POLICY +.*PERMISSIVE +ALL " <<<"$list" >/dev/null && echo 1)" \
	mode_annotations_set_policy_mode_and_log_mode "create exit $rc: $out
$list"

# 7. crs.learning=on without a policy: the container is learned.
create_ctr learner '{"crs.learning": "on"}'
list=$("$CRSNL" container list --pid "${cpid:-0}" 2>&1)
crs_rm learner
result "$([ $rc -eq 0 ] && grep -E ' on +[0-9]' <<<"$list" >/dev/null && echo 1)" \
	learning_annotation_alone_learns_the_container "create exit $rc: $out
$list"

# 8. Malformed state on stdin, and no annotation, without runc.
o1=$(echo '{"id": "x", "pid": 1, "annotations": {}}' | "$CRSNL" oci-hook 2>&1); r1=$?
o2=$(echo '{"id": "x", "annotations": {"crs.policy": "p"}}' | "$CRSNL" oci-hook 2>&1); r2=$?
o3=$(echo 'not json' | "$CRSNL" oci-hook 2>&1); r3=$?
result "$([ $r1 -eq 0 ] && [ -z "$o1" ] && [ $r2 -eq 1 ] && grep -q 'has no "pid"' <<<"$o2" &&
	[ $r3 -eq 1 ] && grep -q 'not an OCI state' <<<"$o3" && echo 1)" \
	state_without_annotation_is_a_noop_and_bad_state_fails "$r1 $o1; $r2 $o2; $r3 $o3"

# 9. A program rule is resolved in the container's root file system, not
#    the host's: the hook runs before runc's pivot_root, so it hands the
#    kernel the bundle's root.path. /bin/sh is dash on the host, busybox
#    (the program every applet runs as) in the container.
policy_json oci-prog '{"name": "sh-no-passwd", "ruleType": "READ", "program": "/bin/sh",
	"file": "/etc/passwd", "action": "DENY"}' > "$W/prog.json"
"$CRSNL" policy push "$W/prog.json" >/dev/null
run_ctr prog '{"crs.policy": "oci-prog"}' createRuntime \
	/bin/sh -c 'read l < /etc/passwd && echo "read:$l"; echo done'
"$CRSNL" policy delete oci-prog --force >/dev/null 2>&1
result "$([ $rc -eq 0 ] && grep -q done <<<"$out" && ! grep -q 'read:root' <<<"$out" &&
	grep -q 'Permission denied' <<<"$out" && echo 1)" \
	program_rule_resolves_in_the_container_root_not_the_hosts "exit $rc: $out"

# 10. The module not loaded: the container does not start unprotected.
"$CRSNL" policy delete "$POLICY" --force >/dev/null 2>&1
if rmmod crs 2>/dev/null; then
	start_fails unloaded "{\"crs.policy\": \"$POLICY\"}" 'the crs kernel module is not loaded' \
		module_not_loaded_fails_the_start
	insmod "${CRS_KO:-$CRS_TOP/crs.ko}"
else
	skip_result module_not_loaded_fails_the_start "crs.ko is in use"
fi

rm -rf "$W"
tap_end
