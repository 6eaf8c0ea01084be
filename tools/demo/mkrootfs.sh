#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the demo's container root filesystem: Debian's static busybox and
# a few files, in OUTDIR (default build/demo/rootfs). Never committed.
#
#   /bin/busybox + applet symlinks   the container's shell and tools
#   /usr/sbin/httpd                  a copy of busybox: the web server is
#                                    its own program, so rules can name it
#   /www/index.html                  what the web server serves
#   /run/secrets/api-token           the secret an attacker wants
#   /app/                            the worker's job and its input
#
# Usage: mkrootfs.sh [OUTDIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/build/demo/rootfs}
bb=/bin/busybox

if ldd "$bb" >/dev/null 2>&1; then
	echo "mkrootfs: $bb is not Debian's static busybox (install busybox-static: tools/setup.sh)" >&2
	exit 1
fi
stamp=$out/.crs-rootfs
if [ -f "$stamp" ] && [ "$stamp" -nt "$bb" ] && [ "$stamp" -nt "$0" ]; then
	exit 0
fi
rm -rf "$out"
mkdir -p "$out"/{bin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,www,run/secrets,app,out,root}
install -m 0755 "$bb" "$out/bin/busybox"
for a in $("$bb" --list); do
	case $a in busybox) continue ;; esac
	ln -s busybox "$out/bin/$a"
done
install -m 0755 "$bb" "$out/usr/sbin/httpd"
chmod 1777 "$out/tmp"

cat > "$out/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
www-data:x:33:33:www-data:/www:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
cat > "$out/etc/group" <<'GR'
root:x:0:
www-data:x:33:
nogroup:x:65534:
GR
echo "nameserver 192.0.2.53" > "$out/etc/resolv.conf"
echo "127.0.0.1 localhost" > "$out/etc/hosts"
cat > "$out/www/index.html" <<'HTML'
<!doctype html>
<title>crs demo</title>
<p>Hello from a container held to its crs policy.</p>
HTML
echo "tok_live_4f1c2a9e8b7d6c5e" > "$out/run/secrets/api-token"
chmod 0400 "$out/run/secrets/api-token"

# The worker: a small batch job whose behaviour the demo learns.
printf 'alpha 3\nbeta 5\ngamma 8\n' > "$out/app/input.txt"
cat > "$out/app/job.sh" <<'JOB'
#!/bin/sh
# Sum the numbers in the input and write a report.
total=0
while read -r name n; do
	total=$((total + n))
done < /app/input.txt
echo "items: $(wc -l < /app/input.txt) total: $total" > /out/report.txt
cat /out/report.txt
JOB
chmod 0755 "$out/app/job.sh"
touch "$stamp"
echo "mkrootfs: $out ($(du -sh "$out" | cut -f1))"
