/* sockmem.c: the global limit on the memory socket buffers hold, all
 * sockets together (Linux's tcp_mem/udp_mem): each socket is held to its
 * own queue limit, but hundreds of sockets, each full, would still take
 * all the kernel's memory. Data queued on sockets (AF_UNIX messages,
 * received TCP segments and UDP datagrams, TCP data not yet
 * acknowledged) is charged here; past the limit a sender gets EAGAIN
 * (or waits, blocking), received TCP data is left with lwIP (the window
 * closes), and a UDP datagram is dropped (MemErrors), as Linux does under
 * memory pressure. The limit is an eighth of memory; /proc/sys/net/ipv4/
 * tcp_mem and udp_mem show it in pages ("min pressure max"). */
#include "net/socket.h"
#include "net/abi.h"
#include "net/stack.h"
#include "kernel/pmem.h"
#include "kernel/sched.h"
#include "fs/pseudo.h"

static size_t used; /* bytes charged */

static size_t limit(void)
{
	static size_t lim;
	if (!lim)
		lim = (size_t)(pmem_total_pages() / 8) * PAGE_SIZE;
	return lim;
}

bool sockmem_over(size_t n) { return used + n > limit(); }

void sockmem_charge(size_t n) { used += n; }

void sockmem_uncharge(size_t n) { used = n < used ? used - n : 0; }

size_t sockmem_used(void) { return used; }

int sockmem_wait(struct sock *s, bool nonblock)
{
	if (nonblock)
		return -EAGAIN;
	/* the memory comes back on other sockets, which do not wake this one:
	 * look again every 10 ms */
	int r = waitq_wait(&s->wq, time_ns() + 10000000);
	if (r == WAKE_SIGNAL)
		return -EINTR;
	if (s->family == AF_INET || s->family == AF_INET6)
		net_poll();
	return 0;
}

void sockmem_gen(struct sbuf *sb)
{
	size_t max = limit() / PAGE_SIZE;
	sb_printf(sb, "%zu\t%zu\t%zu\n", max / 2, max * 3 / 4, max);
}
