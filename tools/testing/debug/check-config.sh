#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Verify that every option the fragment sets (=y, =n as "is not set", or a
# value) ended up so in the final .config after olddefconfig; Kconfig drops
# what a dependency refuses without a word. Plus the options Kconfig
# selects on its own that crs needs. Any mismatch fails, listed.
#
# Usage: check-config.sh FRAGMENT DOTCONFIG
set -euo pipefail
frag=$1
cfg=$2
bad=0
want() { # OPTION VALUE ("n" = not set)
	local got
	got=$(sed -n "s/^$1=\(.*\)/\1/p" "$cfg")
	[ -n "$got" ] || got=n
	if [ "$got" != "$2" ]; then
		echo "check-config: $1 is '$got', the checking kernel needs '$2'"
		bad=1
	fi
}
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) want "${line%%=*}" "${line#*=}" ;;
	"# CONFIG_"*" is not set") o=${line#\# }; want "${o%% *}" n ;;
	esac
done < "$frag"
# Selected, not settable: crs's ftrace hooks modify the ip.
for o in CONFIG_DYNAMIC_FTRACE_WITH_REGS CONFIG_DYNAMIC_FTRACE_WITH_ARGS \
	 CONFIG_HAVE_DYNAMIC_FTRACE_WITH_REGS CONFIG_KASAN_GENERIC; do
	want "$o" y
done
[ "$bad" -eq 0 ] || { echo "check-config: $cfg lacks options above" >&2; exit 1; }
echo "check-config: all options of $(basename "$frag") are set as required"
