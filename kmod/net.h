/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crs: network enforcement (net.c): the netfilter hooks of every network
 * namespace a bound container uses.
 */
#ifndef _CRS_NET_H
#define _CRS_NET_H

#include "net_sock.h"

int crs_net_init(void);
void crs_net_exit(void);
int crs_net_attach(struct crs_container *c);
void crs_net_detach(struct crs_container *c);

#endif /* _CRS_NET_H */
