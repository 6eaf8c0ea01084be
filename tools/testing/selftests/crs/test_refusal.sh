#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A kernel that lacks a function crs hooks gets a clean refusal: insmod
# fails (ENOENT, kprobes' "no such symbol"), the kernel log gets one
# "crs: cannot load" line naming the function, and nothing of crs stays
# (no module, no netlink family). The modules are test builds made on
# the host by tools/testing/build-refusal.sh (CRS_REFUSAL_DIR, default
# build/refusal) that look one function up under a name no kernel has:
# a required LSM hook, and ia32_sys_call, required whenever the kernel
# has IA32 emulation (a 32-bit task's system calls would go unchecked).
# Runs inside the VM from suite.sh; kselftest-style TAP.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/crs_test.sh"
top=$CRS_TOP
crsnl=${CRSNL:-$top/userspace/crsnl}
dir=${CRS_REFUSAL_DIR:-$top/build/refusal}
syms=(security_path_rename ia32_sys_call)
tap_begin refusal. $((${#syms[@]} + 1))
lsmod | grep -q '^crs ' && rmmod_crs
# The tree's own crs.ko, on the same kernel (PREEMPT_RT included),
# loads without any refusal line and unloads: the refusals below are
# the test builds', not the kernel's.
dmesg -C
err=$(insmod "${CRS_KO:-$top/crs.ko}" 2>&1)
rc=$?
log=$(dmesg | grep 'crs: ')
printf '%s\n' "$err" "$log" | sed '/^$/d; s/^/# /'
ok=1
[ $rc -eq 0 ] || ok=0
grep -q 'cannot load' <<<"$log" && ok=0
rmmod_crs || ok=0
result $ok own_module_loads_on_this_kernel
for sym in "${syms[@]}"; do
	name=kernel_without_${sym}_refuses_load
	ko=$dir/$sym.ko
	if [ ! -f "$ko" ] || ! modinfo "$ko" | grep -q "^vermagic: *$(uname -r) "; then
		skip_result "$name" "no $ko for $(uname -r) (tools/testing/build-refusal.sh)"
		continue
	fi
	required=1
	if [ "$sym" = ia32_sys_call ] &&
	   ! grep -q '^CONFIG_IA32_EMULATION=y' "/boot/config-$(uname -r)"; then
		required=0
	fi
	ok=1
	dmesg -C
	err=$(insmod "$ko" 2>&1)
	rc=$?
	log=$(dmesg | grep 'crs: ')
	printf '%s\n' "$err" "$log" | sed '/^$/d; s/^/# /'
	if [ $required = 1 ]; then
		[ $rc -ne 0 ] || { ok=0; rmmod_crs; }
		# kmod's insmod words ENOENT so
		grep -q 'Unknown symbol in module' <<<"$err" || ok=0
		[ "$(grep -c 'crs: cannot load' <<<"$log")" = 1 ] || ok=0
		grep -q "crs: cannot load: this kernel has no function $sym that ftrace can hook (-2)" <<<"$log" || ok=0
		grep -q 'loaded' <<<"$log" && ok=0
		[ ! -e /sys/module/crs ] || ok=0
		"$crsnl" status > /dev/null 2>&1 && ok=0
	else
		# without the ABI its dispatcher is optional: a load, logged
		[ $rc -eq 0 ] || ok=0
		grep -q "optional hook $sym not installed" <<<"$log" || ok=0
		rmmod_crs || ok=0
	fi
	result $ok "$name"
done
# leave the tree's module loaded for the tests that follow
insmod "${CRS_KO:-$top/crs.ko}"
tap_end
