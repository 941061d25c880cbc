/* lwipopts.h: how htux configures lwIP: no OS layer (NO_SYS: the kernel
 * is not preemptive and calls the raw API directly), the kernel heap for
 * all memory, IPv4 with ARP and DHCP and IPv6 with neighbour discovery
 * and stateless autoconfiguration (dual stack), TCP, UDP and the loopback
 * interface;
 * no netconn or socket API (the kernel's own socket layer is in net/). */
#ifndef HTUX_LWIPOPTS_H
#define HTUX_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0

/* Statistics: lwIP's per-protocol counters and the MIB-II ones, read by
 * /proc/net/snmp (net/snmp.c); no heap or pool figures (kmalloc has them). */
#define LWIP_STATS 1
#define MIB2_STATS 1
#define LWIP_STATS_DISPLAY 0
#define MEM_STATS 0
#define MEMP_STATS 0
#define SYS_STATS 0

/* Memory: everything from kmalloc. */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 8
#define mem_clib_malloc kmalloc
#define mem_clib_free kfree
#define mem_clib_calloc(n, s) kzalloc((size_t)(n) * (size_t)(s))
#define MEMP_NUM_TCP_PCB 4096
#define MEMP_NUM_TCP_PCB_LISTEN 256
#define MEMP_NUM_UDP_PCB 256
#define MEMP_NUM_TCP_SEG 8192
#define MEMP_NUM_PBUF 4096
#define PBUF_POOL_SIZE 512
#define MEMP_NUM_SYS_TIMEOUT 16

/* Protocols. */
#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_IPV6_SCOPES 0     /* no zones: link-local addresses are the first netif's */
#define LWIP_IPV6_AUTOCONFIG 1 /* SLAAC from the router's advertisements */
#define LWIP_IPV6_DHCP6 0
#define LWIP_ICMP6 1
#define LWIP_IPV6_MLD 1        /* joins the solicited-node groups neighbour discovery needs */
#define IPV6_FRAG_COPYHEADER 1 /* 64-bit pointers do not fit in the fragment header */
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_DHCP 1
#define LWIP_DHCP_DOES_ACD_CHECK 0
#define DHCP_DOES_ARP_CHECK 0
#define LWIP_DNS 1 /* only to keep the name servers DHCP gives */
#define DNS_MAX_SERVERS 2
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_IGMP 0
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define IP_REASS_MAX_PBUFS 128
#define IP_DEFAULT_TTL 64
#define SO_REUSE 1
#define LWIP_NETIF_HOSTNAME 1
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_UDPLITE 1 /* IPPROTO_UDPLITE sockets (net/udp.c) */
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_HAVE_LOOPIF 1
#define LWIP_LOOPBACK_MAX_PBUFS 0
#define LWIP_CHECKSUM_ON_COPY 1
#define ETH_PAD_SIZE 0

/* TCP: windows that keep a TCG guest busy, and Linux-like timers. */
#define TCP_MSS 1460
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 4
#define TCP_WND (256 * 1024)
#define TCP_SND_BUF (256 * 1024)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_SNDLOWAT 32768 /* below 0xffff - 4 MSS, as lwIP requires */
#define TCP_OVERSIZE TCP_MSS
#define TCP_QUEUE_OOSEQ 1
#define TCP_LISTEN_BACKLOG 0
#define LWIP_TCP_KEEPALIVE 1
#define LWIP_CALLBACK_API 1
#define LWIP_EVENT_API 0
#define TCP_MSL 1000UL /* TIME_WAIT lasts 2 s */

/* Hostile input (docs/design.md, "Network input"): out-of-order data
 * kept per connection is bounded (a peer cannot fill the heap with tiny
 * segments spread over a 256 KiB window), and so are half-open
 * connections (a SYN flood: net_tcp_inpacket in net/stack.c). */
#define TCP_OOSEQ_MAX_PBUFS 256
#define TCP_OOSEQ_MAX_BYTES TCP_WND
#define LWIP_HOOK_FILENAME "net/lwip/hooks.h"
#define LWIP_HOOK_TCP_INPACKET_PCB(pcb, hdr, optlen, opt1len, opt2, p) net_tcp_inpacket(pcb, hdr)

#define LWIP_DEBUG 0

#endif
