// SPDX-License-Identifier: GPL-2.0
/* crs: NETWORK_* enforcement on netfilter (to be written: issue 5). */
#include "crs.h"

int crs_net_init(void) { return 0; }
void crs_net_exit(void) { }
int crs_net_compile(struct crs_policy *p, struct netlink_ext_ack *extack) { return 0; }
void crs_net_free(struct crs_policy *p) { }
int crs_net_attach(struct crs_container *c) { return 0; }
void crs_net_detach(struct crs_container *c) { }
