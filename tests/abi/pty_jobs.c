/* pty_jobs.c: a pseudo-terminal as a controlling terminal: a child that
 * did setsid and TIOCSCTTY (login_tty's way) is the foreground group;
 * ^C, ^\ and ^Z signal it, TIOCSWINSZ sends SIGWINCH, tcsetpgrp's
 * errors, TIOCSCTTY's EPERM cases, TIOCNOTTY, and the master's close
 * hangs up the slave (SIGHUP to the session leader, reads 0, writes EIO). */
#include "abi.h"
#include <poll.h>
#include <signal.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

static volatile sig_atomic_t got[65];
static void on_sig(int sig) { got[sig]++; }

static int sync_r, sync_w;

static void tell(void)
{
	if (write(sync_w, "x", 1) != 1)
		_exit(9);
}

static void await(void)
{
	char c;
	if (read(sync_r, &c, 1) != 1)
		exit(9);
}

/* Waits (signals blocked outside) until sig has come. */
static void wait_sig(int sig)
{
	sigset_t none;
	sigemptyset(&none);
	while (!got[sig])
		sigsuspend(&none);
	printf("child: got %s\n", sig == SIGINT     ? "SIGINT"
				  : sig == SIGQUIT  ? "SIGQUIT"
				  : sig == SIGTSTP  ? "SIGTSTP"
				  : sig == SIGWINCH ? "SIGWINCH"
						    : "SIGHUP");
}

/* What the master has to read: Linux hands an echo over a character at a
 * time in a worker, so this reads on until none came for 150 ms. */
static void echo(int m)
{
	char buf[64];
	struct pollfd p = { .fd = m, .events = POLLIN };
	long n = 0, r;
	int wait = 1000;
	while (n < (long)sizeof(buf) && poll(&p, 1, wait) == 1 &&
	       (r = read(m, buf + n, sizeof(buf) - (size_t)n)) > 0) {
		n += r;
		wait = 150;
	}
	printf("echo: %ld [", n);
	for (long i = 0; i < n; i++)
		printf(buf[i] >= 32 ? "%c" : "\\%03o", buf[i]);
	printf("]\n");
}

static void child(int m, const char *name, int up_w, int down_r)
{
	sync_w = up_w;
	sync_r = down_r;
	close(m);
	sigset_t blk;
	sigemptyset(&blk);
	int sigs[] = { SIGINT, SIGQUIT, SIGTSTP, SIGWINCH, SIGHUP };
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaddset(&blk, sigs[i]);
		signal(sigs[i], on_sig);
	}
	sigprocmask(SIG_BLOCK, &blk, NULL);
	int s = open(name, O_RDWR | O_NOCTTY);
	int pg;
	R(ioctl(s, TIOCSCTTY, 0)); /* no session leader */
	R(setsid() == getpid());
	R(ioctl(s, TIOCGPGRP, &pg)); /* not yet its terminal */
	R(ioctl(s, TIOCSCTTY, 0));
	R(ioctl(s, TIOCSCTTY, 0)); /* again: nothing to do */
	R(tcgetpgrp(s) == getpid());
	R(tcgetsid(s) == getpid());
	R(tcsetpgrp(s, getpid()));
	R(tcsetpgrp(s, 4190000));
	R(tcsetpgrp(s, 1)); /* another session's */
	int fd2 = open(name, O_RDWR);
	R(fd2 >= 0);
	close(fd2);
	tell();
	wait_sig(SIGINT);
	tell();
	wait_sig(SIGQUIT);
	tell();
	wait_sig(SIGTSTP);
	tell();
	wait_sig(SIGWINCH);
	struct winsize ws;
	R(ioctl(s, TIOCGWINSZ, &ws));
	printf("child: winsize %d %d\n", ws.ws_row, ws.ws_col);
	tell();
	wait_sig(SIGHUP);
	char buf[8];
	R(read(s, buf, sizeof(buf)));
	R(write(s, "x", 1));
	R(ioctl(s, TCGETS, &(struct termios){ 0 }));
	struct pollfd p = { .fd = s, .events = POLLIN | POLLOUT };
	R(poll(&p, 1, 0));
	printf("child: revents %x\n", p.revents);
	fflush(stdout);
	_exit(7);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m)) {
		printf("cannot make a pty: %s\n", abi_errname(errno));
		return 1;
	}
	char name[64];
	snprintf(name, sizeof(name), "%s", ptsname(m));
	int up[2], down[2];
	if (pipe(up) || pipe(down))
		return 1;
	sync_r = up[0];
	sync_w = down[1];
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		child(m, name, up[1], down[0]);
	await();
	int pg = -1;
	long r;
	R(ioctl(m, TIOCGPGRP, &pg));
	SAY(pg == pid);
	int s = open(name, O_RDWR | O_NOCTTY);
	R(ioctl(s, TIOCSCTTY, 0)); /* another session's terminal */
	R(ioctl(s, TIOCGPGRP, &pg));
	R(ioctl(s, TIOCNOTTY));
	r = write(m, "ab\003", 3); /* printed once the child has */
	await();
	printf("%s = %ld\n", "write(m, \"ab\\003\", 3)", r);
	echo(m);
	r = write(m, "\034", 1); /* printed once the child has */
	await();
	printf("%s = %ld\n", "write(m, \"\\034\", 1)", r);
	echo(m);
	r = write(m, "\032", 1); /* printed once the child has */
	await();
	printf("%s = %ld\n", "write(m, \"\\032\", 1)", r);
	echo(m);
	struct winsize ws = { .ws_row = 30, .ws_col = 100 };
	r = ioctl(m, TIOCSWINSZ, &ws); /* printed once the child has */
	await();
	printf("%s = %ld\n", "ioctl(m, TIOCSWINSZ, &ws)", r);
	close(s);
	close(m);
	int st;
	R(waitpid(pid, &st, 0) == pid);
	printf("child status: %s %d\n", WIFEXITED(st) ? "exit" : "signal",
	       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	return 0;
}
