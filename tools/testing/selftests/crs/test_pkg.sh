#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages (make deb: build/deb/*.deb) in the VM: dpkg -i
# builds crs.ko through DKMS for the running kernel, the module loads,
# the packaged crsnl, man pages, completion and OCI hook work, the demo
# policy applies; dpkg --purge leaves nothing behind. Run by suite.sh
# with the tree's crs.ko loaded; it is put back at the end. TAP.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/crs_test.sh"
top=$CRS_TOP
W=/tmp/crs-test-pkg
K=$(uname -r)
tap_begin pkg.
finish() {	# the tree's crs.ko loaded again, the plan and totals
	lsmod | grep -q '^crs ' || insmod "${CRS_KO:-$top/crs.ko}"
	tap_end
}
if [ ! -d "/lib/modules/$K/build" ]; then
	# a self-built kernel (make check-debug) has no Debian headers package:
	# DKMS has nothing to build against
	skip_result dpkg_install "no /lib/modules/$K/build for DKMS"
	tap_end
fi
# CRS_DEB_DIR: where make deb put them (.ci/run: a copy, see there)
deb_dir=${CRS_DEB_DIR:-$top/build/deb}
debs=("$deb_dir"/crs-dkms_*_all.deb "$deb_dir"/crsnl_*_amd64.deb)
if [ ! -f "${debs[0]}" ] || [ ! -f "${debs[1]}" ]; then
	result 0 packages_built "no $deb_dir/*.deb: run make deb on the host"
	finish
fi
rm -rf "$W" && mkdir -p "$W"
# where the packages write, listed before and after
dirs=(/etc /usr/src /usr/sbin /usr/share/man/man5 /usr/share/man/man8
	/usr/share/bash-completion/completions /usr/share/containers /usr/share/doc
	/lib/modules/"$K" /lib/systemd/system /var/lib/dkms /var/lib/systemd)
# dkms makes its module-signing key (MOK) on its first build on a
# machine and keeps it: dkms's, not our package's (absent here when the
# host never ran dkms)
snapshot() {
	find "${dirs[@]}" 2>/dev/null |
		grep -Ev '^(/etc/ld.so.cache|/var/lib/dkms/mok\.(key|pub))$' | sort
}
# a booted Debian system has /dev/fd (udev); the test VM's devtmpfs does
# not, and dkms's process substitutions need it
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
snapshot > "$W/before"

lsmod | grep -q '^crs ' && rmmod_crs
# Building crs.ko in the guest takes over 20 minutes under emulation on a
# loaded host, so the crs.ko that DKMS built on the host from the same
# sources (tools/testing/dkms-build.sh, before the VM suite) is put where
# DKMS keeps built modules; the package's postinst then runs the real
# dkms add and dkms install, which installs it without rebuilding.
# Without it (CRS_PKG_GUEST_BUILD=1, or no host build), dkms builds here.
V=$(cat "$top/VERSION")
seed=${CRS_DKMS_TREE:-$top/build/dkms/tree}/crs/$V/$K
if [ -z "${CRS_PKG_GUEST_BUILD:-}" ] && [ -d "$seed" ]; then
	mkdir -p /var/lib/dkms/crs/"$V"
	cp -a "$seed" /var/lib/dkms/crs/"$V"/
	echo "# DKMS: the host-built module of $seed, installed by the postinst"
else
	echo "# DKMS: building crs.ko for $K in the guest"
fi
start=$(date +%s)
CRS_DKMS_KERNELS=$K dpkg -i "${debs[@]}" > "$W/install.log" 2>&1
rc=$?
secs=$(($(date +%s) - start))
echo "# dpkg -i: ${secs}s"
result "$([ $rc = 0 ] && grep -q "crs.ko built and installed for kernel $K" "$W/install.log" && echo 1)" \
	dpkg_install_builds_the_module "$(tail -n 20 "$W/install.log")"
# (the guest has no /dev/fd: dkms's filtered status prints nothing there)
# (6.12's Debian kernels compress their modules: DKMS installs crs.ko.xz)
mod=$(modinfo -n crs 2>/dev/null)
result "$(dkms status 2>/dev/null | grep -qxF "crs/$V, $K, x86_64: installed" &&
	[[ $mod =~ ^"/lib/modules/$K/updates/dkms/crs.ko"(\.xz|\.zst|\.gz)?$ ]] && echo 1)" \
	dkms_installed_for_the_running_kernel "$(dkms status; modinfo -n crs 2>&1)"
modprobe crs
out=$(/usr/sbin/crsnl status --json 2>&1)
result "$(lsmod | grep -q '^crs ' && grep -q "\"version\":\"$V\"" <<<"$out" && echo 1)" \
	modprobe_loads_it_and_crsnl_answers "$out"

# the demo policy from the package's examples applies to a container
ex=/usr/share/doc/crsnl/examples/demo-web.json
out=$(/usr/sbin/crsnl policy push "$ex" 2>&1)
result "$(grep -q 'pushed policy "demo-web"' <<<"$out" && echo 1)" demo_policy_pushes "$out"
unshare --pid --fork sh -c 'exec sleep 600' &
ush=$!
for _ in $(seq 100); do cpid=$(pgrep -P $ush) && break; sleep 0.1; done
/usr/sbin/crsnl policy apply demo-web --pid "$cpid"
out=$(/usr/sbin/crsnl container list --pid "$cpid" --json 2>&1)
result "$(grep -q '"policy":"demo-web"' <<<"$out" && grep -q '"effective_mode":"ACTIVE"' <<<"$out" && echo 1)" \
	demo_policy_applies "$out"

# completion of policy names from the kernel, man pages, the OCI hook
c=$(bash -c '. /usr/share/bash-completion/completions/crsnl
	COMP_WORDS=(crsnl policy show ""); COMP_CWORD=3
	_crsnl crsnl "" show; printf "%s\n" "${COMPREPLY[@]}"' 2>&1)
result "$(grep -qx demo-web <<<"$c" && echo 1)" completion_of_policy_names "$c"
w=$(for m in /usr/share/man/man8/crsnl.8.gz /usr/share/man/man5/crs-policy.5.gz; do
	[ -f "$m" ] || echo "$m missing"; LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null; done)
result "$([ -z "$w" ] && echo 1)" man_pages_installed_and_clean "$w"
result "$(grep -q '"path": "/usr/sbin/crsnl"' /usr/share/containers/oci/hooks.d/crs.json && echo 1)" \
	oci_hook_points_at_the_packaged_crsnl
result "$(dpkg-query -W -f='${Conffiles}' crsnl | grep -q /etc/crs/policies/README && echo 1)" \
	etc_crs_is_a_conffile "$(dpkg-query -W -f='${Conffiles}' crsnl)"

/usr/sbin/crsnl policy detach --pid "$cpid"
# the namespace's init ignores SIGTERM from outside (no handler): the
# test waited out the sleep's 600 s here
kill -KILL "$cpid"
wait $ush 2>/dev/null
/usr/sbin/crsnl policy delete demo-web > /dev/null
rmmod_crs

# purge: nothing of either package is left
dpkg -L crs-dkms crsnl 2>/dev/null | sort -u > "$W/files"
dpkg --purge crsnl crs-dkms > "$W/purge.log" 2>&1
rc=$?
snapshot > "$W/after"
left=$(while read -r f; do [ -e "$f" ] && [ ! -d "$f" ] && echo "$f"; done < "$W/files")
result "$([ $rc = 0 ] && [ -z "$left" ] && echo 1)" purge_removes_every_file "$left $(tail -5 "$W/purge.log")"
d=$(diff "$W/before" "$W/after")
result "$([ -z "$d" ] && ! modinfo crs > /dev/null 2>&1 && echo 1)" \
	purge_leaves_the_tree_as_before "$d"
finish
