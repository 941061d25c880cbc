/* pty.c: pseudo-terminals: posix_openpt, grantpt, unlockpt, ptsname, the
 * lock, /dev/pts, the default termios, canonical lines with erase, kill
 * and EOF, echo (ECHO, ECHONL, ECHOCTL, ONLCR), ICRNL, raw mode with
 * VMIN/VTIME, FIONREAD, poll, TIOCGPTPEER, and the errors (EIO, ENOTTY,
 * EINVAL, EAGAIN). Job control: tests/abi/pty_jobs.c. */
#include "abi.h"
#include <dirent.h>
#include <poll.h>
#include <stdbool.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>

/* Prints what the master has to read now (nothing: "(none)"). Linux hands
 * a pty's bytes over in a worker, a write's pieces (an echo is written a
 * character at a time) one by one: reads on until none came for 150 ms. */
static void drain(const char *what, int m)
{
	char buf[256], out[1024];
	size_t o = 0;
	struct pollfd p = { .fd = m, .events = POLLIN };
	long n = 0, r;
	int wait = 300;
	while (n < (long)sizeof(buf) && poll(&p, 1, wait) == 1 && (p.revents & POLLIN) &&
	       (r = read(m, buf + n, sizeof(buf) - (size_t)n)) > 0) {
		n += r;
		wait = 150;
	}
	for (long i = 0; i < n && o < sizeof(out) - 8; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c >= 32 && c < 127 && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, sizeof(out) - o, "\\%03o", c);
	}
	out[o] = 0;
	printf("%s: %ld [%s]\n", what, n, n > 0 ? out : "(none)");
}

/* Waits until fd has bytes to read and their count (FIONREAD) has stayed
 * the same for 100 ms, for the worker above (at most about 3 s). */
static void settle(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	poll(&p, 1, 1000);
	int last = -1, n = 0;
	for (int i = 0; i < 20 && ioctl(fd, FIONREAD, &n) == 0 && n != last; i++) {
		last = n;
		usleep(100000);
	}
}

static void rd(const char *what, int fd, size_t n)
{
	char buf[256];
	long r = read(fd, buf, n < sizeof(buf) ? n : sizeof(buf));
	if (r < 0) {
		printf("%s: -1 %s\n", what, abi_errname(errno));
		return;
	}
	for (long i = 0; i < r; i++)
		if (buf[i] == '\n')
			buf[i] = '|';
	printf("%s: %ld [%.*s]\n", what, r, (int)r, buf);
}

static int open_pair(int *s)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m)) {
		printf("cannot make a pty: %s\n", abi_errname(errno));
		exit(1);
	}
	*s = open(ptsname(m), O_RDWR | O_NOCTTY);
	if (*s < 0) {
		printf("cannot open the slave: %s\n", abi_errname(errno));
		exit(1);
	}
	return m;
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int m = OK(posix_openpt(O_RDWR | O_NOCTTY));
	R(grantpt(m));
	char *name = ptsname(m);
	SAY(name && strncmp(name, "/dev/pts/", 9) == 0);
	int lk = -1;
	R(ioctl(m, TIOCGPTLCK, &lk));
	printf("locked: %d\n", lk);
	R(open(name, O_RDWR | O_NOCTTY)); /* locked: EIO */
	R(unlockpt(m));
	int s = OK(open(name, O_RDWR | O_NOCTTY));
	struct stat st;
	R(stat(name, &st));
	SAY(S_ISCHR(st.st_mode));
	SAY(major(st.st_rdev) == 136);
	int n = -1;
	R(ioctl(m, TIOCGPTN, &n));
	SAY(n == atoi(name + 9));
	R(stat("/dev/pts", &st));
	SAY(S_ISDIR(st.st_mode));
	DIR *d = opendir("/dev/pts");
	bool listed = false;
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, name + 9) == 0)
			listed = true;
	if (d)
		closedir(d);
	SAY(listed);
	R(stat("/dev/ptmx", &st));
	SAY(S_ISCHR(st.st_mode) && major(st.st_rdev) == 5 && minor(st.st_rdev) == 2);
	SAY(isatty(m));
	SAY(isatty(s));

	/* errors */
	R(ioctl(s, TIOCGPTN, &n));
	R(ioctl(s, TIOCSPTLCK, &n));
	R(ioctl(m, TCFLSH, 7));
	int pfd[2];
	R(pipe(pfd));
	struct termios t;
	R(tcgetattr(pfd[0], &t));
	R(ioctl(pfd[0], TIOCGPTN, &n));
	R(ioctl(s, TIOCGPGRP, &n)); /* not our terminal */
	n = -5;
	R(ioctl(m, TIOCSPGRP, &n));
	R(ioctl(s, TIOCNOTTY));

	/* default termios and window size */
	R(tcgetattr(s, &t));
	printf("iflag %o oflag %o cflag %o lflag %o\n", (unsigned)t.c_iflag, (unsigned)t.c_oflag,
	       (unsigned)t.c_cflag, (unsigned)t.c_lflag);
	printf("intr %d quit %d erase %d kill %d eof %d min %d time %d susp %d\n", t.c_cc[VINTR],
	       t.c_cc[VQUIT], t.c_cc[VERASE], t.c_cc[VKILL], t.c_cc[VEOF], t.c_cc[VMIN],
	       t.c_cc[VTIME], t.c_cc[VSUSP]);
	struct winsize ws;
	R(ioctl(s, TIOCGWINSZ, &ws));
	printf("winsize %d %d\n", ws.ws_row, ws.ws_col);
	struct termios tm;
	R(tcgetattr(m, &tm)); /* the master shares them */
	SAY(tm.c_lflag == t.c_lflag);

	/* canonical mode */
	R(write(m, "hello\n", 6));
	rd("line", s, 100);
	drain("echo", m);
	R(write(m, "abx\177c\n", 6));
	rd("erase", s, 100);
	drain("echo", m);
	R(write(m, "foo\025bar\n", 8));
	rd("kill", s, 100);
	drain("echo", m);
	R(write(m, "xy\004", 3));
	rd("eof-ended", s, 100);
	R(write(m, "\004", 1));
	rd("eof", s, 100);
	drain("echo", m);
	R(write(m, "abcdef\n", 7));
	rd("part", s, 3);
	rd("rest", s, 100);
	drain("echo", m);
	R(write(m, "ab\ncd", 5));
	settle(s);
	n = -1;
	R(ioctl(s, FIONREAD, &n));
	printf("fionread %d\n", n);
	struct pollfd p = { .fd = s, .events = POLLIN };
	R(poll(&p, 1, 0));
	rd("first", s, 100);
	R(poll(&p, 1, 0));    /* "cd" is no line yet */
	R(write(m, "\r", 1)); /* ICRNL */
	rd("icrnl", s, 100);
	drain("echo", m);
	R(fcntl(s, F_SETFL, O_NONBLOCK));
	rd("empty", s, 100);
	R(fcntl(s, F_SETFL, 0));
	R(fcntl(m, F_SETFL, O_NONBLOCK));
	rd("master empty", m, 100);
	R(fcntl(m, F_SETFL, 0));

	/* output processing */
	R(write(s, "out\n", 4));
	settle(m);
	n = -1;
	R(ioctl(m, FIONREAD, &n));
	printf("master fionread %d\n", n);
	drain("onlcr", m);
	t.c_oflag &= ~OPOST;
	R(tcsetattr(s, TCSANOW, &t));
	R(write(s, "raw\n", 4));
	drain("no opost", m);
	t.c_oflag |= OPOST;

	/* echo off, ECHONL */
	t.c_lflag &= ~ECHO;
	R(tcsetattr(s, TCSADRAIN, &t));
	R(write(m, "secret\n", 7));
	rd("noecho", s, 100);
	drain("echo", m);
	t.c_lflag |= ECHONL;
	R(tcsetattr(s, TCSANOW, &t));
	R(write(m, "nl\n", 3));
	rd("echonl", s, 100);
	drain("echo", m);

	/* raw mode */
	struct termios raw = t;
	cfmakeraw(&raw);
	R(tcsetattr(s, TCSAFLUSH, &raw));
	R(write(m, "xyz", 3));
	p.revents = 0;
	R(poll(&p, 1, 1000));
	printf("revents %x\n", p.revents);
	rd("raw", s, 100);
	drain("echo", m);
	R(write(m, "\003\r", 2)); /* no ISIG, no ICRNL */
	rd("raw ctl", s, 100);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	R(tcsetattr(s, TCSANOW, &raw));
	rd("min0 time0", s, 100);
	raw.c_cc[VTIME] = 1;
	R(tcsetattr(s, TCSANOW, &raw));
	rd("min0 time1", s, 100);
	raw.c_cc[VMIN] = 3;
	raw.c_cc[VTIME] = 0;
	R(tcsetattr(s, TCSANOW, &raw));
	R(write(m, "abcd", 4));
	rd("min3", s, 100);
	R(tcflush(s, TCIFLUSH));
	R(tcdrain(s));

	/* TIOCGPTPEER */
	int peer = OK(ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY));
	R(write(peer, "p", 1));
	drain("peer", m);
	close(peer);

	/* the slave's last close: the master reads what is left, then EIO */
	R(write(s, "bye", 3));
	close(s);
	p.fd = m;
	p.events = POLLIN;
	R(poll(&p, 1, 0));
	printf("master revents %x\n", p.revents);
	rd("left", m, 100);
	rd("closed", m, 100);
	s = OK(open(name, O_RDWR | O_NOCTTY)); /* reopened: no more EIO */
	R(fcntl(m, F_SETFL, O_NONBLOCK));
	rd("reopened", m, 100);
	close(s);
	close(m);
	R(open(name, O_RDWR | O_NOCTTY)); /* the pair is gone */

	/* a fresh pair: a canonical line longer than the buffer keeps its
	 * first 4095 bytes and its end */
	m = open_pair(&s);
	char big[1000];
	memset(big, 'x', sizeof(big));
	R(fcntl(m, F_SETFL, O_NONBLOCK));
	long total = 0, w;
	while (total < 20000 && (w = write(m, big, sizeof(big))) > 0)
		total += w;
	SAY(total >= 4095);
	R(fcntl(m, F_SETFL, 0));
	R(write(m, "\n", 1));
	static char line[8192];
	R(read(s, line, sizeof(line)));
	close(s);
	close(m);
	return 0;
}
