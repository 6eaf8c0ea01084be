// SPDX-License-Identifier: GPL-2.0
/* crsnl: syscall name <-> number lookups over the generated tables. */
#include <string.h>

#include "syscalls.h"

static int nr_of(const struct crs_syscall *t, unsigned int n, const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return t[i].nr;
	return -1;
}

static const char *name_of(const struct crs_syscall *t, unsigned int n, int nr)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (t[i].nr == nr)
			return t[i].name;
	return NULL;
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
