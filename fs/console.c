/* console.c: the console file behind fds 0, 1, 2, /dev/console and
 * /dev/tty: output goes to COM1 byte for byte; input blocks until a byte
 * comes (the timer tick polls the UART: console_poll), then returns what
 * is there (in canonical mode the EOF character at the start of a read
 * means end of file). The terminal settings are stored for
 * tcgetattr/tcsetattr; the only input processing is ICRNL. With the
 * kernel option console=hvc the bytes go through the virtio console
 * instead (drivers/virtio/console.c), input arriving by interrupt.
 *
 * With the kernel option notty (htux run when its stdin or stdout is not
 * a terminal) the console is a byte stream, as a container's stdio without
 * docker's -t: the terminal ioctls fail with ENOTTY, /dev/tty with ENXIO,
 * input bytes are the program's unchanged, and their end is marked in the
 * stream itself, a serial line having none: DLE DLE stands for one DLE
 * byte (0x10), DLE 'D' for the end; reads return 0 from then on. With
 * stderr=com3 as well, fd 2 is a stream of its own on COM3
 * (console_stderr_file); the kernel's lines stay on the console. */
#include "fs/vfs.h"
#include "fs/poll.h"
#include "fs/tty.h"
#include "fs/anon.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "arch/x86_64/serial.h"
#include "kernel/irq.h"
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

#define COM1_IRQ 4        /* its ISA line, GSI 4 on QEMU's pc, q35, microvm */
#define DEV_TTY (5u << 8) /* /dev/tty's st_rdev: 5, 0 */

/* notty: the input's escapes (in the stream) */
#define DLE 0x10
static bool in_dle; /* the last byte was a DLE */
static bool in_end; /* DLE 'D' came: the input has ended */

static struct waitq readers;   /* threads in read waiting for input */
static struct pollsrc con_src; /* wake-ups for epoll (f->priv of console files) */

static bool hvc_on(void) { return kopts.console_hvc && hvc_present(); }

/* Puts byte c of the input into ibuf (ilen < IBUF), decoding notty's
 * escapes. */
static void put(uint8_t c)
{
	if (kopts.console_notty) {
		if (in_end)
			return; /* nothing comes after the end */
		if (!in_dle && c == DLE) {
			in_dle = true;
			return;
		}
		if (in_dle) {
			in_dle = false;
			if (c == 'D') {
				in_end = true;
				return;
			}
		}
	}
	ibuf[(ihead + ilen) % IBUF] = c;
	ilen++;
}

/* Moves what the UART (or the virtio console) holds into ibuf; wakes readers and pollers if
 * anything came. */
static void drain(void)
{
	int c;
	size_t before = ilen;
	bool ended = in_end;
	while (hvc_on() && ilen < IBUF) {
		uint8_t tmp[256];
		size_t k = hvc_read(tmp, MIN(IBUF - ilen, sizeof(tmp)));
		if (!k)
			break;
		for (size_t i = 0; i < k; i++)
			put(tmp[i]);
	}
	while (!hvc_on() && ilen < IBUF && (c = serial_getc()) >= 0)
		put((uint8_t)c);
	if (ilen > before || in_end != ended) {
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

/* COM1's interrupt: a byte came (QEMU offers the next once it is read, so
 * input flows at interrupt speed, not a byte per tick). */
static void com1_irq(void *arg)
{
	(void)arg;
	if (!hvc_on())
		drain();
}

void console_irq_init(void)
{
	if (hvc_on())
		return;
	int v = irq_alloc(com1_irq, NULL);
	if (v >= 0 && irq_route_gsi(COM1_IRQ, v, false) == 0)
		serial_rx_irq_on();
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
	bool notty = kopts.console_notty;
	bool canon = (tio.c_lflag & ICANON) && !notty;
	bool icrnl = (tio.c_iflag & ICRNL) && !notty;
	uint8_t eof = tio.c_cc[VEOF];

	if (n == 0)
		return 0;
	drain();
	while (ilen == 0) {
		if (in_end)
			return 0;
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
			if (c == '\r' && icrnl)
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

/* buf's n bytes (the program's when user) out through a UART's writer. */
static ssize_t uart_out(void (*put)(const char *, size_t), const void *buf, size_t n, bool user)
{
	char tmp[256];
	size_t done = 0;
	while (done < n) {
		size_t k = MIN(n - done, sizeof(tmp));
		if (xcopy_in(tmp, (const char *)buf + done, k, user))
			return done ? (ssize_t)done : -EFAULT;
		put(tmp, k);
		done += k;
	}
	return (ssize_t)done;
}

static ssize_t con_write(struct file *f, const void *buf, size_t n, uint64_t off, bool user)
{
	if (hvc_on())
		return hvc_write(buf, n, user);
	return uart_out(serial_write, buf, n, user);
}

static long con_ioctl(struct file *f, unsigned long req, unsigned long arg)
{
	void *p = (void *)arg;
	int v;
	if (kopts.console_notty && req != FIONREAD)
		return -ENOTTY; /* a byte stream, as a pipe */
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
	/* at the end, as a pipe whose writers are gone: a hang-up */
	unsigned in = ilen ? EPOLLIN | EPOLLRDNORM : in_end ? EPOLLHUP : 0;
	return in | EPOLLOUT | EPOLLWRNORM;
}

static int con_open(struct file *f)
{
	if (kopts.console_notty && f->ino && f->ino->rdev == DEV_TTY)
		return -ENXIO; /* /dev/tty: no controlling terminal */
	f->priv = &con_src;
	return 0;
}

static void con_release(struct file *f) { poll_release(f); }

/* stderr=com3: the program's fd 2, write-only, a byte stream on COM3 (as a
 * container's stderr without -t, a pipe's write end). */
static ssize_t err_write(struct file *f, const void *buf, size_t n, uint64_t off, bool user)
{
	return uart_out(com3_write, buf, n, user);
}

static unsigned err_poll(struct file *f) { return EPOLLOUT | EPOLLWRNORM; }

static const struct file_ops stderr_fops = {
	.write = err_write,
	.poll = err_poll,
	.flags = FOP_STREAM,
};

struct file *console_stderr_file(void)
{
	if (!kopts.stderr_com3 || !com3_present())
		return NULL;
	return anon_file("stderr", &stderr_fops, NULL, O_WRONLY);
}

const struct file_ops console_fops = {
	.read = con_read,
	.write = con_write,
	.ioctl = con_ioctl,
	.poll = con_poll,
	.open = con_open,
	.release = con_release,
	.flags = FOP_STREAM | FOP_POLLSRC | FOP_FASYNC | FOP_TTY_OWNER,
};
