/* snmp.c: /proc/net/snmp, lwIP's counters (LWIP_STATS, MIB2_STATS) in
 * the format of Linux 6.1, the release uname reports: pairs of lines, the
 * names after "Ip:", "Icmp:", "IcmpMsg:", "Tcp:", "Udp:" and "UdpLite:"
 * then the values, in Linux's order. A counter lwIP does not keep is 0
 * (ReasmTimeout, SndbufErrors, IgnoredMulti; UdpLite is not implemented);
 * the other figures are lwIP's own (docs/design.md, "Network input"). */
#include "kernel/kernel.h"
#include "fs/pseudo.h"
#include "net/stack.h"
#include "lwip/stats.h"
#include "lwip/tcp.h"
#include "lwip/priv/tcp_priv.h"

uint32_t net_udp_rcvbuf_errors; /* datagrams a full socket queue dropped (net/inet.c) */
uint32_t net_udp_mem_errors;    /* datagrams dropped for want of memory */

struct counter {
	const char *name;
	uint64_t v;
};

static void table(struct sbuf *sb, const char *title, const struct counter *c, size_t n)
{
	sb_printf(sb, "%s:", title);
	for (size_t i = 0; i < n; i++)
		sb_printf(sb, " %s", c[i].name);
	sb_printf(sb, "\n%s:", title);
	for (size_t i = 0; i < n; i++)
		sb_printf(sb, " %lld", (long long)c[i].v); /* MaxConn is -1 */
	sb_str(sb, "\n");
}

/* RFC 2012 tcpCurrEstab: connections in ESTABLISHED or CLOSE-WAIT. */
static uint64_t tcp_curr_estab(void)
{
	uint64_t n = 0;
	for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next)
		if (p->state == ESTABLISHED || p->state == CLOSE_WAIT)
			n++;
	return n;
}

/* IcmpMsg: the messages of each type lwIP counts, "In" types first, up to
 * 16 to a pair of lines, as Linux prints them (none: no lines). */
static void icmp_msg(struct sbuf *sb)
{
	const struct stats_mib2 *m = &lwip_stats.mib2;
	const struct {
		int type;
		uint32_t v;
	} t[] = {
		{ 0, m->icmpinechoreps },
		{ 3, m->icmpindestunreachs },
		{ 4, m->icmpinsrcquenchs },
		{ 5, m->icmpinredirects },
		{ 8, m->icmpinechos },
		{ 11, m->icmpintimeexcds },
		{ 12, m->icmpinparmprobs },
		{ 13, m->icmpintimestamps },
		{ 14, m->icmpintimestampreps },
		{ 17, m->icmpinaddrmasks },
		{ 18, m->icmpinaddrmaskreps },
		{ 256 + 0, m->icmpoutechoreps },
		{ 256 + 3, m->icmpoutdestunreachs },
		{ 256 + 8, m->icmpoutechos },
		{ 256 + 11, m->icmpouttimeexcds },
	};
	size_t idx[ARRAY_SIZE(t)], n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (t[i].v)
			idx[n++] = i;
	for (size_t s = 0; s < n; s += 16) {
		size_t e = MIN(n, s + 16);
		sb_str(sb, "IcmpMsg:");
		for (size_t j = s; j < e; j++)
			sb_printf(sb, " %sType%d", t[idx[j]].type >= 256 ? "Out" : "In",
				  t[idx[j]].type & 255);
		sb_str(sb, "\nIcmpMsg:");
		for (size_t j = s; j < e; j++)
			sb_printf(sb, " %u", t[idx[j]].v);
		sb_str(sb, "\n");
	}
}

void net_gen_snmp(struct sbuf *sb)
{
	const struct stats_mib2 *m = &lwip_stats.mib2;
	const struct counter ip[] = {
		{ "Forwarding", 2 }, /* not a router */
		{ "DefaultTTL", IP_DEFAULT_TTL },
		{ "InReceives", m->ipinreceives },
		{ "InHdrErrors", m->ipinhdrerrors },
		{ "InAddrErrors", m->ipinaddrerrors },
		{ "ForwDatagrams", m->ipforwdatagrams },
		{ "InUnknownProtos", m->ipinunknownprotos },
		{ "InDiscards", m->ipindiscards },
		{ "InDelivers", m->ipindelivers },
		{ "OutRequests", m->ipoutrequests },
		{ "OutDiscards", m->ipoutdiscards },
		{ "OutNoRoutes", m->ipoutnoroutes },
		{ "ReasmTimeout", 0 },
		{ "ReasmReqds", m->ipreasmreqds },
		{ "ReasmOKs", m->ipreasmoks },
		{ "ReasmFails", m->ipreasmfails },
		{ "FragOKs", m->ipfragoks },
		{ "FragFails", m->ipfragfails },
		{ "FragCreates", m->ipfragcreates },
	};
	const struct counter icmp[] = {
		{ "InMsgs", m->icmpinmsgs },
		{ "InErrors", m->icmpinerrors },
		{ "InCsumErrors", lwip_stats.icmp.chkerr },
		{ "InDestUnreachs", m->icmpindestunreachs },
		{ "InTimeExcds", m->icmpintimeexcds },
		{ "InParmProbs", m->icmpinparmprobs },
		{ "InSrcQuenchs", m->icmpinsrcquenchs },
		{ "InRedirects", m->icmpinredirects },
		{ "InEchos", m->icmpinechos },
		{ "InEchoReps", m->icmpinechoreps },
		{ "InTimestamps", m->icmpintimestamps },
		{ "InTimestampReps", m->icmpintimestampreps },
		{ "InAddrMasks", m->icmpinaddrmasks },
		{ "InAddrMaskReps", m->icmpinaddrmaskreps },
		{ "OutMsgs", m->icmpoutmsgs },
		{ "OutErrors", m->icmpouterrors },
		{ "OutDestUnreachs", m->icmpoutdestunreachs },
		{ "OutTimeExcds", m->icmpouttimeexcds },
		{ "OutParmProbs", 0 },
		{ "OutSrcQuenchs", 0 },
		{ "OutRedirects", 0 },
		{ "OutEchos", m->icmpoutechos },
		{ "OutEchoReps", m->icmpoutechoreps },
		{ "OutTimestamps", 0 },
		{ "OutTimestampReps", 0 },
		{ "OutAddrMasks", 0 },
		{ "OutAddrMaskReps", 0 },
	};
	const struct counter tcp[] = {
		{ "RtoAlgorithm", 4 },           /* Van Jacobson's */
		{ "RtoMin", TCP_SLOW_INTERVAL }, /* ms: one tick of lwIP's slow timer */
		{ "RtoMax", 0x7fff * TCP_SLOW_INTERVAL },
		{ "MaxConn", (uint64_t)-1 }, /* no fixed limit */
		{ "ActiveOpens", m->tcpactiveopens },
		{ "PassiveOpens", m->tcppassiveopens },
		{ "AttemptFails", m->tcpattemptfails },
		{ "EstabResets", m->tcpestabresets },
		{ "CurrEstab", tcp_curr_estab() },
		{ "InSegs", m->tcpinsegs },
		{ "OutSegs", m->tcpoutsegs },
		{ "RetransSegs", m->tcpretranssegs },
		{ "InErrs", m->tcpinerrs },
		{ "OutRsts", m->tcpoutrsts },
		{ "InCsumErrors", lwip_stats.tcp.chkerr },
	};
	const struct counter udp[] = {
		{ "InDatagrams", m->udpindatagrams },
		{ "NoPorts", m->udpnoports },
		{ "InErrors", m->udpinerrors + net_udp_rcvbuf_errors + net_udp_mem_errors },
		{ "OutDatagrams", m->udpoutdatagrams },
		{ "RcvbufErrors", net_udp_rcvbuf_errors },
		{ "SndbufErrors", 0 },
		{ "InCsumErrors", lwip_stats.udp.chkerr },
		{ "IgnoredMulti", 0 },
		{ "MemErrors", net_udp_mem_errors },
	};
	struct counter lite[ARRAY_SIZE(udp)];
	for (size_t i = 0; i < ARRAY_SIZE(udp); i++)
		lite[i] = (struct counter){ udp[i].name, 0 };
	table(sb, "Ip", ip, ARRAY_SIZE(ip));
	table(sb, "Icmp", icmp, ARRAY_SIZE(icmp));
	icmp_msg(sb);
	table(sb, "Tcp", tcp, ARRAY_SIZE(tcp));
	table(sb, "Udp", udp, ARRAY_SIZE(udp));
	table(sb, "UdpLite", lite, ARRAY_SIZE(lite));
}
