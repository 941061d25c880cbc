/* tty_ldisc.c: the line discipline of a pseudo-terminal (fs/tty.h), as
 * Linux's N_TTY: the master's bytes are input (ISTRIP, IGNCR, ICRNL,
 * INLCR; ISIG: VINTR, VQUIT, VSUSP signal the foreground group; ICANON:
 * a line edited with VERASE and VKILL, ended by newline, VEOL, VEOL2 or
 * VEOF; ECHO, ECHOE, ECHOK, ECHOKE, ECHONL, ECHOCTL), the slave's bytes
 * are output (OPOST: ONLCR, OCRNL), and the slave's reads return a line
 * (canonical) or follow VMIN and VTIME (raw). */
#include "fs/tty.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include <asm/ioctls.h>

/* Linux's pty slave defaults: tty_std_termios (its HUPCL is the console's). */
static const struct termios std_termios = TTY_STD_TERMIOS(0);

void ldisc_init(struct tty *t) { t->tio = std_termios; }

/* ---- output: out[] is what the master reads */

static size_t oroom(struct tty *t) { return TTY_BUF - t->olen; }

static void oput(struct tty *t, uint8_t c)
{
	if (t->olen < TTY_BUF) {
		t->out[(t->ohead + t->olen) % TTY_BUF] = c;
		t->olen++;
	}
}

/* One byte through OPOST; false when there is no room for it. */
static bool opost(struct tty *t, uint8_t c)
{
	if (!(t->tio.c_oflag & OPOST)) {
		if (!oroom(t))
			return false;
		oput(t, c);
		return true;
	}
	if (c == '\n' && (t->tio.c_oflag & ONLCR)) {
		if (oroom(t) < 2)
			return false;
		oput(t, '\r');
		oput(t, '\n');
		return true;
	}
	if (c == '\r' && (t->tio.c_oflag & OCRNL))
		c = '\n';
	if (!oroom(t))
		return false;
	oput(t, c);
	return true;
}

size_t ldisc_write(struct tty *t, const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n && opost(t, p[i]))
		i++;
	if (i)
		tty_wake_master(t);
	return i;
}

/* Echoes c: a control character as ^X under ECHOCTL. */
static void echo_char(struct tty *t, uint8_t c)
{
	if ((t->tio.c_lflag & ECHOCTL) && (c < 32 || c == 0177) && c != '\t' && c != '\n' &&
	    c != t->tio.c_cc[VSTART] && c != t->tio.c_cc[VSTOP]) {
		opost(t, '^');
		opost(t, c == 0177 ? '?' : c + 64);
	} else {
		opost(t, c);
	}
}

static void echo_erase(struct tty *t)
{
	opost(t, '\b');
	opost(t, ' ');
	opost(t, '\b');
}

/* ---- input: in[] is what the slave reads */

static void iput(struct tty *t, uint16_t v)
{
	t->in[(t->ihead + t->ilen) % TTY_BUF] = v;
	t->ilen++;
	if (v & (TTY_DELIM | TTY_EOFMARK))
		t->lines++;
}

static uint16_t ipop(struct tty *t)
{
	uint16_t v = t->in[t->ihead];
	t->ihead = (t->ihead + 1) % TTY_BUF;
	t->ilen--;
	if (v & (TTY_DELIM | TTY_EOFMARK))
		t->lines--;
	return v;
}

void ldisc_flush_in(struct tty *t) { t->ihead = t->ilen = t->lines = t->llen = 0; }

static bool canon(struct tty *t) { return t->tio.c_lflag & ICANON; }

/* c is the control character which (0: disabled, _POSIX_VDISABLE). */
static bool is_cc(struct tty *t, uint8_t c, int which)
{
	return t->tio.c_cc[which] != 0 && c == t->tio.c_cc[which];
}

/* Moves the edited line into in[], ended by delim (a TTY_* flag and byte). */
static void end_line(struct tty *t, uint16_t delim)
{
	for (size_t i = 0; i < t->llen; i++)
		iput(t, (uint8_t)t->line[i]);
	t->llen = 0;
	iput(t, delim);
}

static void isig(struct tty *t, uint8_t c, int sig)
{
	if (!(t->tio.c_lflag & NOFLSH)) { /* both queues, as Linux */
		ldisc_flush_in(t);
		t->olen = 0;
	}
	if (t->tio.c_lflag & ECHO)
		echo_char(t, c);
	if (t->pgrp > 0)
		tty_signal_pgrp(t->pgrp, sig);
}

/* One input byte; false when there is no room to take it. */
static bool receive(struct tty *t, uint8_t c)
{
	tcflag_t ifl = t->tio.c_iflag, lfl = t->tio.c_lflag;
	bool echo = lfl & ECHO;
	/* full: wait for the reader, unless one unfinished line fills it all */
	if (t->ilen + t->llen + 1 >= TTY_BUF && (!canon(t) || t->ilen))
		return false;
	if (ifl & ISTRIP)
		c &= 0x7f;
	if (c == '\r') {
		if (ifl & IGNCR)
			return true;
		if (ifl & ICRNL)
			c = '\n';
	} else if (c == '\n' && (ifl & INLCR)) {
		c = '\r';
	}
	if (lfl & ISIG) {
		if (is_cc(t, c, VINTR)) {
			isig(t, c, SIGINT);
			return true;
		}
		if (is_cc(t, c, VQUIT)) {
			isig(t, c, SIGQUIT);
			return true;
		}
		if (is_cc(t, c, VSUSP)) {
			isig(t, c, SIGTSTP);
			return true;
		}
	}
	if (!canon(t)) {
		iput(t, c);
		if (echo)
			echo_char(t, c);
		return true;
	}
	if (is_cc(t, c, VERASE)) {
		if (t->llen) {
			t->llen--;
			if (echo && (lfl & ECHOE))
				echo_erase(t);
			else if (echo)
				echo_char(t, c);
		}
		return true;
	}
	if (is_cc(t, c, VKILL)) {
		if (echo && (lfl & ECHOKE)) {
			for (size_t i = 0; i < t->llen; i++)
				echo_erase(t);
		} else if (echo) {
			echo_char(t, c);
			if (lfl & ECHOK)
				opost(t, '\n');
		}
		t->llen = 0;
		return true;
	}
	if (is_cc(t, c, VEOF)) {
		end_line(t, TTY_EOFMARK | c);
		return true;
	}
	if (c == '\n' || is_cc(t, c, VEOL) || is_cc(t, c, VEOL2)) {
		if (echo || (c == '\n' && (lfl & ECHONL)))
			echo_char(t, c);
		end_line(t, TTY_DELIM | c);
		return true;
	}
	if (t->llen + 2 > TTY_BUF)
		return true; /* the line is full: dropped, as Linux (its end still fits) */
	t->line[t->llen++] = (char)c;
	if (echo)
		echo_char(t, c);
	return true;
}

size_t ldisc_receive(struct tty *t, const uint8_t *p, size_t n)
{
	size_t i = 0, olen = t->olen;
	while (i < n && receive(t, p[i]))
		i++;
	if (i)
		tty_wake_slave(t);
	if (t->olen != olen)
		tty_wake_master(t);
	return i;
}

void ldisc_set_termios(struct tty *t, const struct termios *nt)
{
	bool was_canon = canon(t);
	t->tio = *nt;
	if (was_canon && !canon(t)) { /* the line being edited becomes readable */
		for (size_t i = 0; i < t->llen; i++)
			iput(t, (uint8_t)t->line[i]);
		t->llen = 0;
		tty_wake_slave(t);
	}
}

/* Bytes a read could take now (EOF marks are not bytes). */
size_t ldisc_avail(struct tty *t)
{
	size_t n = 0, upto = 0;
	for (size_t i = 0; i < t->ilen; i++) {
		uint16_t v = t->in[(t->ihead + i) % TTY_BUF];
		if (!(v & TTY_EOFMARK))
			n++;
		if (v & (TTY_DELIM | TTY_EOFMARK))
			upto = n;
	}
	return canon(t) ? upto : n;
}

bool ldisc_readable(struct tty *t)
{
	if (t->hung_up)
		return true;
	return canon(t) ? t->lines > 0 : t->ilen > 0;
}

/* Copies what is queued, up to n bytes (canonical: up to one line end). */
static size_t take(struct tty *t, uint8_t *dst, size_t n, bool *eof)
{
	size_t k = 0;
	*eof = false;
	while (k < n && t->ilen) {
		uint16_t v = t->in[t->ihead];
		if (v & TTY_EOFMARK) {
			ipop(t);
			if (canon(t)) {
				*eof = k == 0;
				break;
			}
			continue;
		}
		ipop(t);
		dst[k++] = (uint8_t)v;
		if ((v & TTY_DELIM) && canon(t))
			break;
	}
	return k;
}

static ssize_t copy_taken(void *buf, size_t done, const uint8_t *tmp, size_t k, bool user)
{
	if (xcopy_out((uint8_t *)buf + done, tmp, k, user))
		return -EFAULT;
	return 0;
}

ssize_t ldisc_read(struct tty *t, struct file *f, void *buf, size_t n, bool user)
{
	uint8_t tmp[256];
	size_t done = 0;
	bool eof;
	if (n == 0)
		return 0;
	if (canon(t)) {
		while (!t->lines) {
			if (t->hung_up)
				return 0;
			if (f->flags & O_NONBLOCK)
				return -EAGAIN;
			if (waitq_wait(&t->swait, 0) == WAKE_SIGNAL)
				return -EINTR;
		}
		do {
			size_t k = take(t, tmp, MIN(n - done, sizeof(tmp)), &eof);
			if (k && copy_taken(buf, done, tmp, k, user))
				return done ? (ssize_t)done : -EFAULT;
			done += k;
			if (eof || k == 0 || (uint8_t)tmp[k - 1] == '\n' ||
			    is_cc(t, tmp[k - 1], VEOL) || is_cc(t, tmp[k - 1], VEOL2))
				break;
		} while (done < n);
		tty_wake_master(t);
		return (ssize_t)done;
	}
	size_t vmin = t->tio.c_cc[VMIN];
	uint64_t vtime = (uint64_t)t->tio.c_cc[VTIME] * 100000000ull;
	uint64_t deadline = vtime ? time_ns() + vtime : 0;
	for (;;) {
		if (t->ilen) {
			size_t k = take(t, tmp, MIN(n - done, sizeof(tmp)), &eof);
			if (k && copy_taken(buf, done, tmp, k, user))
				return done ? (ssize_t)done : -EFAULT;
			done += k;
			tty_wake_master(t);
			if (vtime && vmin)
				deadline = time_ns() + vtime; /* the timer runs between bytes */
		}
		if (done >= n || (vmin && done >= vmin) || (!vmin && done))
			break;
		if (t->hung_up || (!vmin && !vtime))
			break;
		if (f->flags & O_NONBLOCK) {
			if (!done)
				return -EAGAIN;
			break;
		}
		int w = waitq_wait(&t->swait, (vmin && !done) ? 0 : deadline);
		if (w == WAKE_SIGNAL)
			return done ? (ssize_t)done : -EINTR;
		if (w == WAKE_TIMEOUT && !t->ilen)
			break;
	}
	return (ssize_t)done;
}
