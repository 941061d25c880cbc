/* rtnl.c: NETLINK_ROUTE's answers (net/netlink.c delivers them): the
 * link, address and route dumps (RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE
 * with NLM_F_DUMP: IPv4's subnets and default route, IPv6's prefixes) and RTM_GETLINK of one interface, built from the
 * interfaces as net/stack.c reports them (lo and one per network
 * device). Changes (RTM_NEW*, RTM_DEL*, RTM_SET*) and the other tables
 * are not supported: EOPNOTSUPP. */
#include "net/netlink.h"
#include "net/abi.h"
#include "net/stack.h"
#include <linux/rtnetlink.h>

/* <linux/if.h> and <linux/if_arp.h>'s (they bring the C library's
 * socket header with them) */
#define IFF_UP 0x1
#define IFF_BROADCAST 0x2
#define IFF_LOOPBACK 0x8
#define IFF_RUNNING 0x40
#define IFF_MULTICAST 0x1000
#define IFF_LOWER_UP 0x10000
#define IF_OPER_UNKNOWN 0
#define IF_OPER_DOWN 2
#define IF_OPER_UP 6
#define ARPHRD_ETHER 1
#define ARPHRD_LOOPBACK 772

static const uint8_t zero6[6], bcast6[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static unsigned if_flags(const struct net_ifinfo *f)
{
	unsigned fl = 0;
	if (f->up)
		fl |= IFF_UP;
	if (f->running)
		fl |= IFF_RUNNING | IFF_LOWER_UP;
	if (f->loopback)
		fl |= IFF_LOOPBACK;
	else
		fl |= IFF_MULTICAST;
	if (f->broadcast)
		fl |= IFF_BROADCAST;
	return fl;
}

static void put_link(struct nlreply *r, const struct net_ifinfo *f, uint16_t flags)
{
	struct ifinfomsg *m = nlr_msg(r, RTM_NEWLINK, flags, sizeof(*m));
	if (!m)
		return;
	m->ifi_family = AF_UNSPEC;
	m->ifi_type = f->loopback ? ARPHRD_LOOPBACK : ARPHRD_ETHER;
	m->ifi_index = f->index;
	m->ifi_flags = if_flags(f);
	nlr_str(r, IFLA_IFNAME, f->name);
	nlr_u32(r, IFLA_TXQLEN, 1000);
	/* lo's state is unknown to Linux (it has no carrier to watch) */
	nlr_u8(r, IFLA_OPERSTATE,
	       f->loopback  ? IF_OPER_UNKNOWN
	       : f->running ? IF_OPER_UP
			    : IF_OPER_DOWN);
	nlr_u8(r, IFLA_LINKMODE, 0);
	nlr_u32(r, IFLA_MTU, f->mtu);
	nlr_u32(r, IFLA_MIN_MTU, f->loopback ? 0 : 68);
	nlr_u32(r, IFLA_MAX_MTU, f->loopback ? 0 : f->mtu);
	nlr_u32(r, IFLA_GROUP, 0);
	nlr_u32(r, IFLA_PROMISCUITY, 0);
	nlr_u32(r, IFLA_NUM_TX_QUEUES, 1);
	nlr_u32(r, IFLA_NUM_RX_QUEUES, 1);
	nlr_u8(r, IFLA_CARRIER, f->running);
	nlr_attr(r, IFLA_ADDRESS, f->loopback ? zero6 : f->mac, 6);
	nlr_attr(r, IFLA_BROADCAST, f->loopback ? zero6 : bcast6, 6);
	if (f->stats) {
		struct rtnl_link_stats s = {
			.rx_packets = (uint32_t)f->rx_packets,
			.tx_packets = (uint32_t)f->tx_packets,
			.rx_bytes = (uint32_t)f->rx_bytes,
			.tx_bytes = (uint32_t)f->tx_bytes,
			.tx_dropped = (uint32_t)f->tx_dropped,
		};
		struct rtnl_link_stats64 s64 = {
			.rx_packets = f->rx_packets,
			.tx_packets = f->tx_packets,
			.rx_bytes = f->rx_bytes,
			.tx_bytes = f->tx_bytes,
			.tx_dropped = f->tx_dropped,
		};
		nlr_attr(r, IFLA_STATS64, &s64, sizeof(s64));
		nlr_attr(r, IFLA_STATS, &s, sizeof(s));
	}
}

static int prefix_len(uint32_t mask_net) { return __builtin_popcount(mask_net); }

static void put_addr4(struct nlreply *r, const struct net_ifinfo *f)
{
	struct ifaddrmsg *m = nlr_msg(r, RTM_NEWADDR, NLM_F_MULTI, sizeof(*m));
	if (!m)
		return;
	m->ifa_family = AF_INET;
	m->ifa_prefixlen = (uint8_t)prefix_len(f->mask);
	m->ifa_flags = f->loopback || f->v4_static ? IFA_F_PERMANENT : 0;
	m->ifa_scope = f->loopback ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
	m->ifa_index = (uint32_t)f->index;
	uint32_t fl = m->ifa_flags;
	nlr_attr(r, IFA_ADDRESS, &f->v4, 4);
	nlr_attr(r, IFA_LOCAL, &f->v4, 4);
	if (!f->loopback) {
		uint32_t b = f->v4 | ~f->mask;
		nlr_attr(r, IFA_BROADCAST, &b, 4);
	}
	nlr_str(r, IFA_LABEL, f->name);
	nlr_u32(r, IFA_FLAGS, fl);
}

static uint8_t scope6(const uint8_t *a)
{
	static const uint8_t one[16] = { [15] = 1 };
	if (!memcmp(a, one, 16))
		return RT_SCOPE_HOST;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return RT_SCOPE_LINK;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)
		return RT_SCOPE_SITE;
	return RT_SCOPE_UNIVERSE;
}

static void put_addr6(struct nlreply *r, const struct net_ifinfo *f, int i)
{
	struct ifaddrmsg *m = nlr_msg(r, RTM_NEWADDR, NLM_F_MULTI, sizeof(*m));
	if (!m)
		return;
	uint8_t scope = scope6(f->v6[i].addr);
	/* ::1 and link-local addresses are the kernel's own; the others
	 * come from the router's advertisements (SLAAC) */
	uint32_t fl = scope == RT_SCOPE_HOST || scope == RT_SCOPE_LINK ? IFA_F_PERMANENT : 0;
	if (f->v6[i].tentative)
		fl |= IFA_F_TENTATIVE;
	m->ifa_family = AF_INET6;
	m->ifa_prefixlen = f->v6[i].prefix;
	m->ifa_flags = (uint8_t)fl;
	m->ifa_scope = scope;
	m->ifa_index = (uint32_t)f->index;
	nlr_attr(r, IFA_ADDRESS, f->v6[i].addr, 16);
	nlr_u32(r, IFA_FLAGS, fl);
}

/* The main table's IPv4 routes: each interface's subnet, and the
 * default route through the gateway. */
static void put_routes4(struct nlreply *r, const struct net_ifinfo *f)
{
	if (f->loopback || !f->v4)
		return;
	if (f->gw) {
		struct rtmsg *m = nlr_msg(r, RTM_NEWROUTE, NLM_F_MULTI, sizeof(*m));
		if (!m)
			return;
		m->rtm_family = AF_INET;
		m->rtm_table = RT_TABLE_MAIN;
		m->rtm_protocol = f->v4_static ? RTPROT_BOOT : RTPROT_DHCP;
		m->rtm_scope = RT_SCOPE_UNIVERSE;
		m->rtm_type = RTN_UNICAST;
		nlr_u32(r, RTA_TABLE, RT_TABLE_MAIN);
		nlr_attr(r, RTA_GATEWAY, &f->gw, 4);
		nlr_u32(r, RTA_OIF, (uint32_t)f->index);
	}
	struct rtmsg *m = nlr_msg(r, RTM_NEWROUTE, NLM_F_MULTI, sizeof(*m));
	if (!m)
		return;
	m->rtm_family = AF_INET;
	m->rtm_dst_len = (uint8_t)prefix_len(f->mask);
	m->rtm_table = RT_TABLE_MAIN;
	m->rtm_protocol = RTPROT_KERNEL;
	m->rtm_scope = RT_SCOPE_LINK;
	m->rtm_type = RTN_UNICAST;
	uint32_t net = f->v4 & f->mask;
	nlr_u32(r, RTA_TABLE, RT_TABLE_MAIN);
	nlr_attr(r, RTA_DST, &net, 4);
	nlr_attr(r, RTA_PREFSRC, &f->v4, 4);
	nlr_u32(r, RTA_OIF, (uint32_t)f->index);
}

/* The IPv6 routes each address brings (Linux's proto kernel, metric 256
 * routes): ::1/128 on lo, each /64 prefix on a device, once each. */
static void put_routes6(struct nlreply *r, const struct net_ifinfo *f)
{
	for (int i = 0; i < f->n6; i++) {
		uint8_t dst[16] = { 0 };
		int plen = f->v6[i].prefix;
		memcpy(dst, f->v6[i].addr, (size_t)plen / 8);
		bool seen = false;
		for (int j = 0; j < i; j++)
			seen |= f->v6[j].prefix == plen &&
				!memcmp(f->v6[j].addr, dst, (size_t)plen / 8);
		if (seen)
			continue;
		struct rtmsg *m = nlr_msg(r, RTM_NEWROUTE, NLM_F_MULTI, sizeof(*m));
		if (!m)
			return;
		m->rtm_family = AF_INET6;
		m->rtm_dst_len = (uint8_t)plen;
		m->rtm_table = RT_TABLE_MAIN;
		m->rtm_protocol = RTPROT_KERNEL;
		m->rtm_scope = RT_SCOPE_UNIVERSE;
		m->rtm_type = RTN_UNICAST;
		nlr_u32(r, RTA_TABLE, RT_TABLE_MAIN);
		nlr_attr(r, RTA_DST, dst, 16);
		nlr_u32(r, RTA_PRIORITY, 256);
		nlr_u32(r, RTA_OIF, (uint32_t)f->index);
		nlr_u8(r, RTA_PREF, 0); /* ICMPV6_ROUTER_PREF_MEDIUM */
	}
}

static int get_link(const struct nlmsghdr *h, size_t len, struct nlreply *r)
{
	if (len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return -EINVAL;
	const struct ifinfomsg *m = NLMSG_DATA(h);
	const char *name = NULL;
	size_t namelen = 0;
	const uint8_t *p = (const uint8_t *)h + NLMSG_LENGTH(sizeof(*m));
	const uint8_t *end = (const uint8_t *)h + len;
	while (end - p >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;
		if (a->nla_len < NLA_HDRLEN || a->nla_len > end - p)
			return -EINVAL;
		if ((a->nla_type & NLA_TYPE_MASK) == IFLA_IFNAME) {
			name = (const char *)a + NLA_HDRLEN;
			namelen = a->nla_len - NLA_HDRLEN;
		}
		p += NLA_ALIGN(a->nla_len);
	}
	struct net_ifinfo f;
	if (m->ifi_index > 0) {
		if (net_ifinfo(m->ifi_index, &f))
			return -ENODEV;
	} else if (name) {
		int i;
		for (i = 1; !net_ifinfo(i, &f); i++)
			if (strnlen(name, namelen) == strlen(f.name) &&
			    !memcmp(name, f.name, strlen(f.name)))
				break;
		if (net_ifinfo(i, &f))
			return -ENODEV;
	} else {
		return -EINVAL;
	}
	put_link(r, &f, 0);
	return 0;
}

int rtnl_request(const struct nlmsghdr *h, size_t len, struct nlreply *r, bool *dump)
{
	int type = h->nlmsg_type;
	if (type > RTM_MAX)
		return -EOPNOTSUPP;
	if (len < NLMSG_LENGTH(1))
		return 0; /* no family: Linux ignores it */
	int family = ((const struct rtgenmsg *)NLMSG_DATA(h))->rtgen_family;
	bool get = (type - RTM_BASE) % 4 == 2;
	if (!get || (type != RTM_GETLINK && type != RTM_GETADDR && type != RTM_GETROUTE))
		return -EOPNOTSUPP;
	if (!(h->nlmsg_flags & NLM_F_DUMP))
		return type == RTM_GETLINK ? get_link(h, len, r) : -EOPNOTSUPP;
	*dump = true;
	struct net_ifinfo f;
	if (type == RTM_GETLINK) {
		for (int i = 1; !net_ifinfo(i, &f); i++)
			put_link(r, &f, NLM_F_MULTI);
		return 0;
	}
	bool v4 = family == AF_UNSPEC || family == AF_INET;
	bool v6 = family == AF_UNSPEC || family == AF_INET6;
	if (!v4 && !v6)
		v4 = v6 = true; /* a family without its own dump: all of them */
	if (type == RTM_GETROUTE) {
		for (int i = 1; v4 && !net_ifinfo(i, &f); i++)
			put_routes4(r, &f);
		for (int i = 1; v6 && !net_ifinfo(i, &f); i++)
			put_routes6(r, &f);
		return 0;
	}
	for (int i = 1; v4 && !net_ifinfo(i, &f); i++)
		if (f.v4)
			put_addr4(r, &f);
	for (int i = 1; v6 && !net_ifinfo(i, &f); i++)
		for (int j = 0; j < f.n6; j++)
			put_addr6(r, &f, j);
	return 0;
}
