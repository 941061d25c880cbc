/* sockfill.c: many sockets, each filled until it takes no more (nonblocking
 * writes), to show that socket buffers all together stay within a global
 * limit: the writers get EAGAIN/ENOBUFS, the system keeps its memory and
 * the program lives. argv[1]: unix, udp or tcp; argv[2]: how many
 * sockets (pairs). Prints whether each was filled to a refusal (the
 * totals on a line starting with #) and stay near the limit of /proc/sys/net/ipv4/
 * tcp_mem (udp: the receivers drop what they have no room for), and at
 * the end that a child still runs and "alive". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static char buf[65536];
static long total, eagain, enobufs, enomem, other;

static void count(int e)
{
	if (e == EAGAIN)
		eagain++;
	else if (e == ENOBUFS)
		enobufs++;
	else if (e == ENOMEM)
		enomem++;
	else
		other++;
}

static void fill(int fd, size_t chunk)
{
	for (;;) {
		ssize_t n = send(fd, buf, chunk, MSG_DONTWAIT);
		if (n < 0) {
			count(errno);
			return;
		}
		total += n;
	}
}

static void fill_to(int fd, struct sockaddr_in *to, size_t chunk)
{
	for (int i = 0; i < 200; i++) {
		ssize_t n = sendto(fd, buf, chunk, MSG_DONTWAIT, (void *)to, sizeof(*to));
		if (n < 0) {
			count(errno);
			return;
		}
		total += n;
	}
	eagain++; /* none refused: the receiver drops what it has no room for */
}

/* Udp MemErrors of /proc/net/snmp (datagrams dropped for the global
 * limit), or -1. */
static long udp_mem_errors(void)
{
	FILE *f = fopen("/proc/net/snmp", "r");
	char head[1024], vals[1024];
	long r = -1;
	if (!f)
		return -1;
	while (fgets(head, sizeof(head), f)) {
		if (strncmp(head, "Udp:", 4) || !fgets(vals, sizeof(vals), f))
			continue;
		char *hs, *vs, *h = strtok_r(head, " \n", &hs), *v = strtok_r(vals, " \n", &vs);
		while (h && v) {
			if (!strcmp(h, "MemErrors"))
				r = atol(v);
			h = strtok_r(NULL, " \n", &hs);
			v = strtok_r(NULL, " \n", &vs);
		}
		break;
	}
	fclose(f);
	return r;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "unix";
	int n = argc > 2 ? atoi(argv[2]) : 500;
	struct rlimit rl = { 8192, 8192 };
	setrlimit(RLIMIT_NOFILE, &rl);
	setvbuf(stdout, NULL, _IOLBF, 0);
	int made = 0;
	for (int i = 0; i < n; i++) {
		if (!strcmp(mode, "unix")) {
			int sv[2];
			if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
				printf("socketpair %d: %s\n", i, strerror(errno));
				break;
			}
			fill(sv[0], sizeof(buf));
		} else if (!strcmp(mode, "udp")) {
			int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0);
			struct sockaddr_in a = { .sin_family = AF_INET,
						 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
			socklen_t al = sizeof(a);
			if (r < 0 || s < 0 || bind(r, (void *)&a, sizeof(a)) < 0 ||
			    getsockname(r, (void *)&a, &al) < 0) {
				printf("udp %d: %s\n", i, strerror(errno));
				break;
			}
			fill_to(s, &a, 1400);
		} else {
			int l = socket(AF_INET, SOCK_STREAM, 0),
			    c = socket(AF_INET, SOCK_STREAM, 0);
			struct sockaddr_in a = { .sin_family = AF_INET,
						 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
			socklen_t al = sizeof(a);
			if (l < 0 || c < 0 || bind(l, (void *)&a, sizeof(a)) < 0 ||
			    listen(l, 1) < 0 || getsockname(l, (void *)&a, &al) < 0 ||
			    connect(c, (void *)&a, sizeof(a)) < 0) {
				printf("tcp %d: %s\n", i, strerror(errno));
				break;
			}
			int acc = accept(l, NULL, NULL);
			(void)acc;
			close(l);
			fill(c, sizeof(buf));
		}
		made++;
	}
	printf("# %s: %d made, %ld bytes taken, stops: EAGAIN %ld ENOBUFS %ld ENOMEM %ld other %ld\n",
	       mode, made, total, eagain, enobufs, enomem, other);
	printf("%s: %d made, every one filled: %s\n", mode, made,
	       eagain + enobufs == made && !enomem && !other ? "yes" : "no");
	/* the global limit (pages) and whether what the sockets hold stays
	 * near it (each may take one more segment or chunk) */
	long lo = 0, mid = 0, max = 0;
	FILE *f = fopen(!strcmp(mode, "udp") ? "/proc/sys/net/ipv4/udp_mem"
					     : "/proc/sys/net/ipv4/tcp_mem",
			"r");
	if (f && fscanf(f, "%ld %ld %ld", &lo, &mid, &max) == 3)
		printf("limit readable: yes\n");
	if (f)
		fclose(f);
	if (!strcmp(mode, "udp"))
		printf("MemErrors counted: %s\n", udp_mem_errors() > 0 ? "yes" : "no");
	else
		printf("within the limit: %s\n",
		       max && total <= max * 4096 + (long)made * 65536 ? "yes" : "no");
	/* still responsive: a child runs and ends */
	pid_t p = fork();
	if (p == 0)
		_exit(7);
	int st = 0;
	waitpid(p, &st, 0);
	printf("child: %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	printf("alive\n");
	return 0;
}
