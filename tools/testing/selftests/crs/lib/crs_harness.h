/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kselftest_harness.h with a default test timeout fit for the suite's
 * guest: under qemu TCG everything runs 10-50 times slower than on
 * hardware, and a host under load stretches that again. A test that must
 * be prompt measures its own deadline; this only catches hangs.
 */
#ifndef CRS_HARNESS_H
#define CRS_HARNESS_H

#include "kselftest_harness.h"

#include <stdlib.h>

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 300

/*
 * On a checking kernel (KASAN, lockdep, kmemleak: tools/testing/debug/)
 * everything is another 10-15 times slower: CRS_TEST_TIMEOUT_MULT (an
 * integer, default 1) multiplies every test's timeout.
 */
static inline void crs_harness_scale_timeouts(void)
{
	const char *e = getenv("CRS_TEST_TIMEOUT_MULT");
	int m = e ? atoi(e) : 1;
	struct __fixture_metadata *f;
	struct __test_metadata *t;

	if (m <= 1)
		return;
	for (f = __fixture_list; f; f = f->next)
		for (t = f->tests; t; t = t->next)
			t->timeout *= m;
}

#undef TEST_HARNESS_MAIN
#define TEST_HARNESS_MAIN \
	static void __attribute__((constructor)) \
	__constructor_order_last(void) \
	{ \
		if (!__constructor_order) \
			__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD; \
	} \
	int main(int argc, char **argv) { \
		crs_harness_scale_timeouts(); \
		return test_harness_run(argc, argv); \
	}

#endif
