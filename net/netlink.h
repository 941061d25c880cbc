/* netlink.h: between the AF_NETLINK socket family (net/netlink.c) and
 * the NETLINK_ROUTE protocol that answers its requests (net/rtnl.c):
 * the reply a request builds, message by message, attribute by
 * attribute, in a growing kernel buffer that net/netlink.c then queues
 * on the requesting socket as datagrams. */
#ifndef HTUX_NET_NETLINK_H
#define HTUX_NET_NETLINK_H

#include "kernel/kernel.h"
#include <linux/netlink.h>

struct nlreply {
	uint8_t *buf;
	size_t len, cap;
	size_t cur;           /* offset of the message being built */
	uint32_t seq, portid; /* of the request: every reply carries them */
	bool nomem;           /* a put failed: the reply is incomplete */
};

/* Starts a message (type, flags) whose fixed part of n bytes follows the
 * header, zeroed; returns that part (valid until the next put), or NULL
 * without memory. */
void *nlr_msg(struct nlreply *r, uint16_t type, uint16_t flags, size_t n);
/* Appends an attribute of n bytes to the message being built. */
void nlr_attr(struct nlreply *r, uint16_t type, const void *data, size_t n);
void nlr_u32(struct nlreply *r, uint16_t type, uint32_t v);
void nlr_u8(struct nlreply *r, uint16_t type, uint8_t v);
void nlr_str(struct nlreply *r, uint16_t type, const char *s);

/* Handles one NETLINK_ROUTE request (nlmsg_type >= NLMSG_MIN_TYPE, len
 * bytes in all, NLM_F_REQUEST set): its answers go to r; *dump is set
 * when they are a dump that the caller ends with NLMSG_DONE. 0 or -errno
 * (the caller answers NLMSG_ERROR). */
int rtnl_request(const struct nlmsghdr *h, size_t len, struct nlreply *r, bool *dump);

#endif
