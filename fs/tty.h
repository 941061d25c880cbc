/* tty.h: a pseudo-terminal pair (fs/pty.c: /dev/ptmx, /dev/pts, the
 * ioctls, hang-up) and its line discipline (fs/tty_ldisc.c: input editing,
 * echo, signals, output processing, the slave's reads). */
#ifndef HTUX_TTY_H
#define HTUX_TTY_H

#include "fs/vfs.h"
#include "fs/poll.h"
#include "kernel/sched.h"
#include <asm/termios.h>

/* Linux's tty_std_termios: cooked mode, echo, signals; cflag adds to
 * its c_cflag (HUPCL for the console; a pty slave has none). */
#define TTY_STD_TERMIOS(cflag) \
	{ \
		.c_iflag = ICRNL | IXON, .c_oflag = OPOST | ONLCR, \
		.c_cflag = B38400 | CS8 | CREAD | (cflag), \
		.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN, \
		.c_line = 0, \
		.c_cc = { \
			[VINTR] = 3,     [VQUIT] = 034,  [VERASE] = 0177,  [VKILL] = 025, \
			[VEOF] = 4,      [VTIME] = 0,    [VMIN] = 1,       [VSTART] = 021, \
			[VSTOP] = 023,   [VSUSP] = 032,  [VREPRINT] = 022, [VDISCARD] = 017, \
			[VWERASE] = 027, [VLNEXT] = 026, \
		}, \
	}

#define TTY_BUF 4096       /* each direction's queue, and the edit line */
#define TTY_DELIM 0x100u   /* in in[]: ends a canonical line */
#define TTY_EOFMARK 0x200u /* in in[]: a line ended by VEOF (the byte is not read) */

struct tty {
	int index;           /* N of /dev/pts/N */
	int masters, slaves; /* open files of each side */
	bool locked;         /* TIOCSPTLCK: the slave cannot be opened */
	bool other_closed;   /* the last slave file closed (the master reads EIO) */
	bool hung_up;        /* the master closed: the slave reads 0, writes EIO */
	struct termios tio;
	struct winsize ws;
	int pgrp, sid; /* foreground group; session (0: no controlling tty) */
	/* master -> slave: processed input; a canonical line ends at a
	 * TTY_DELIM entry */
	uint16_t in[TTY_BUF];
	size_t ihead, ilen;
	size_t lines;       /* delimiters in in[] */
	char line[TTY_BUF]; /* the canonical line being edited */
	size_t llen;
	/* slave -> master: output after OPOST and the echo */
	uint8_t out[TTY_BUF];
	size_t ohead, olen;
	struct waitq mwait, swait; /* readers/writers of the master, of the slave */
	struct pollsrc msrc, ssrc; /* f->priv of master files, of slave files */
	struct inode *sino;        /* /dev/pts/N */
};

/* fs/tty_ldisc.c */
void ldisc_init(struct tty *t);
/* Bytes written to the master: input processing, echo, signals. Returns
 * how many were taken (fewer when the input queue is full). */
size_t ldisc_receive(struct tty *t, const uint8_t *p, size_t n);
/* Bytes written by the slave: output processing into out[]. Returns how
 * many of p were taken. */
size_t ldisc_write(struct tty *t, const uint8_t *p, size_t n);
/* The slave's read (blocking per VMIN/VTIME or O_NONBLOCK). */
ssize_t ldisc_read(struct tty *t, struct file *f, void *buf, size_t n, bool user);
bool ldisc_readable(struct tty *t); /* a slave read would not block */
size_t ldisc_avail(struct tty *t);  /* FIONREAD of the slave */
void ldisc_flush_in(struct tty *t);
void ldisc_set_termios(struct tty *t, const struct termios *nt);
void tty_wake_master(struct tty *t); /* out[] has data or room changed */
void tty_wake_slave(struct tty *t);  /* in[] has data or room changed */
/* fs/pty.c and fs/pty_ioctl.c */
extern const struct file_ops ptmx_fops;
struct inode *devpts_root(struct inode *dev); /* /dev/pts (dev: /dev) */
bool pty_session_has_ctty(int sid);           /* a pty is session sid's terminal */
/* vhangup(2): session sid's terminal, if it has one, is no longer its
 * controlling terminal, and the session leader gets SIGHUP and SIGCONT
 * (1); 0: none. Its open descriptors are not hung up. */
int pty_hangup_session(int sid);
long pty_open_peer(struct tty *t, unsigned long flags); /* TIOCGPTPEER */
long tty_ioctl(struct tty *t, struct file *f, bool master, unsigned long req, unsigned long arg);
/* Sends sig to the process group pgrp (fs/pty.c). */
void tty_signal_pgrp(int pgrp, int sig);

#endif
