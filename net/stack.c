/* stack.c: lwIP inside the kernel: its start, its clock (sys_now), its
 * timers (run on the timer tick and after socket calls), loopback
 * delivery, and one lwIP netif per network device (kernel/netdev.h):
 * frames in through the device's rx callback, out through its tx. Each
 * interface is configured by DHCP, or statically by the kernel option
 * ip=ADDR/PREFIX[,GATEWAY[,DNS]]. Also the bound on half-open TCP
 * connections (lwIP's input hook, net/lwip/hooks.h). */
#include "kernel/kernel.h"
#include "kernel/uts.h"
#include "kernel/sched.h"
#include "kernel/irq.h"
#include "kernel/netdev.h"
#include "net/socket.h"
#include "net/stack.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "kernel/proc.h"
#include "fs/vfs.h"
#include "lwip/etharp.h"
#include "netif/ethernet.h"
#include "lwip/ethip6.h"
#include "lwip/stats.h"
#include "lwip/priv/tcp_priv.h"
#include "net/lwip/hooks.h"

static void tx_flush_all(void);
static bool started;
static bool ticking;
static struct net_config cfg; /* the ip= option */
static char hostname[64] = "htux";

uint32_t sys_now(void) { return (uint32_t)(time_ns() / 1000000); }

uint32_t net_random32(void)
{
	uint32_t v;
	random_bytes(&v, sizeof(v));
	return v;
}

/* The one C library function lwIP calls that the kernel lacks (netif_find). */
int atoi(const char *s);
int atoi(const char *s)
{
	int v = 0, neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return neg ? -v : v;
}

void net_poll(void)
{
	if (!started)
		return;
	netif_poll_all();
	sys_check_timeouts();
	netif_poll_all();
	tx_flush_all();
}

static void net_tick(void) { net_poll(); }

/* ---- half-open connections */

/* A SYN flood leaves a pcb in SYN_RCVD for every SYN, for 20 s (lwIP's
 * TCP_SYN_RCVD_TIMEOUT), each answered and resent: the heap fills and
 * every segment's pcb lookup slows down. At most HALF_OPEN_MAX may be
 * half-open at once: when a listening pcb is about to take a SYN beyond
 * that, the half-open connection that heard nothing for the longest goes
 * (silently: its peer may not exist), so that a real client's handshake,
 * one round trip long, still gets through during a flood. */
#define HALF_OPEN_MAX 256

err_t net_tcp_inpacket(struct tcp_pcb *pcb, const struct tcp_hdr *hdr)
{
	static bool told;
	if (pcb->state != LISTEN || (TCPH_FLAGS(hdr) & (TCP_SYN | TCP_ACK | TCP_RST)) != TCP_SYN)
		return ERR_OK;
	struct tcp_pcb *oldest = NULL;
	unsigned n = 0;
	for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next)
		if (p->state == SYN_RCVD) {
			n++;
			if (!oldest ||
			    (u32_t)(tcp_ticks - p->tmr) >= (u32_t)(tcp_ticks - oldest->tmr))
				oldest = p;
		}
	if (n >= HALF_OPEN_MAX && oldest) {
		if (!told)
			kinfo("net: %u half-open TCP connections (a SYN flood?): the oldest go\n",
			      n);
		told = true;
		lwip_stats.tcp.drop++;
		tcp_abandon(oldest, 0);
	}
	return ERR_OK;
}

/* ---- devices */

/* Frames the device's transmit ring had no room for, sent first when it
 * has (on every tick and after every socket call). */
struct txframe {
	struct txframe *next;
	size_t len;
	uint8_t data[];
};

struct iface {
	struct netif nif; /* first: lwIP's netif is the iface */
	struct netdev *d;
	struct txframe *head, *tail;
	int queued;
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes, tx_dropped;
	uint32_t v4_told; /* the IPv4 address last reported */
	unsigned v6_told; /* the IPv6 address slots reported valid */
	struct iface *next;
};

#define TXQ_MAX 2048 /* frames waiting; more are dropped (TCP resends) */

static struct iface *ifaces;

static void tx_flush(struct iface *f)
{
	while (f->head && f->d->ops->tx(f->d, f->head->data, f->head->len) == 0) {
		struct txframe *t = f->head;
		f->head = t->next;
		if (!f->head)
			f->tail = NULL;
		f->queued--;
		kfree(t);
	}
}

/* Sends what waits, and takes what the device received but did not
 * interrupt for (so that a missed interrupt costs one tick, not a
 * retransmission). */
static void tx_flush_all(void)
{
	for (struct iface *f = ifaces; f; f = f->next) {
		tx_flush(f);
		if (f->d->ops->poll)
			f->d->ops->poll(f->d);
	}
}

static err_t link_output(struct netif *nif, struct pbuf *p)
{
	struct iface *f = (struct iface *)nif;
	static uint8_t frame[2048];
	if (p->tot_len > sizeof(frame)) {
		f->tx_dropped++;
		return ERR_BUF;
	}
	tx_flush(f);
	if (!f->head) {
		pbuf_copy_partial(p, frame, p->tot_len, 0);
		if (f->d->ops->tx(f->d, frame, p->tot_len) == 0) {
			f->tx_packets++;
			f->tx_bytes += p->tot_len;
			return ERR_OK;
		}
	}
	if (f->queued >= TXQ_MAX) {
		f->tx_dropped++;
		return ERR_OK; /* dropped: TCP resends */
	}
	struct txframe *t = kmalloc(sizeof(*t) + p->tot_len);
	if (!t) {
		f->tx_dropped++;
		return ERR_MEM;
	}
	f->tx_packets++; /* queued: sent when the ring has room */
	f->tx_bytes += p->tot_len;
	t->next = NULL;
	t->len = p->tot_len;
	pbuf_copy_partial(p, t->data, p->tot_len, 0);
	if (f->tail)
		f->tail->next = t;
	else
		f->head = t;
	f->tail = t;
	f->queued++;
	return ERR_OK;
}

static void dev_rx(struct netdev *d, const void *frame, size_t len)
{
	struct netif *nif = d->stack;
	if (!nif || len > 0xffff)
		return;
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
	if (!p)
		return;
	memcpy(p->payload, frame, len);
	struct iface *f = (struct iface *)nif;
	f->rx_packets++;
	f->rx_bytes += len;
	if (nif->input(p, nif) != ERR_OK)
		pbuf_free(p);
	netif_poll_all();
}

static err_t dev_netif_init(struct netif *nif)
{
	struct netdev *d = nif->state;
	nif->name[0] = d->name[0];
	nif->name[1] = d->name[1];
	nif->output = etharp_output;
	nif->output_ip6 = ethip6_output;
	nif->linkoutput = link_output;
	nif->mtu = (u16_t)(d->mtu ? d->mtu : 1500);
	nif->hwaddr_len = 6;
	memcpy(nif->hwaddr, d->mac, 6);
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
		     NETIF_FLAG_LINK_UP | NETIF_FLAG_MLD6;
	strlcpy(hostname, uts_hostname(), sizeof(hostname));
	netif_set_hostname(nif, hostname);
	return ERR_OK;
}

/* /etc/resolv.conf names the servers DHCP or ip= gave (when the image
 * brought no resolv.conf of its own). */
static void name_servers(void)
{
	static char text[96];
	size_t n = 0;
	for (u8_t i = 0; i < DNS_MAX_SERVERS; i++) {
		const ip_addr_t *a = dns_getserver(i);
		uint32_t v = IP_IS_V4(a) ? ip4_addr_get_u32(ip_2_ip4(a)) : 0;
		if (v)
			n += (size_t)ksnprintf(text + n, sizeof(text) - n,
					       "nameserver %u.%u.%u.%u\n", v & 255, v >> 8 & 255,
					       v >> 16 & 255, v >> 24);
	}
	if (n)
		etc_set_resolv(text);
}

/* Called for IPv4 and IPv6 address changes alike: each is told once. */
static void status_changed(struct netif *nif)
{
	struct netdev *d = nif->state;
	struct iface *f = (struct iface *)nif;
	for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
		bool valid = ip6_addr_isvalid(netif_ip6_addr_state(nif, i));
		if (valid && !(f->v6_told & 1u << i)) {
			char text[IP6ADDR_STRLEN_MAX];
			ip6addr_ntoa_r(netif_ip6_addr(nif, i), text, sizeof(text));
			for (char *c = text; *c; c++)
				if (*c >= 'A' && *c <= 'F')
					*c = (char)(*c - 'A' + 'a'); /* as Linux writes them */
			kinfo("net: %s %s\n", d->name, text);
		}
		f->v6_told = valid ? f->v6_told | 1u << i : f->v6_told & ~(1u << i);
	}
	if (ip4_addr_get_u32(netif_ip4_addr(nif)) == f->v4_told)
		return;
	f->v4_told = ip4_addr_get_u32(netif_ip4_addr(nif));
	if (!ip4_addr_isany(netif_ip4_addr(nif)))
		name_servers();
	if (!ip4_addr_isany(netif_ip4_addr(nif)))
		kinfo("net: %s %u.%u.%u.%u/%u gateway %u.%u.%u.%u\n", d->name,
		      ip4_addr1(netif_ip4_addr(nif)), ip4_addr2(netif_ip4_addr(nif)),
		      ip4_addr3(netif_ip4_addr(nif)), ip4_addr4(netif_ip4_addr(nif)),
		      (unsigned)__builtin_popcount(ip4_addr_get_u32(netif_ip4_netmask(nif))),
		      ip4_addr1(netif_ip4_gw(nif)), ip4_addr2(netif_ip4_gw(nif)),
		      ip4_addr3(netif_ip4_gw(nif)), ip4_addr4(netif_ip4_gw(nif)));
}

static void add_device(struct netdev *d, bool first)
{
	struct iface *f = kzalloc(sizeof(*f));
	if (!f)
		return;
	struct netif *nif = &f->nif;
	f->d = d;
	ip4_addr_t ip, mask, gw;
	ip4_addr_set_zero(&ip);
	ip4_addr_set_zero(&mask);
	ip4_addr_set_zero(&gw);
	bool fixed = first && cfg.set;
	if (fixed && cfg.dns) {
		ip_addr_t dns;
		ip_addr_set_ip4_u32_val(dns, cfg.dns);
		dns_setserver(0, &dns);
	}
	if (fixed) {
		ip4_addr_set_u32(&ip, cfg.addr);
		ip4_addr_set_u32(&mask, cfg.mask);
		ip4_addr_set_u32(&gw, cfg.gw);
	}
	if (!netif_add(nif, &ip, &mask, &gw, d, dev_netif_init, ethernet_input)) {
		kfree(f);
		return;
	}
	f->next = ifaces;
	ifaces = f;
	d->stack = nif;
	d->rx = dev_rx;
	netif_set_status_callback(nif, status_changed);
	if (first)
		netif_set_default(nif);
	netif_set_up(nif);
	/* IPv6: a link-local address from the MAC, and global ones from
	 * the router's advertisements (QEMU's user network gives fec0::/64). */
	netif_create_ip6_linklocal_address(nif, 1);
	netif_set_ip6_autoconfig_enabled(nif, 1);
	if (!fixed)
		dhcp_start(nif);
	kinfo("net: %s %02x:%02x:%02x:%02x:%02x:%02x %s\n", d->name, d->mac[0], d->mac[1],
	      d->mac[2], d->mac[3], d->mac[4], d->mac[5], fixed ? "static" : "dhcp");
}

static void start(void)
{
	if (started)
		return;
	started = true;
	lwip_init();
	for (int i = 0; netdev_get(i); i++)
		add_device(netdev_get(i), i == 0);
}

/* lwIP's timers run on the timer tick, which starts now. */
void net_use(void)
{
	start();
	if (!ticking) {
		tick_hook_add(net_tick);
		ticking = true;
	}
	timer_start();
}

bool net_ticking(void) { return ticking; }

void net_init(void)
{
	if (netdev_get(0))
		net_use(); /* DHCP starts now; nothing waits for it */
}

/* ---- interfaces, for netlink */

int net_ifinfo(int index, struct net_ifinfo *out)
{
	start();
	struct netif *n = index > 0 && index < 256 ? netif_get_by_index((u8_t)index) : NULL;
	if (!n)
		return -ENODEV;
	memset(out, 0, sizeof(*out));
	out->index = index;
	out->up = netif_is_up(n);
	out->running = out->up && netif_is_link_up(n);
	out->loopback = !n->state; /* lwIP's loopif: the one netif with no device */
	out->broadcast = n->flags & NETIF_FLAG_BROADCAST;
	out->mtu = out->loopback ? 65536 : n->mtu;
	if (out->loopback) {
		strlcpy(out->name, "lo", sizeof(out->name));
	} else {
		struct iface *f = (struct iface *)n;
		strlcpy(out->name, f->d->name, sizeof(out->name));
		memcpy(out->mac, n->hwaddr, 6);
		out->stats = true;
		out->rx_packets = f->rx_packets;
		out->rx_bytes = f->rx_bytes;
		out->tx_packets = f->tx_packets;
		out->tx_bytes = f->tx_bytes;
		out->tx_dropped = f->tx_dropped;
		out->v4_static = index == 2 && cfg.set;
	}
	out->v4 = ip4_addr_get_u32(netif_ip4_addr(n));
	out->mask = ip4_addr_get_u32(netif_ip4_netmask(n));
	out->gw = ip4_addr_get_u32(netif_ip4_gw(n));
	for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES && out->n6 < NET_IF_V6_MAX; i++) {
		u8_t st = netif_ip6_addr_state(n, i);
		if (!ip6_addr_isvalid(st) && !ip6_addr_istentative(st))
			continue;
		const ip6_addr_t *a = netif_ip6_addr(n, i);
		memcpy(out->v6[out->n6].addr, a->addr, 16);
		/* lwIP keeps no prefix length: ::1 is a host, the rest
		 * (link-local, SLAAC) /64 */
		out->v6[out->n6].prefix = out->loopback ? 128 : 64;
		out->v6[out->n6].tentative = ip6_addr_istentative(st);
		out->n6++;
	}
	return 0;
}

/* ---- the ip= option */

static bool parse_quad(const char **s, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		if (**s < '0' || **s > '9')
			return false;
		unsigned b = 0;
		while (**s >= '0' && **s <= '9') {
			b = b * 10 + (unsigned)(*(*s)++ - '0');
			if (b > 255)
				return false;
		}
		v = v << 8 | b;
		if (i < 3 && *(*s)++ != '.')
			return false;
	}
	*out = v;
	return true;
}

/* Addresses in network order, as lwIP keeps them. */
static uint32_t to_net(uint32_t v) { return __builtin_bswap32(v); }

int net_set_ip_option(const char *val)
{
	const char *s = val;
	uint32_t a, gw = 0, dns = 0;
	unsigned prefix = 24;
	if (!parse_quad(&s, &a))
		goto bad;
	if (*s == '/') {
		s++;
		if (*s < '0' || *s > '9')
			goto bad;
		prefix = 0;
		while (*s >= '0' && *s <= '9')
			prefix = prefix * 10 + (unsigned)(*s++ - '0');
		if (prefix < 1 || prefix > 32)
			goto bad;
	}
	if (*s == ',') {
		s++;
		if (!parse_quad(&s, &gw))
			goto bad;
	}
	if (*s == ',') {
		s++;
		if (!parse_quad(&s, &dns))
			goto bad;
	}
	if (*s)
		goto bad;
	cfg.set = true;
	cfg.addr = to_net(a);
	cfg.mask = to_net(prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> prefix));
	cfg.gw = to_net(gw);
	cfg.dns = to_net(dns);
	return 0;
bad:
	kprintf("htux: bad ip= option '%s' (want ip=ADDR/PREFIX[,GATEWAY[,DNS]], e.g. ip=10.0.2.15/24,10.0.2.2)\n",
		val);
	return -1;
}

const struct net_config *net_config(void) { return &cfg; }
