#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# crsnl's command-line conventions on the host (no kernel needed):
# one option parser, --opt=value and --opt value, -o/--output, "-" for
# stdin/stdout, --version, exit codes 0/1/2, errno names, the input size
# limit, policy check across files, bash completion, the man pages.
# TAP ending in the kselftest "# Totals:" line.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
crsnl=${CRSNL:-$top/userspace/crsnl}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0 pass=0 fail=0
echo "TAP version 13"
ok() {	# ok NAME COND-RESULT(0/1) [DIAG]
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n cli.$1"; pass=$((pass + 1))
	else
		echo "not ok $n cli.$1"; fail=$((fail + 1))
		[ -n "${3-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
	fi
}
run() {	# run ARGS...: $rc, $out (stdout), $err (stderr)
	"$crsnl" "$@" > "$T/out" 2> "$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

# --version, help, exit codes
run --version
ok version "$([ $rc = 0 ] && [ "$out" = "crsnl $(cat "$top/VERSION")" ]; echo $?)" "$out"
run no-such-command
ok unknown_command_exits_2 "$([ $rc = 2 ] && grep -q 'unknown command' <<<"$err"; echo $?)" "$rc $err"
run
ok no_command_exits_2 "$([ $rc = 2 ]; echo $?)"
run --help
ok help_states_exit_codes_and_limit "$([ $rc = 0 ] && grep -q '0 success, 1 failure, 2 usage' <<<"$out" && grep -q '64 MiB' <<<"$out"; echo $?)" "$out"

# every leaf command: --help exits 0 with Usage on stdout; an unknown
# option and a stray --opt=value on a flag exit 2 with one line
leaves=("status" "policy push" "policy check" "policy list" "policy show"
	"policy delete" "policy apply" "policy detach" "policy import-seccomp"
	"container list" "container set" "events" "learn start" "learn stop"
	"learn show" "learn export" "oci-hook")
for l in "${leaves[@]}"; do
	# shellcheck disable=SC2086
	run $l --help
	ok "help_${l// /_}" "$([ $rc = 0 ] && grep -q '^Usage: crsnl' <<<"$out" && [ -z "$err" ]; echo $?)" "$rc $out $err"
	# shellcheck disable=SC2086
	run $l --no-such-option
	ok "unknown_option_exits_2_${l// /_}" "$([ $rc = 2 ] && [ "$err" = "crsnl: $l: unknown option \"--no-such-option\" (see --help)" ]; echo $?)" "$rc $err"
done
run policy apply web --pid
ok option_without_value_exits_2 "$([ $rc = 2 ] && grep -q 'needs a value' <<<"$err"; echo $?)" "$err"
run policy apply web --pid=abc
ok bad_pid_exits_2 "$([ $rc = 2 ] && grep -q 'not a process id' <<<"$err"; echo $?)" "$err"
run container set --pid 1
ok nothing_to_set_exits_2 "$([ $rc = 2 ]; echo $?)" "$err"
run policy detach --pid 1 --host
ok detach_refuses_host_option "$([ $rc = 2 ] && grep -q 'does not apply' <<<"$err"; echo $?)" "$err"
# the refused option is named, not its value (both spellings)
for a in "policy detach --pid 1 --log-mode NONE" \
	 "policy detach --pid 1 --log-mode=NONE" \
	 "learn start --pid 1 --policy-mode ACTIVE" \
	 "learn stop --pid 1 --learning on"; do
	# shellcheck disable=SC2086
	run $a
	o=${a##* --}; o=${o%%[ =]*}
	c=${a%% --pid*}
	ok "refused_option_is_named_${c// /_}_$o$([[ $a = *=* ]] && echo _joined)" "$([ $rc = 2 ] && [ "$err" = "crsnl: ${a%% --pid*}: option \"--$o\" does not apply here (see --help)" ]; echo $?)" "$err"
done
run events --outcome=MAYBE
ok events_bad_value_exits_2 "$([ $rc = 2 ]; echo $?)" "$err"

# --opt=value and --opt value; options after operands
pol=$top/policies/web-server.json
run policy check --max-rules=3 "$pol"; a="$rc $err"
run policy check "$pol" --max-rules 3; b="$rc $err"
ok opt_equals_and_space_are_the_same "$([ "$a" = "$b" ] && [ "${a%% *}" = 1 ]; echo $?)" "$a | $b"

# policy check: more rules than max_rules; one name in two files
run policy check --max-rules 23 "$pol"
ok check_over_max_rules "$([ $rc = 1 ] && [ "$err" = "$pol: policy \"web-server\": 24 rules, more than max_rules 23 (--max-rules)" ]; echo $?)" "$err"
run policy check --max-rules 24 "$pol"
ok check_at_max_rules "$([ $rc = 0 ]; echo $?)" "$err"
sed 's/"name": "web-server"/"name": "database"/' "$pol" > "$T/dup.json"
grep -q '"name": "database"' "$T/dup.json" || echo "# dup.json not made"
run policy check "$top/policies/database.json" "$T/dup.json"
ok check_two_files_one_name "$([ $rc = 1 ] && [ "$err" = "$T/dup.json: policy \"database\" is also defined in $top/policies/database.json" ]; echo $?)" "$err"
run policy push "$top/policies/database.json" "$T/dup.json"
# push takes its files in order: one name twice is a replace (test_file's
# concurrency tests push A, B, A, ... in one crsnl), so it goes to the kernel
ok push_two_files_one_name_is_a_replace "$(! grep -q 'also defined in' <<<"$err"; echo $?)" "$err"

# "-" is stdin; -o/--output, "-" is stdout
"$crsnl" policy check - < "$pol" > "$T/out" 2>&1
ok check_stdin "$([ $? = 0 ] && grep -q '^stdin: policy "web-server" is valid (24 rules)$' "$T/out"; echo $?)" "$(cat "$T/out")"
run policy check --print "$pol"; cp "$T/out" "$T/print-stdout"
run policy check --print -o "$T/p1.json" "$pol"; r1=$rc
run policy check --print --output="$T/p2.json" "$pol"; r2=$rc
run policy check --print -o="$T/p3.json" "$pol"; r3=$rc
run policy check --print -o"$T/p4.json" "$pol"; r4=$rc
run policy check --print --output - "$pol"
ok output_option_forms "$([ $r1$r2$r3$r4$rc = 00000 ] && cmp -s "$T/p1.json" "$T/print-stdout" && cmp -s "$T/p2.json" "$T/print-stdout" && cmp -s "$T/p3.json" "$T/print-stdout" && cmp -s "$T/p4.json" "$T/print-stdout" && cmp -s "$T/out" "$T/print-stdout"; echo $?)"
prof=$here/seccomp/docker-default.json
run policy import-seccomp "$prof" --name dd -o "$T/s1.json"; r1=$rc
run policy import-seccomp --output="$T/s2.json" --name=dd - < "$prof" 2>/dev/null; r2=$rc
"$crsnl" policy import-seccomp - --name dd < "$prof" > "$T/s3.json" 2>/dev/null; r3=$?
# the description names the input: "stdin" for "-"
sed -i 's|seccomp profile stdin |seccomp profile '"$prof"' |' "$T/s2.json" "$T/s3.json"
ok import_seccomp_output_and_stdin "$([ $r1$r2$r3 = 000 ] && cmp -s "$T/s1.json" "$T/s2.json" && cmp -s "$T/s1.json" "$T/s3.json" && grep -q '"name": "dd"' "$T/s1.json"; echo $?)"
# import-seccomp parses as strictly as policy check: one line with the place
printf '{"defaultAction": "SCMP_ACT_ERRNO",\n "syscalls": [],\n}\n' > "$T/trail.json"
run policy import-seccomp "$T/trail.json" --name x
ok import_seccomp_strict_json "$([ $rc = 1 ] && [ "$err" = "crsnl: policy import-seccomp: $T/trail.json: line 3: invalid JSON: unexpected character" ]; echo $?)" "$err"
printf '{"defaultAction": "SCMP_ACT_ERRNO", "defaultAction": "SCMP_ACT_ALLOW"}\n' > "$T/dup.json"
run policy import-seccomp "$T/dup.json" --name x
ok import_seccomp_duplicate_field "$([ $rc = 1 ] && grep -q 'duplicate field "defaultAction"' <<<"$err"; echo $?)" "$err"
run policy import-seccomp "$prof" --name dd -o /nonexistent/dir/x.json
ok output_unwritable_exits_1 "$([ $rc = 1 ] && grep -q 'No such file or directory' <<<"$err"; echo $?)" "$err"

# input size limit: a larger regular file is refused from fstat alone,
# standard input once more than the limit arrived
truncate -s $((64 * 1024 * 1024 + 1)) "$T/big.json"
run policy check "$T/big.json"
ok big_file_refused_unread "$([ $rc = 1 ] && [ "$err" = "$T/big.json: 67108865 bytes, larger than the limit of 67108864 bytes (64 MiB)" ]; echo $?)" "$err"
truncate -s $((64 * 1024 * 1024)) "$T/limit.json"
run policy check "$T/limit.json"
ok file_at_limit_is_read "$([ $rc = 1 ] && grep -q 'NUL byte' <<<"$err"; echo $?)" "$err"
head -c $((64 * 1024 * 1024 + 1)) /dev/zero | "$crsnl" policy check - > /dev/null 2> "$T/err"
ok big_stdin_refused "$([ $? = 1 ] && [ "$(cat "$T/err")" = "stdin: larger than the limit of 67108864 bytes (64 MiB)" ]; echo $?)" "$(cat "$T/err")"
run policy import-seccomp "$T/big.json" --name x
ok big_profile_refused_unread "$([ $rc = 1 ] && grep -q 'larger than the limit' <<<"$err"; echo $?)" "$err"
head -c $((1024 * 1024 + 1)) /dev/zero | "$crsnl" oci-hook > /dev/null 2> "$T/err"
ok big_oci_state_refused "$([ $? = 1 ] && grep -q 'larger than the limit of 1048576 bytes' "$T/err"; echo $?)" "$(cat "$T/err")"

# errno names from the C library's whole table, aliases accepted
cat > "$T/errno.json" <<'J'
{"name": "errnos", "rules": [
 {"name": "a", "ruleType": "SYSCALL", "syscall": "bpf", "action": "DENY", "errno": "EHWPOISON"},
 {"name": "b", "ruleType": "SYSCALL", "syscall": "kexec_load", "action": "DENY", "errno": "enotsup"},
 {"name": "c", "ruleType": "SYSCALL", "syscall": "ptrace", "action": "DENY", "errno": "ENOTRECOVERABLE"},
 {"name": "d", "ruleType": "SYSCALL", "syscall": "mount", "action": "DENY", "errno": 1000}]}
J
run policy check --print "$T/errno.json"
ok errno_names_full_table "$([ $rc = 0 ] && grep -q '"errno": "EHWPOISON"' <<<"$out" && grep -q '"errno": "EOPNOTSUPP"' <<<"$out" && grep -q '"errno": "ENOTRECOVERABLE"' <<<"$out" && grep -q '"errno": 1000' <<<"$out"; echo $?)" "$out $err"
sed 's/"EHWPOISON"/"ENOSUCHERR"/' "$T/errno.json" > "$T/errno-bad.json"
run policy check "$T/errno-bad.json"
ok errno_unknown_name_refused "$([ $rc = 1 ] && grep -q 'errno "ENOSUCHERR"' <<<"$err"; echo $?)" "$err"

# bash completion (policy names need the kernel: tools/testing/selftests/crs/test_pkg.sh)
comp() {	# comp WORDS...: completions of the last word
	bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_crsnl crsnl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$top/userspace/completion/crsnl" "$@" 2>&1
}
c=$(comp crsnl "")
ok completion_commands "$([ "$(sort <<<"$c" | tr '\n' ' ')" = "--help --version container events learn oci-hook policy status sync " ]; echo $?)" "$c"
c=$(comp crsnl policy "")
ok completion_policy_subcommands "$([ "$(sort <<<"$c" | tr '\n' ' ')" = "apply check delete detach import-seccomp list push show " ]; echo $?)" "$c"
c=$(comp crsnl policy apply web --log "")
ok completion_options "$(grep -qx -- --log-mode <<<"$(comp crsnl policy apply web --log)" && [ -z "$c" ]; echo $?)" "$c"
c=$(comp crsnl container list --pid "")
ok completion_pids "$(grep -qx "$$" <<<"$c" && grep -qx 1 <<<"$c"; echo $?)" "$(head -3 <<<"$c")"
c=$(comp crsnl container set --pid 1 --policy-mode P)
ok completion_values "$([ "$c" = PERMISSIVE ]; echo $?)" "$c"

# man pages render without a warning; a broken page would not
for m in "$top"/Documentation/man/*.[58]; do
	w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null)
	ok "man_page_$(basename "$m")_renders_without_warnings" "$([ -z "$w" ] && [ "$(LC_ALL=C.UTF-8 man -l "$m" 2>/dev/null | wc -l)" -gt 40 ]; echo $?)" "$w"
done
printf '.TH X 1\n.SH NAME\nx \\- y\n.BOGUSMACRO\n\\fBunclosed\n' > "$T/bad.1"
w=$(LC_ALL=C.UTF-8 man --warnings -l "$T/bad.1" 2>&1 >/dev/null)
ok man_warnings_check_can_fail "$([ -n "$w" ]; echo $?)"
# make install puts the man pages and the completion in place
make -s -C "$top" install-docs DESTDIR="$T/inst" PREFIX=/usr > "$T/inst.log" 2>&1
ok make_install_installs_man_pages_and_completion "$([ -f "$T/inst/usr/share/man/man8/crsnl.8" ] && [ -f "$T/inst/usr/share/man/man5/crs-policy.5" ] && [ -f "$T/inst/usr/share/bash-completion/completions/crsnl" ]; echo $?)" "$(cat "$T/inst.log")"
# every option each command's parser knows is in crsnl(8)
miss=""
for o in $(grep -ho '{ "[a-z-]*", \(no\|required\)_argument' "$top"/userspace/*.c | cut -d'"' -f2 | sort -u); do
	[ "$o" = help ] && continue
	grep -q -- "\\\\-\\\\-${o//-/\\\\-}" "$top/Documentation/man/crsnl.8" || miss="$miss $o"
done
ok man_page_lists_every_option "$([ -z "$miss" ]; echo $?)" "missing:$miss"

# events: sizes and counts are digits; --max-files needs --max-size
run events -o "$T/ev.log" --max-size ' -1'
ok events_max_size_refuses_a_sign_or_blank "$([ $rc = 2 ] && grep -q 'max-size: " -1" is not a size' <<<"$err" && [ ! -e "$T/ev.log" ]; echo $?)" "$rc $err"
run events -o "$T/ev.log" --max-files 3
ok events_max_files_needs_max_size "$([ $rc = 2 ] && grep -q 'max-files needs --max-size' <<<"$err"; echo $?)" "$rc $err"
# status --format prometheus without the module (this host cannot load
# it): the file says crs_up 0 instead of keeping a stale crs_up 1
if [ ! -d /sys/module/crs ]; then
	printf 'crs_up 1\n' > "$T/crs.prom"
	run status --format prometheus -o "$T/crs.prom"
	ok status_prometheus_without_module_writes_crs_up_0 "$([ $rc = 1 ] && grep -qx 'crs_up 0' "$T/crs.prom" &&
		grep -q 'not loaded' <<<"$err" && ! ls "$T"/crs.prom.tmp.* >/dev/null 2>&1; echo $?)" "$rc $err; $(cat "$T/crs.prom")"
	run status --format prometheus -o "$T/nodir/crs.prom"
	ok status_output_error_names_the_path_given "$([ $rc = 1 ] && grep -q -- "--output $T/nodir/crs.prom: No such file" <<<"$err"; echo $?)" "$rc $err"
fi

echo "1..$n"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ $fail = 0 ]
