# SPDX-License-Identifier: GPL-2.0
# Helpers for running runc containers on the demo's busybox root
# filesystem (tools/demo/mkrootfs.sh). Sourced by tools/demo/demo.sh and
# by the OCI selftests; bash only. Needs CRS_TOP (the source tree).
#
#   crs_bundle DIR ID ANNOTATIONS STAGE ARG...
#       make an OCI bundle in DIR: a fresh copy of the root filesystem and
#       a config.json running ARG... as root with Docker's default
#       capabilities, in new pid, network, ipc, uts and mount namespaces.
#       ANNOTATIONS is a JSON object ('{"crs.policy": "web"}' or '{}');
#       STAGE is createRuntime, prestart or none (no crs hook).

CRS_TOP=${CRS_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
CRS_ROOTFS=${CRS_ROOTFS:-$CRS_TOP/build/demo/rootfs}
CRSNL=${CRSNL:-$CRS_TOP/userspace/crsnl}

crs_json_str() {	# a JSON string literal
	local s=${1//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\n'/\\n}
	s=${s//$'\t'/\\t}
	printf '"%s"' "$s"
}

crs_bundle() {
	local dir=$1 id=$2 ann=$3 stage=$4 args= a hooks=
	shift 4
	[ -d "$CRS_ROOTFS/bin" ] || {
		echo "crs_bundle: no root filesystem at $CRS_ROOTFS (run tools/demo/mkrootfs.sh)" >&2
		return 1
	}
	rm -rf "$dir"
	mkdir -p "$dir"
	cp -a "$CRS_ROOTFS" "$dir/rootfs"
	for a in "$@"; do
		args+="${args:+, }$(crs_json_str "$a")"
	done
	case $stage in
	none) ;;
	createRuntime|prestart)
		hooks=$(printf '"hooks": {"%s": [{"path": %s, "args": ["crsnl", "oci-hook"], "timeout": 60}]},' \
			"$stage" "$(crs_json_str "$CRSNL")")
		;;
	*) echo "crs_bundle: unknown hook stage $stage" >&2; return 1 ;;
	esac
	local caps='"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
		"CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP",
		"CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
		"CAP_AUDIT_WRITE"'
	cat > "$dir/config.json" <<JSON
{
	"ociVersion": "1.0.2",
	"process": {
		"terminal": false,
		"user": {"uid": 0, "gid": 0},
		"args": [$args],
		"env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root"],
		"cwd": "/",
		"capabilities": {"bounding": [$caps], "effective": [$caps],
				 "permitted": [$caps]},
		"noNewPrivileges": true
	},
	"root": {"path": "rootfs", "readonly": false},
	"hostname": $(crs_json_str "$id"),
	"annotations": $ann,
	$hooks
	"mounts": [
		{"destination": "/proc", "type": "proc", "source": "proc"},
		{"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
		 "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
		{"destination": "/dev/pts", "type": "devpts", "source": "devpts",
		 "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
		{"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
		 "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
		{"destination": "/sys", "type": "sysfs", "source": "sysfs",
		 "options": ["nosuid", "noexec", "nodev", "ro"]}
	],
	"linux": {
		"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
			       {"type": "uts"}, {"type": "mount"}],
		"maskedPaths": ["/proc/acpi", "/proc/kcore", "/proc/keys",
				"/proc/latency_stats", "/proc/timer_list",
				"/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
		"readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
				  "/proc/sysrq-trigger"]
	}
}
JSON
}

# The pid of container ID's init as the host sees it.
crs_cpid() {
	runc state "$1" 2>/dev/null | sed -n 's/^ *"pid": \([0-9]*\),*$/\1/p'
}

# Stop and remove container ID, quietly.
crs_rm() {
	timeout -k 5 60 runc kill "$1" KILL >/dev/null 2>&1
	timeout -k 5 60 runc delete -f "$1" >/dev/null 2>&1
	return 0
}
