/* inotify.c: inotify on the RAM filesystem: inotify_init1's flags, watches
 * of a directory and of a file (IN_CREATE, IN_OPEN, IN_MODIFY merged while
 * unread, IN_CLOSE_WRITE/NOWRITE, IN_ATTRIB, IN_MOVED_FROM/TO sharing a
 * cookie, IN_MOVE_SELF, IN_DELETE, IN_DELETE_SELF + IN_IGNORED),
 * IN_ONESHOT, IN_MASK_ADD/IN_MASK_CREATE, inotify_rm_watch, a read too
 * small (EINVAL), FIONREAD, poll, O_NONBLOCK (EAGAIN), IN_Q_OVERFLOW, the
 * errors, and the limits in /proc/sys/fs/inotify. */
#include "abi.h"
#include <poll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>

static uint32_t last_cookie;

static void names(uint32_t m)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} t[] = {
		{ IN_ACCESS, "ACCESS" },
		{ IN_MODIFY, "MODIFY" },
		{ IN_ATTRIB, "ATTRIB" },
		{ IN_CLOSE_WRITE, "CLOSE_WRITE" },
		{ IN_CLOSE_NOWRITE, "CLOSE_NOWRITE" },
		{ IN_OPEN, "OPEN" },
		{ IN_MOVED_FROM, "MOVED_FROM" },
		{ IN_MOVED_TO, "MOVED_TO" },
		{ IN_CREATE, "CREATE" },
		{ IN_DELETE, "DELETE" },
		{ IN_DELETE_SELF, "DELETE_SELF" },
		{ IN_MOVE_SELF, "MOVE_SELF" },
		{ IN_UNMOUNT, "UNMOUNT" },
		{ IN_Q_OVERFLOW, "Q_OVERFLOW" },
		{ IN_IGNORED, "IGNORED" },
		{ IN_ISDIR, "ISDIR" },
	};
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (m & t[i].bit)
			printf(" %s", t[i].name);
}

/* Reads and prints every queued event. */
static void drain(int fd)
{
	char buf[4096] __attribute__((aligned(8)));
	int avail = -1;
	ioctl(fd, FIONREAD, &avail);
	ssize_t n = read(fd, buf, sizeof(buf));
	if (n < 0) {
		printf("  (read: %s)\n", abi_errname(errno));
		return;
	}
	printf("  FIONREAD %d, read %zd\n", avail, n);
	for (char *p = buf; p < buf + n;) {
		struct inotify_event *e = (struct inotify_event *)p;
		printf("  wd %d", e->wd);
		names(e->mask);
		if (e->cookie)
			printf(" cookie%s", e->cookie == last_cookie ? " (same)" : "");
		last_cookie = e->cookie;
		if (e->len)
			printf(" \"%s\" (len %u)", e->name, e->len);
		printf("\n");
		p += sizeof(*e) + e->len;
	}
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	R(mkdir("d", 0755));
	R(inotify_init1(0x1234));
	int in = R(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
	R(fcntl(in, F_GETFD));
	R(fcntl(in, F_GETFL) & O_NONBLOCK);
	R(read(in, (char[64]){ 0 }, 64));
	int wd = R(inotify_add_watch(in, "d", IN_ALL_EVENTS));
	R(inotify_add_watch(in, "d", IN_ALL_EVENTS));
	R(inotify_add_watch(in, "d", IN_ALL_EVENTS | IN_MASK_CREATE));
	R(inotify_add_watch(in, "d", IN_CREATE | IN_MASK_ADD | IN_MASK_CREATE));
	R(inotify_add_watch(in, "missing", IN_ALL_EVENTS));
	R(inotify_add_watch(in, "d", 0));
	R(inotify_add_watch(99, "d", IN_ALL_EVENTS));
	R(inotify_add_watch(1, "d", IN_ALL_EVENTS));

	int fd = R(open("d/file", O_CREAT | O_WRONLY, 0644));
	R(write(fd, "abc", 3));
	R(write(fd, "def", 3));
	R(close(fd));
	drain(in);
	int wf = R(inotify_add_watch(in, "d/file", IN_ALL_EVENTS));
	R(inotify_add_watch(in, "d/file", IN_ALL_EVENTS | IN_ONLYDIR));
	fd = R(open("d/file", O_RDONLY));
	char b[8];
	R(read(fd, b, 2));
	R(close(fd));
	R(chmod("d/file", 0600));
	R(truncate("d/file", 1));
	drain(in);
	R(rename("d/file", "d/renamed"));
	R(mkdir("d/sub", 0755));
	R(rename("d/sub", "d/sub2"));
	R(symlink("renamed", "d/link"));
	R(link("d/renamed", "d/hard"));
	drain(in);
	R(unlink("d/hard"));
	R(unlink("d/renamed"));
	R(rmdir("d/sub2"));
	drain(in);
	R(inotify_rm_watch(in, wf));
	R(inotify_rm_watch(in, 999));
	R(inotify_rm_watch(99, wd));
	R(inotify_rm_watch(1, wd));

	/* a too small buffer, then poll */
	struct pollfd p = { in, POLLIN, 0 };
	R(poll(&p, 1, 0));
	abi_put("d/x", "x");
	R(poll(&p, 1, 0));
	R(p.revents);
	R(read(in, b, sizeof(b)));
	drain(in);

	/* IN_ONESHOT, and IN_MASK_ADD widening a watch */
	abi_put("one", "");
	int w1 = R(inotify_add_watch(in, "one", IN_MODIFY | IN_ONESHOT));
	R(inotify_add_watch(in, "one", IN_ATTRIB | IN_MASK_ADD) == w1);
	R(truncate("one", 0));
	R(truncate("one", 0));
	R(chmod("one", 0600));
	drain(in);
	R(inotify_rm_watch(in, w1));
	R(inotify_rm_watch(in, wd));
	drain(in);

	/* the queue's end: 16384 events, then one IN_Q_OVERFLOW */
	int q = R(inotify_init1(IN_NONBLOCK));
	R(inotify_add_watch(q, "d", IN_MODIFY));
	int a = R(open("d/a", O_CREAT | O_WRONLY, 0644));
	int c = R(open("d/c", O_CREAT | O_WRONLY, 0644));
	for (int i = 0; i < 8200; i++) {
		write(a, "a", 1);
		write(c, "c", 1);
	}
	int avail = -1;
	R(ioctl(q, FIONREAD, &avail));
	R(avail);
	long total = 0, events = 0, overflow = 0;
	char big[65536] __attribute__((aligned(8)));
	ssize_t n;
	while ((n = read(q, big, sizeof(big))) > 0) {
		for (char *e = big; e < big + n; events++) {
			struct inotify_event *ev = (struct inotify_event *)e;
			overflow += ev->mask == IN_Q_OVERFLOW && ev->wd == -1;
			e += sizeof(*ev) + ev->len;
		}
		total += n;
	}
	R(total);
	R(events);
	R(overflow);
	R(close(q));
	R(close(in));

	/* the limits, in /proc/sys/fs/inotify */
	static const char *const lim[] = { "max_queued_events", "max_user_instances",
					   "max_user_watches" };
	for (int i = 0; i < 3; i++) {
		char path[64], val[32] = "";
		snprintf(path, sizeof(path), "/proc/sys/fs/inotify/%s", lim[i]);
		int l = open(path, O_RDONLY);
		ssize_t k = l < 0 ? -1 : read(l, val, sizeof(val) - 1);
		close(l);
		long v = k > 0 ? atol(val) : -1;
		printf("%s: %ld\n", lim[i], i < 2 ? v : v >= 8192);
	}
	return 0;
}
