#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The YNL spec against the header (check-spec.py, with the kernel's YNL
# library and schema), and two mutations that check-spec must catch.
# TAP with kselftest "# Totals:" lines.
set -uo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
L=$top/build/linux-source-6.12
chk() {
	/usr/bin/python3 "$top/tools/testing/ynl/check-spec.py" "$L/tools/net/ynl" \
		"$L/Documentation/netlink/genetlink-legacy.yaml" "$1" "$2"
}
chk "$top/Documentation/netlink/specs/crs.yaml" "$top/include/uapi/linux/crs.h"
rc=$?
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# a header attribute whose stated type differs, and an attribute the spec lacks
sed 's|CRS_RULE_A_PORT_LO,\t/\* u16|CRS_RULE_A_PORT_LO,\t/* u32|' \
	"$top/include/uapi/linux/crs.h" > "$T/type.h"
sed 's|^\tCRS_EVENT_A_LOST,|\tCRS_EVENT_A_LOST,\n\tCRS_EVENT_A_NEW,\t/* u32 */|' \
	"$top/include/uapi/linux/crs.h" > "$T/extra.h"
echo "TAP version 13"
echo "1..2"
n=0 pass=0 fail=0
for m in type extra; do
	n=$((n + 1))
	if cmp -s "$T/$m.h" "$top/include/uapi/linux/crs.h"; then
		echo "not ok $n ynl_spec.mutation_$m (sed changed nothing)"; fail=$((fail + 1))
	elif chk "$top/Documentation/netlink/specs/crs.yaml" "$T/$m.h" > "$T/$m.out" 2>&1; then
		echo "not ok $n ynl_spec.mutation_${m}_is_caught"; fail=$((fail + 1))
	else
		echo "ok $n ynl_spec.mutation_${m}_is_caught"; pass=$((pass + 1))
		grep '^not ok' "$T/$m.out" | sed 's/^/# /'
	fi
done
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ $rc = 0 ] && [ $fail = 0 ]
