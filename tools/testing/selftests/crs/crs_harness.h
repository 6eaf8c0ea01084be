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

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 300

#endif
