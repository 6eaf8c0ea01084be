/* SPDX-License-Identifier: GPL-2.0 */
/* Invalid policies under bad/ and the exact one-line error each must give. */
BAD_CASE(invalid_json, "bad/invalid-json.json",
	 "bad/invalid-json.json: line 3: invalid JSON: unexpected character")
BAD_CASE(top_not_object, "bad/top-not-object.json",
	 "bad/top-not-object.json: expected a JSON object at the top level, got array")
BAD_CASE(unknown_top_field, "bad/unknown-top-field.json",
	 "bad/unknown-top-field.json: unknown field \"policymode\"")
BAD_CASE(unknown_rule_field, "bad/unknown-rule-field.json",
	 "bad/unknown-rule-field.json: rules[0] \"r\": unknown field \"prot\"")
BAD_CASE(stats_field, "bad/stats-field.json",
	 "bad/stats-field.json: rules[0] \"r\": unknown field \"stats\" (output of \"policy show --stats\" only; remove it to push)")
BAD_CASE(missing_name, "bad/missing-name.json",
	 "bad/missing-name.json: name: missing")
BAD_CASE(empty_name, "bad/empty-name.json",
	 "bad/empty-name.json: name \"\": empty")
BAD_CASE(long_name, "bad/long-name.json",
	 "bad/long-name.json: name \"pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp\": longer than 127 bytes")
BAD_CASE(name_wrong_type, "bad/name-wrong-type.json",
	 "bad/name-wrong-type.json: name: expected a string, got number")
BAD_CASE(rules_wrong_type, "bad/rules-wrong-type.json",
	 "bad/rules-wrong-type.json: rules: expected an array, got object")
BAD_CASE(rule_not_object, "bad/rule-not-object.json",
	 "bad/rule-not-object.json: rules[0]: expected an object, got string")
BAD_CASE(missing_rule_name, "bad/missing-rule-name.json",
	 "bad/missing-rule-name.json: rules[0]: name: missing")
BAD_CASE(empty_rule_name, "bad/empty-rule-name.json",
	 "bad/empty-rule-name.json: rules[0]: name \"\": empty")
BAD_CASE(long_rule_name, "bad/long-rule-name.json",
	 "bad/long-rule-name.json: rules[0]: name \"rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr\": longer than 127 bytes")
BAD_CASE(inactive_wrong_type, "bad/inactive-wrong-type.json",
	 "bad/inactive-wrong-type.json: rules[0] \"r\": inactive: expected true or false, got string")
BAD_CASE(port_wrong_type, "bad/port-wrong-type.json",
	 "bad/port-wrong-type.json: rules[0] \"egress\": port: expected a number or a string, got array")
BAD_CASE(missing_ruletype, "bad/missing-ruletype.json",
	 "bad/missing-ruletype.json: rules[0] \"r\": ruleType: missing")
BAD_CASE(missing_action, "bad/missing-action.json",
	 "bad/missing-action.json: rules[0] \"r\": action: missing")
BAD_CASE(missing_file, "bad/missing-file.json",
	 "bad/missing-file.json: rules[0] \"r\": file: missing (required for READ rules)")
BAD_CASE(missing_network, "bad/missing-network.json",
	 "bad/missing-network.json: rules[0] \"egress\": ipAddress, port, protocol: missing (NETWORK_OUTBOUND rules need at least one)")
BAD_CASE(missing_syscall, "bad/missing-syscall.json",
	 "bad/missing-syscall.json: rules[0] \"s\": syscall: missing (required for SYSCALL rules)")
BAD_CASE(port_on_read, "bad/port-on-read.json",
	 "bad/port-on-read.json: rules[0] \"r\": port: not valid for a READ rule")
BAD_CASE(syscall_on_write, "bad/syscall-on-write.json",
	 "bad/syscall-on-write.json: rules[0] \"r\": syscall: not valid for a WRITE rule")
BAD_CASE(file_on_network, "bad/file-on-network.json",
	 "bad/file-on-network.json: rules[0] \"egress\": file: not valid for a NETWORK_OUTBOUND rule")
BAD_CASE(file_on_ptrace, "bad/file-on-ptrace.json",
	 "bad/file-on-ptrace.json: rules[0] \"s\": file: only valid on execve/execveat SYSCALL rules")
BAD_CASE(prefix_out_of_range, "bad/prefix-out-of-range.json",
	 "bad/prefix-out-of-range.json: rules[3] \"egress\": ipAddress \"10.0.0.0/33\": prefix length out of range")
BAD_CASE(ipv6_prefix_out_of_range, "bad/ipv6-prefix-out-of-range.json",
	 "bad/ipv6-prefix-out-of-range.json: rules[0] \"egress\": ipAddress \"fd00::/129\": prefix length out of range")
BAD_CASE(bad_prefix, "bad/bad-prefix.json",
	 "bad/bad-prefix.json: rules[0] \"egress\": ipAddress \"10.0.0.0/8x\": bad prefix length")
BAD_CASE(bad_address, "bad/bad-address.json",
	 "bad/bad-address.json: rules[0] \"egress\": ipAddress \"10.0.0.256\": not an IPv4 or IPv6 address")
BAD_CASE(host_bits, "bad/host-bits.json",
	 "bad/host-bits.json: rules[0] \"egress\": ipAddress \"10.1.2.3/8\": host bits set (the network is 10.0.0.0/8)")
BAD_CASE(host_bits_ipv6, "bad/host-bits-ipv6.json",
	 "bad/host-bits-ipv6.json: rules[0] \"egress\": ipAddress \"fd00::1/64\": host bits set (the network is fd00::/64)")
BAD_CASE(reversed_ports, "bad/reversed-ports.json",
	 "bad/reversed-ports.json: rules[0] \"egress\": port \"2000-1000\": range is reversed (2000 > 1000)")
BAD_CASE(port_out_of_range, "bad/port-out-of-range.json",
	 "bad/port-out-of-range.json: rules[0] \"egress\": port 70000: out of range (0-65535)")
BAD_CASE(port_range_out_of_range, "bad/port-range-out-of-range.json",
	 "bad/port-range-out-of-range.json: rules[0] \"egress\": port \"1000-65536\": out of range (0-65535)")
BAD_CASE(bad_port, "bad/bad-port.json",
	 "bad/bad-port.json: rules[0] \"egress\": port \"http\": expected a port number or a range \"lo-hi\"")
BAD_CASE(icmp_port, "bad/icmp-port.json",
	 "bad/icmp-port.json: rules[0] \"egress\": port: not valid with protocol ICMP")
BAD_CASE(bad_protocol, "bad/bad-protocol.json",
	 "bad/bad-protocol.json: rules[0] \"egress\": protocol \"SCTP\": expected TCP, UDP, ICMP, PACKET or ANY")
BAD_CASE(packet_inbound, "bad/packet-inbound.json",
	 "bad/packet-inbound.json: rules[0] \"raw\": protocol \"PACKET\": NETWORK_OUTBOUND rules only (opening a packet socket)")
BAD_CASE(packet_address, "bad/packet-address.json",
	 "bad/packet-address.json: rules[0] \"raw\": protocol \"PACKET\": a packet socket has no ipAddress or port")
BAD_CASE(errno_default_allow, "bad/errno-default-allow.json",
	 "bad/errno-default-allow.json: defaultSyscallErrno: only valid with defaultSyscallAction DENY")
BAD_CASE(unknown_syscall, "bad/unknown-syscall.json",
	 "bad/unknown-syscall.json: rules[0] \"s\": syscall \"ptrcae\": unknown syscall")
BAD_CASE(unknown_syscall_number, "bad/unknown-syscall-number.json",
	 "bad/unknown-syscall-number.json: rules[0] \"s\": syscall 999: unknown x86_64 syscall number")
BAD_CASE(x32_syscall_number, "bad/x32-syscall-number.json",
	 "bad/x32-syscall-number.json: rules[0] \"s\": syscall 1073741825: unknown x86_64 syscall number")
BAD_CASE(unknown_ignored_syscall, "bad/unknown-ignored-syscall.json",
	 "bad/unknown-ignored-syscall.json: ignoredSyscalls[1] \"bogus\": unknown syscall")
BAD_CASE(ignored_wrong_type, "bad/ignored-wrong-type.json",
	 "bad/ignored-wrong-type.json: ignoredSyscalls: expected an array, got string")
BAD_CASE(relative_file, "bad/relative-file.json",
	 "bad/relative-file.json: rules[0] \"r\": file \"etc/shadow\": not an absolute path")
BAD_CASE(relative_program, "bad/relative-program.json",
	 "bad/relative-program.json: rules[0] \"r\": program \"nginx\": not an absolute path or \"*\"")
BAD_CASE(relative_exec_file, "bad/relative-exec-file.json",
	 "bad/relative-exec-file.json: rules[0] \"s\": file \"bin/sh\": not an absolute path")
BAD_CASE(duplicate_rule_names, "bad/duplicate-rule-names.json",
	 "bad/duplicate-rule-names.json: rules[2] \"dup\": name: duplicate of rules[0]")
BAD_CASE(bad_mode, "bad/bad-mode.json",
	 "bad/bad-mode.json: policyMode \"ENFORCE\": expected ACTIVE, PERMISSIVE or INACTIVE")
BAD_CASE(bad_default, "bad/bad-default.json",
	 "bad/bad-default.json: defaultFileAction \"block\": expected ALLOW or DENY")
BAD_CASE(bad_action, "bad/bad-action.json",
	 "bad/bad-action.json: rules[0] \"r\": action \"BLOCK\": expected ALLOW or DENY")
BAD_CASE(bad_ruletype, "bad/bad-ruletype.json",
	 "bad/bad-ruletype.json: rules[0] \"r\": ruleType \"EXEC\": expected READ, WRITE, NETWORK_OUTBOUND, NETWORK_INBOUND or SYSCALL")
BAD_CASE(bad_arg, "bad/bad-arg.json",
	 "bad/bad-arg.json: rules[0] \"s\": arg1 \"<<5\": bad constraint (expected N, !=N, <N, <=N, >N, >=N or &MASK==N; N decimal or 0x hex)")
BAD_CASE(bad_arg_mask, "bad/bad-arg-mask.json",
	 "bad/bad-arg-mask.json: rules[0] \"s\": arg1 \"&0x7e020000=0\": bad constraint (expected N, !=N, <N, <=N, >N, >=N or &MASK==N; N decimal or 0x hex)")
BAD_CASE(negative_arg, "bad/negative-arg.json",
	 "bad/negative-arg.json: rules[0] \"s\": arg1 -1: negative (arguments are unsigned)")
BAD_CASE(arg_wider_than_kernel, "bad/arg-wider-than-kernel.json",
	 "bad/arg-wider-than-kernel.json: rules[0] \"s\": arg1 0x100000026: the kernel reads this argument of socket as 32 bits, so it never exceeds 0xffffffff")
BAD_CASE(arg_wider_than_mode, "bad/arg-wider-than-mode.json",
	 "bad/arg-wider-than-mode.json: rules[0] \"m\": arg2 0x101c0: the kernel reads this argument of mkdir as 16 bits, so it never exceeds 0xffff")
BAD_CASE(arg_on_read, "bad/arg-on-read.json",
	 "bad/arg-on-read.json: rules[0] \"r\": arg1: not valid for a READ rule")
BAD_CASE(errno_on_allow, "bad/errno-on-allow.json",
	 "bad/errno-on-allow.json: rules[0] \"r\": errno: only valid on DENY rules")
BAD_CASE(errno_unknown, "bad/errno-unknown.json",
	 "bad/errno-unknown.json: rules[0] \"r\": errno \"ENOTHING\": expected a name such as \"ENOSYS\" or a number 1..4095")
BAD_CASE(errno_on_read, "bad/errno-on-read.json",
	 "bad/errno-on-read.json: rules[0] \"r\": errno: not valid for a READ rule")
BAD_CASE(duplicate_key, "bad/duplicate-key.json",
	 "bad/duplicate-key.json: duplicate field \"name\"")
BAD_CASE(duplicate_rule_field, "bad/duplicate-rule-field.json",
	 "bad/duplicate-rule-field.json: rules[0]: duplicate field \"file\"")
BAD_CASE(number_out_of_range, "bad/number-out-of-range.json",
	 "bad/number-out-of-range.json: rules[0].arg1 18446744073709551616: number out of range")
BAD_CASE(trailing_comma, "bad/trailing-comma.json",
	 "bad/trailing-comma.json: line 1: invalid JSON: unexpected character")
BAD_CASE(trailing_text, "bad/trailing-text.json",
	 "bad/trailing-text.json: line 1: invalid JSON: trailing text")
BAD_CASE(bad_utf8, "bad/bad-utf8.json",
	 "bad/bad-utf8.json: line 1: invalid JSON: invalid utf-8 string")
