/* ifaces.c: the interfaces as a program sees them through netlink:
 * getifaddrs (IPv4, IPv6 host and link scope, and AF_PACKET's MAC),
 * if_nameindex, and a raw NETLINK_ROUTE RTM_GETLINK dump read with
 * MSG_PEEK|MSG_TRUNC then recv, and an RTM_GETROUTE dump's default route.
 * With "wait", it first waits (10 s at most) for eth0's IPv4 address. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netpacket/packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int has_v4(const char *name)
{
	struct ifaddrs *ifa, *i;
	int found = 0;
	if (getifaddrs(&ifa))
		return 0;
	for (i = ifa; i; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && !strcmp(i->ifa_name, name))
			found = 1;
	freeifaddrs(ifa);
	return found;
}

static int prefix(const struct sockaddr *m)
{
	const unsigned char *b;
	int n = 0, len;
	if (!m)
		return -1;
	if (m->sa_family == AF_INET) {
		b = (const unsigned char *)&((const struct sockaddr_in *)m)->sin_addr;
		len = 4;
	} else {
		b = (const unsigned char *)&((const struct sockaddr_in6 *)m)->sin6_addr;
		len = 16;
	}
	for (int i = 0; i < len; i++)
		n += __builtin_popcount(b[i]);
	return n;
}

static void show_getifaddrs(void)
{
	struct ifaddrs *ifa, *i;
	char t[INET6_ADDRSTRLEN];
	if (getifaddrs(&ifa)) {
		perror("getifaddrs");
		exit(1);
	}
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr)
			continue;
		int f = i->ifa_addr->sa_family;
		if (f == AF_INET) {
			inet_ntop(f, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, t, sizeof(t));
			printf("getifaddrs %s inet %s/%d flags %#x\n", i->ifa_name, t,
			       prefix(i->ifa_netmask), i->ifa_flags);
			if (i->ifa_flags & IFF_BROADCAST) {
				inet_ntop(f, &((struct sockaddr_in *)i->ifa_broadaddr)->sin_addr, t,
					  sizeof(t));
				printf("getifaddrs %s brd %s\n", i->ifa_name, t);
			}
		} else if (f == AF_INET6) {
			struct in6_addr *a = &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
			if (!IN6_IS_ADDR_LOOPBACK(a) && !IN6_IS_ADDR_LINKLOCAL(a))
				continue; /* SLAAC's come when the router says */
			inet_ntop(f, a, t, sizeof(t));
			printf("getifaddrs %s inet6 %s/%d\n", i->ifa_name, t,
			       prefix(i->ifa_netmask));
		} else if (f == AF_PACKET) {
			struct sockaddr_ll *l = (struct sockaddr_ll *)i->ifa_addr;
			printf("getifaddrs %s packet index %d mac", i->ifa_name, l->sll_ifindex);
			for (int k = 0; k < l->sll_halen; k++)
				printf("%c%02x", k ? ':' : ' ', l->sll_addr[k]);
			printf(" stats %s\n", i->ifa_data ? "yes" : "no");
		}
	}
	freeifaddrs(ifa);
}

static void dump(int type, int family)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t sl = sizeof(sa);
	struct {
		struct nlmsghdr h;
		struct rtgenmsg g;
	} req = { { NLMSG_LENGTH(sizeof(struct rtgenmsg)), type, NLM_F_REQUEST | NLM_F_DUMP, 7, 0 },
		  { family } };
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl)) {
		perror("netlink");
		exit(1);
	}
	printf("bound: pid is ours %d, len %d\n", sa.nl_pid == (unsigned)getpid(), (int)sl);
	if (send(fd, &req, req.h.nlmsg_len, 0) != (ssize_t)req.h.nlmsg_len) {
		perror("send");
		exit(1);
	}
	for (int done = 0; !done;) {
		char small[4];
		ssize_t n = recv(fd, small, sizeof(small), MSG_PEEK | MSG_TRUNC);
		char *buf = malloc(n > 0 ? n : 1);
		struct sockaddr_nl from;
		socklen_t fl = sizeof(from);
		ssize_t m = recvfrom(fd, buf, n, 0, (struct sockaddr *)&from, &fl);
		if (n <= 0 || m != n || from.nl_pid != 0) {
			printf("recv: peek %zd, read %zd, from %u\n", n, m, from.nl_pid);
			exit(1);
		}
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, (size_t)m);
		     h = NLMSG_NEXT(h, m)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				printf("done seq %u multi %d\n", h->nlmsg_seq,
				       !!(h->nlmsg_flags & NLM_F_MULTI));
				done = 1;
				break;
			}
			if (h->nlmsg_seq != 7 || h->nlmsg_pid != sa.nl_pid)
				printf("bad seq %u / pid %u\n", h->nlmsg_seq, h->nlmsg_pid);
			if (h->nlmsg_type == RTM_NEWLINK) {
				struct ifinfomsg *ifi = NLMSG_DATA(h);
				int len = IFLA_PAYLOAD(h);
				printf("link %d flags %#x type %d", ifi->ifi_index, ifi->ifi_flags,
				       ifi->ifi_type);
				for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len);
				     a = RTA_NEXT(a, len))
					if (a->rta_type == IFLA_IFNAME)
						printf(" name %s", (char *)RTA_DATA(a));
					else if (a->rta_type == IFLA_MTU)
						printf(" mtu %u", *(unsigned *)RTA_DATA(a));
					else if (a->rta_type == IFLA_OPERSTATE)
						printf(" operstate %u",
						       *(unsigned char *)RTA_DATA(a));
				printf("\n");
			} else if (h->nlmsg_type == RTM_NEWROUTE) {
				struct rtmsg *r = NLMSG_DATA(h);
				int len = RTM_PAYLOAD(h);
				char t[INET6_ADDRSTRLEN] = "-";
				int oif = 0;
				for (struct rtattr *a = RTM_RTA(r); RTA_OK(a, len);
				     a = RTA_NEXT(a, len))
					if (a->rta_type == RTA_GATEWAY)
						inet_ntop(r->rtm_family, RTA_DATA(a), t, sizeof(t));
					else if (a->rta_type == RTA_OIF)
						oif = *(int *)RTA_DATA(a);
				if (r->rtm_dst_len == 0)
					printf("route default via %s oif %d\n", t, oif);
			} else {
				printf("type %d\n", h->nlmsg_type);
			}
		}
		free(buf);
	}
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "wait"))
		for (int i = 0; i < 100 && !has_v4("eth0"); i++)
			usleep(100000);
	show_getifaddrs();
	struct if_nameindex *ni = if_nameindex();
	if (!ni) {
		perror("if_nameindex");
		return 1;
	}
	for (struct if_nameindex *p = ni; p->if_index; p++)
		printf("if_nameindex %u %s\n", p->if_index, p->if_name);
	if_freenameindex(ni);
	dump(RTM_GETLINK, AF_UNSPEC);
	dump(RTM_GETROUTE, AF_INET);
	return 0;
}
