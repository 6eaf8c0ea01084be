/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crsnl learn: the learned tuples as the kernel reports them (learn.c),
 * shared by show and export (learn_export.c).
 */
#ifndef CRSNL_LEARN_H
#define CRSNL_LEARN_H

#include <stddef.h>
#include <stdint.h>

struct tuple {
	uint8_t type;
	char *program;		/* "" unknown */
	char *file;		/* NULL none */
	uint8_t family;
	uint8_t addr[16];
	uint16_t port;
	uint8_t proto;
	int nr;			/* -1 none */
	uint8_t arch;
};

struct tuples {
	struct tuple *v;
	size_t n, cap;
	int bad;
};

struct cinfo {
	uint64_t id, overflow;
	uint32_t learned;
	int learning;
	int found;
};

/* The name of syscall @nr of @arch (enum crs_arch), or NULL. */
const char *learn_syscall_name(int nr, unsigned int arch);
/*
 * The learned set of PID's container, or the named set @set (an image
 * binding's pattern); 0, or 1 after printing why to stderr.
 */
int learn_fetch(const char *what, uint32_t pid, const char *set,
		struct tuples *ts);
void learn_tuples_free(struct tuples *ts);
/* PID's container's id and learning counters; 0, or 1 after printing why. */
int learn_container_info(const char *what, uint32_t pid, struct cinfo *ci);
int learn_export_main(int argc, char **argv);

#endif
