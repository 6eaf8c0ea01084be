/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crsnl: x86_64 and i386 syscall tables, generated at build time from the
 * Linux 6.1 syscall_64.tbl / syscall_32.tbl (see gen-syscalls.sh).
 */
#ifndef CRSNL_SYSCALLS_H
#define CRSNL_SYSCALLS_H

#include <stdint.h>

struct crs_syscall {
	const char *name;
	int nr;
	/*
	 * How the entry point reads arguments 1..6, from its prototype in
	 * Linux 6.1's include/linux/syscalls.h: 'L' the whole register
	 * (long, pointer, or unknown), 'w' the low 32 bits (int, unsigned
	 * int), 'h' the low 16 bits (umode_t, 16-bit uids).
	 */
	const char *args;
};

extern const struct crs_syscall crs_syscalls_x86_64[];
extern const unsigned int crs_syscalls_x86_64_count;
extern const struct crs_syscall crs_syscalls_i386[];
extern const unsigned int crs_syscalls_i386_count;

/* Number of NAME, or -1. */
int crs_syscall_nr_x86_64(const char *name);
int crs_syscall_nr_i386(const char *name);
/* Name of NR, or NULL. */
const char *crs_syscall_name_x86_64(int nr);
const char *crs_syscall_name_i386(int nr);
/* enum crs_arg_type of argument @i (0..5) of syscall @nr of @arch (enum crs_arch). */
uint8_t crs_syscall_arg_type(int arch, int nr, unsigned int i);

#endif
