/* console.c: the console file behind fds 0, 1, 2, /dev/console and
 * /dev/tty: output goes to COM1 byte for byte; input blocks until a byte
 * comes (the timer tick polls the UART: console_poll), then returns what
 * is there (in canonical mode the EOF character at the start of a read
 * means end of file). The terminal settings are stored for
 * tcgetattr/tcsetattr; the only input processing is ICRNL. With the
 * kernel option console=hvc the bytes go through the virtio console
 * instead (drivers/virtio/console.c), input arriving by interrupt. */
#include "fs/vfs.h"
#include "fs/poll.h"
#include "fs/tty.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "arch/x86_64/serial.h"
#include "drivers/virtio/console.h"
#include <asm/termios.h>
#include <asm/ioctls.h>

/* Linux's tty_std_termios, with HUPCL as a serial console has it. */
static struct termios tio = TTY_STD_TERMIOS(HUPCL);
static struct winsize winsz = { .ws_row = 24, .ws_col = 80 };
static int fg_pgrp = -1; /* -1: the program's pid */

int console_fg_pgrp(void) { return fg_pgrp >= 0 ? fg_pgrp : current ? current->pid : 1; }

/* Bytes read from the UART and not yet given to the program. */
#define IBUF 4096
static uint8_t ibuf[IBUF];
static size_t ihead, ilen;

static struct waitq readers;   /* threads in read waiting for input */
static struct pollsrc con_src; /* wake-ups for epoll (f->priv of console files) */

static bool hvc_on(void) { return kopts.console_hvc && hvc_present(); }

/* Moves what the UART (or the virtio console) holds into ibuf; wakes readers and pollers if
 * anything came. */
static void drain(void)
{
	int c;
	size_t before = ilen;
	while (hvc_on() && ilen < IBUF) {
		size_t tail = (ihead + ilen) % IBUF;
		size_t k = hvc_read(ibuf + tail, MIN(IBUF - ilen, IBUF - tail));
		if (!k)
			break;
		ilen += k;
	}
	while (!hvc_on() && ilen < IBUF && (c = serial_getc()) >= 0) {
		ibuf[(ihead + ilen) % IBUF] = (uint8_t)c;
		ilen++;
	}
	if (ilen > before) {
		waitq_wake_all(&readers);
		poll_notify(&con_src, POLL_KEY_IN);
	}
}

void console_poll(void)
{
	if (!hvc_on() && serial_has_input())
		drain();
}

void console_input_notify(void)
{
	if (hvc_on())
		drain();
}

/* Waits until the output written so far has left (tcdrain). */
static void con_drain_out(void)
{
	if (hvc_on())
		hvc_flush();
	else
		serial_flush();
}

static uint8_t ipeek(void) { return ibuf[ihead]; }

static uint8_t ipop(void)
{
	uint8_t c = ibuf[ihead];
	ihead = (ihead + 1) % IBUF;
	ilen--;
	return c;
}

static ssize_t con_read(struct file *f, void *buf, size_t n, uint64_t off, bool user)
{
	uint8_t tmp[128];
	size_t done = 0;
	bool canon = tio.c_lflag & ICANON;
	uint8_t eof = tio.c_cc[VEOF];

	if (n == 0)
		return 0;
	drain();
	while (ilen == 0) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (waitq_wait(&readers, 0) == WAKE_SIGNAL)
			return -EINTR;
		drain();
	}
	if (canon && ipeek() == eof) {
		ipop();
		return 0;
	}
	while (done < n && ilen > 0) {
		size_t k = 0;
		while (k < sizeof(tmp) && done + k < n && ilen > 0) {
			if (canon && ipeek() == eof)
				break;
			uint8_t c = ipop();
			if (c == '\r' && (tio.c_iflag & ICRNL))
				c = '\n';
			tmp[k++] = c;
		}
		if (k == 0)
			break;
		if (xcopy_out((uint8_t *)buf + done, tmp, k, user))
			return done ? (ssize_t)done : -EFAULT;
		done += k;
		drain();
		if (canon && ilen > 0 && ipeek() == eof)
			break;
	}
	return (ssize_t)done;
}

static ssize_t con_write(struct file *f, const void *buf, size_t n, uint64_t off, bool user)
{
	char tmp[256];
	size_t done = 0;
	if (hvc_on())
		return hvc_write(buf, n, user);
	while (done < n) {
		size_t k = MIN(n - done, sizeof(tmp));
		if (xcopy_in(tmp, (const char *)buf + done, k, user))
			return done ? (ssize_t)done : -EFAULT;
		serial_write(tmp, k);
		done += k;
	}
	return (ssize_t)done;
}

static long con_ioctl(struct file *f, unsigned long req, unsigned long arg)
{
	void *p = (void *)arg;
	int v;
	switch (req) {
	case TCGETS: return copy_to_user(p, &tio, sizeof(tio));
	case TCSETS:
	case TCSETSW:
	case TCSETSF: {
		struct termios t;
		if (copy_from_user(&t, p, sizeof(t)))
			return -EFAULT;
		if (req == TCSETSW || req == TCSETSF)
			con_drain_out();
		if (req == TCSETSF)
			ilen = 0;
		tio = t;
		return 0;
	}
	case TIOCGWINSZ: return copy_to_user(p, &winsz, sizeof(winsz));
	case TIOCSWINSZ: {
		struct winsize w;
		if (copy_from_user(&w, p, sizeof(w)))
			return -EFAULT;
		winsz = w;
		return 0;
	}
	case TIOCGPGRP: v = console_fg_pgrp(); return copy_to_user(p, &v, sizeof(v));
	case TIOCSPGRP:
		if (copy_from_user(&v, p, sizeof(v)))
			return -EFAULT;
		if (v < 0)
			return -EINVAL;
		fg_pgrp = v;
		return 0;
	case FIONREAD:
		drain();
		v = (int)ilen;
		return copy_to_user(p, &v, sizeof(v));
	case TCFLSH:
		if (arg > TCIOFLUSH)
			return -EINVAL;
		if (arg == TCIFLUSH || arg == TCIOFLUSH) {
			drain();
			ilen = 0;
		}
		return 0;
	case TCSBRK: /* tcdrain */ con_drain_out(); return 0;
	default: return -ENOTTY;
	}
}

static unsigned con_poll(struct file *f)
{
	drain();
	return (ilen ? EPOLLIN | EPOLLRDNORM : 0) | EPOLLOUT | EPOLLWRNORM;
}

static int con_open(struct file *f)
{
	f->priv = &con_src;
	return 0;
}

static void con_release(struct file *f) { poll_release(f); }

const struct file_ops console_fops = {
	.read = con_read,
	.write = con_write,
	.ioctl = con_ioctl,
	.poll = con_poll,
	.open = con_open,
	.release = con_release,
	.flags = FOP_STREAM | FOP_POLLSRC | FOP_FASYNC | FOP_TTY_OWNER,
};
