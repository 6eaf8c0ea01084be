// SPDX-License-Identifier: GPL-2.0
/* crsnl: syscall name <-> number lookups over the generated tables. */
#include <string.h>
#include <linux/crs.h>

#include "syscalls.h"

static int nr_of(const struct crs_syscall *t, unsigned int n, const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return t[i].nr;
	return -1;
}

static const struct crs_syscall *entry_of(const struct crs_syscall *t,
					  unsigned int n, int nr)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (t[i].nr == nr)
			return &t[i];
	return NULL;
}

static const char *name_of(const struct crs_syscall *t, unsigned int n, int nr)
{
	const struct crs_syscall *e = entry_of(t, n, nr);

	return e ? e->name : NULL;
}

uint8_t crs_syscall_arg_type(int arch, int nr, unsigned int i)
{
	const struct crs_syscall *e;

	if (nr < 0 || i >= 6)
		return CRS_ARG_T_REG;
	e = arch == CRS_ARCH_I386 ?
	    entry_of(crs_syscalls_i386, crs_syscalls_i386_count, nr) :
	    entry_of(crs_syscalls_x86_64, crs_syscalls_x86_64_count, nr);
	if (!e)
		return CRS_ARG_T_REG;
	switch (e->args[i]) {
	case 'w':
		return CRS_ARG_T_32;
	case 'h':
		return CRS_ARG_T_16;
	default:
		return CRS_ARG_T_REG;
	}
}

int crs_syscall_nr_x86_64(const char *name)
{
	return nr_of(crs_syscalls_x86_64, crs_syscalls_x86_64_count, name);
}

int crs_syscall_nr_i386(const char *name)
{
	return nr_of(crs_syscalls_i386, crs_syscalls_i386_count, name);
}

const char *crs_syscall_name_x86_64(int nr)
{
	return name_of(crs_syscalls_x86_64, crs_syscalls_x86_64_count, nr);
}

const char *crs_syscall_name_i386(int nr)
{
	return name_of(crs_syscalls_i386, crs_syscalls_i386_count, nr);
}
