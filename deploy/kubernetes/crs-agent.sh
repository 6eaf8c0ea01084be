#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# crs-agent.sh: the "sync" container of the crs-agent DaemonSet.
#
# Runs 'crsnl sync' on the mounted ConfigMap at start, then again each
# time the ConfigMap changes. Kubelet updates a ConfigMap volume by
# writing a new hidden directory (..2026_01_02_03_04_05.NNN) and
# swapping the ..data symlink to it in one rename; the top-level names
# (bindings.json, policies/) are symlinks through ..data. So the agent
# polls a checksum of the resolved contents (names and bytes) every
# CRS_RESYNC_SECONDS and syncs when it differs from the one last synced.
#
# A sync that fails (a bad policy pushed to the ConfigMap) changes
# nothing in the kernel (crsnl sync validates everything first), is
# logged, and the agent keeps running; the next change is tried again,
# and so is the same content every CRS_RETRY_SECONDS (a failure may be
# transient: the module reloading, a netlink error).
#
# With CRS_HOOK_CONFIG_DIR set, after each successful sync the agent
# copies bindings.json there (atomically, by rename) for the OCI hook,
# which the container runtime runs on the node and which reads
# --config-dir on the node, not this pod's volume. Publishing only after
# a successful sync means the hook never sees bindings that failed
# validation or name a policy the kernel lacks. A second sync then binds
# the containers the hook recorded between the first sync and the
# publication (it normally prints "nothing to change").
#
# Environment:
#   CRS_CONFIG_DIR       the ConfigMap mount (default /etc/crs)
#   CRS_RUN_DIR          the OCI hook's records (default /run/crs)
#   CRS_RESYNC_SECONDS   poll period (default 10)
#   CRS_RETRY_SECONDS    retry of a failed sync without a change
#                        (default 300)
#   CRS_HOOK_CONFIG_DIR  where to publish bindings.json for the hook
#                        (default: empty, not published)
#   CRSNL                the crsnl binary (default crsnl from PATH)
#
# Usage: crs-agent.sh [--once]
#   --once: one sync, exit with its status.
#
# POSIX sh; runs under busybox sh and dash.

CONFIG_DIR=${CRS_CONFIG_DIR:-/etc/crs}
RUN_DIR=${CRS_RUN_DIR:-/run/crs}
INTERVAL=${CRS_RESYNC_SECONDS:-10}
RETRY=${CRS_RETRY_SECONDS:-300}
HOOK_DIR=${CRS_HOOK_CONFIG_DIR:-}
CRSNL=${CRSNL:-crsnl}

once=0
case "${1:-}" in
--once) once=1 ;;
"") ;;
-h|--help)
	sed -n '2,/^# POSIX/p' "$0" | sed 's/^# \{0,1\}//'
	exit 0 ;;
*)
	echo "crs-agent: unknown argument \"$1\" (usage: crs-agent.sh [--once])" >&2
	exit 2 ;;
esac

for v in "CRS_RESYNC_SECONDS=$INTERVAL" "CRS_RETRY_SECONDS=$RETRY"; do
	case "${v#*=}" in
	''|*[!0-9]*|0)
		echo "crs-agent: ${v%%=*}=\"${v#*=}\" is not a positive number of seconds" >&2
		exit 2 ;;
	esac
done

log() {
	echo "crs-agent: $(date -u +%Y-%m-%dT%H:%M:%SZ) $*" >&2
}

# A checksum of the names and contents of every file under the config
# dir, following symlinks, skipping kubelet's hidden ..* entries (the
# top-level symlinks already resolve through ..data). Debian's busybox
# has no cksum applet: md5sum then.
digest() {
	if command -v cksum >/dev/null 2>&1; then
		cksum
	else
		md5sum
	fi
}

config_sum() {
	find -L "$CONFIG_DIR" -type f ! -path '*/..*' 2>/dev/null | LC_ALL=C sort |
	while IFS= read -r f; do
		printf '%s\n' "$f"
		cat "$f" 2>/dev/null
	done | digest | sed "s/ .*//"
}

# Copy bindings.json for the OCI hook: temp file and rename, so the hook
# reads the old or the new file, never half of one. Returns 0 when the
# published file changed.
publish() {
	[ -n "$HOOK_DIR" ] || return 1
	mkdir -p "$HOOK_DIR" || { log "cannot create $HOOK_DIR"; return 1; }
	if [ -f "$CONFIG_DIR/bindings.json" ]; then
		if cmp -s "$CONFIG_DIR/bindings.json" "$HOOK_DIR/bindings.json"; then
			return 1
		fi
		if cp "$CONFIG_DIR/bindings.json" "$HOOK_DIR/.bindings.json.tmp" &&
		   mv -f "$HOOK_DIR/.bindings.json.tmp" "$HOOK_DIR/bindings.json"; then
			log "published bindings.json to $HOOK_DIR for the OCI hook"
			return 0
		fi
		rm -f "$HOOK_DIR/.bindings.json.tmp"
		log "publishing bindings.json to $HOOK_DIR failed"
		return 1
	fi
	if [ -e "$HOOK_DIR/bindings.json" ]; then
		rm -f "$HOOK_DIR/bindings.json"
		log "removed $HOOK_DIR/bindings.json (none in $CONFIG_DIR)"
		return 0
	fi
	return 1
}

# One sync of the config dir; its output goes to stderr (the pod log),
# then one summary line. 0 on success.
sync_once() {
	"$CRSNL" sync --config-dir "$CONFIG_DIR" --run-dir "$RUN_DIR" >&2
	rc=$?
	if [ "$rc" -ne 0 ]; then
		log "sync failed (exit $rc): kernel state unchanged, will retry on the next change of $CONFIG_DIR"
		return "$rc"
	fi
	log "sync ok ($CONFIG_DIR, checksum $1)"
	if publish; then
		"$CRSNL" sync --config-dir "$CONFIG_DIR" --run-dir "$RUN_DIR" >&2 ||
			log "re-sync after publishing bindings.json failed (exit $?)"
	fi
	return 0
}

if [ "$once" = 1 ]; then
	sync_once "$(config_sum)"
	exit $?
fi

sleeper=
stop() {
	[ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null
	log "stopping on SIG$1"
	exit 0
}
trap 'stop TERM' TERM
trap 'stop INT' INT

log "starting: config $CONFIG_DIR, run dir $RUN_DIR, poll every ${INTERVAL}s"
synced=$(config_sum)
failed=0	# seconds since a failed sync of $synced; 0: it did not fail
sync_once "$synced" || failed=1
while :; do
	# sleep in the background: a trapped signal interrupts 'wait' at once
	sleep "$INTERVAL" &
	sleeper=$!
	wait "$sleeper"
	sleeper=
	now=$(config_sum)
	if [ "$now" = "$synced" ]; then
		[ "$failed" -gt 0 ] || continue
		failed=$((failed + INTERVAL))
		[ "$failed" -gt "$RETRY" ] || continue
		log "retrying the failed sync"
	fi
	# the checksum is taken before the sync: a change during the sync
	# makes the next poll differ again, and that one syncs too
	synced=$now
	failed=0
	sync_once "$now" || failed=1
done
