// SPDX-License-Identifier: GPL-2.0
/* crsnl policy import-seccomp: Docker/OCI seccomp profile -> crs policy. */
#include <stdio.h>

#include "crsnl.h"

int import_seccomp_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "crsnl: policy import-seccomp: not implemented yet\n");
	return 1;
}
