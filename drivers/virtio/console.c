/* console.c: the virtio console driver, port 0 only: the program's
 * console when the kernel option console=hvc asks for it (fs/console.c).
 * With VIRTIO_CONSOLE_F_MULTIPORT (QEMU offers it) the control queues
 * tell whether port 0 exists and is a console (QEMU's first virtconsole
 * is port 0): the driver says it is ready, acknowledges the ports, and
 * opens port 0 once it is named a console (other ports stay closed); without a console
 * port there is no hvc. Without MULTIPORT port 0 is taken on trust. Received data lands in 4 KiB buffers that stay out of
 * the ring until the program has read them (so a program that stops
 * reading stops the sender); sent data is copied into 4 KiB buffers,
 * collected back when the device has used them. Both queues interrupt;
 * receive interrupts wake the console's readers. */
#include "kernel/kernel.h"
#include "kernel/bkl.h"
#include "kernel/sched.h"
#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtq.h"
#include "drivers/virtio/console.h"
#include "fs/vfs.h"
#include <linux/virtio_console.h>

#define BUF 4096
#define NBUF 16
#define CBUF 256 /* control messages: header + a port name */
#define NCTL 8
#define HANDSHAKE_NS 500000000UL

struct rxbuf {
	uint8_t *buf;
	uint32_t len, off;
};

struct vcons {
	struct virtio_dev *vd;
	struct virtq rx, tx;
	struct rxbuf full[NBUF]; /* received, not yet read */
	int fhead, fcount;
	uint8_t *txfree[NBUF];
	int ntxfree;
	struct waitq txwait;
	struct virtq crx, ctx;               /* control queues (MULTIPORT) */
	struct virtio_console_control *cmsg; /* the one control message in flight */
};

static struct vcons *hvc;

bool hvc_present(void) { return hvc != NULL; }

static void post_rx(struct vcons *c, uint8_t *b)
{
	struct vq_buf vb = { b, BUF, true };
	virtq_add(&c->rx, &vb, 1, b);
}

static void collect(struct vcons *c)
{
	uint8_t *b;
	uint32_t len;
	bool repost = false;
	while ((b = virtq_get(&c->rx, &len))) {
		if (len == 0 || len > BUF || c->fcount == NBUF) {
			post_rx(c, b);
			repost = true;
			continue;
		}
		int i = (c->fhead + c->fcount++) % NBUF;
		c->full[i].buf = b;
		c->full[i].len = len;
		c->full[i].off = 0;
	}
	while ((b = virtq_get(&c->tx, NULL)))
		c->txfree[c->ntxfree++] = b;
	if (repost)
		virtq_kick(&c->rx);
}

static void post_ctl(struct vcons *c, uint8_t *b)
{
	struct vq_buf vb = { b, CBUF, true };
	virtq_add(&c->crx, &vb, 1, b);
}

/* Control messages after the handshake (the host opening the port, its
 * name, resizes) need no answer: their buffers go back. */
static void drain_ctl(struct vcons *c)
{
	uint8_t *b;
	bool any = false;
	if (!c->cmsg)
		return;
	while ((b = virtq_get(&c->crx, NULL))) {
		post_ctl(c, b);
		any = true;
	}
	while (virtq_get(&c->ctx, NULL))
		;
	if (any)
		virtq_kick(&c->crx);
}

/* Sends one control message and waits (bounded) for the device to take it. */
static void ctl_send(struct vcons *c, uint32_t id, uint16_t event, uint16_t value)
{
	c->cmsg->id = id;
	c->cmsg->event = event;
	c->cmsg->value = value;
	struct vq_buf vb = { c->cmsg, sizeof(*c->cmsg), false };
	if (virtq_add(&c->ctx, &vb, 1, c->cmsg))
		return;
	virtq_kick(&c->ctx);
	uint64_t t0 = time_ns();
	while (!virtq_get(&c->ctx, NULL) && time_ns() - t0 < HANDSHAKE_NS)
		__asm__ volatile("pause" ::: "memory");
}

/* The MULTIPORT handshake: true when port 0 is a console, now open. */
static bool handshake(struct vcons *c)
{
	uint8_t *mem = kmalloc(NCTL * CBUF);
	c->cmsg = kmalloc(sizeof(*c->cmsg));
	if (!mem || !c->cmsg)
		return false;
	for (int i = 0; i < NCTL && i < (int)c->crx.size; i++)
		post_ctl(c, mem + i * CBUF);
	virtq_kick(&c->crx);
	ctl_send(c, 0, VIRTIO_CONSOLE_DEVICE_READY, 1);
	uint64_t t0 = time_ns();
	while (time_ns() - t0 < HANDSHAKE_NS) {
		uint32_t len;
		uint8_t *b = virtq_get(&c->crx, &len);
		if (!b) {
			__asm__ volatile("pause" ::: "memory");
			continue;
		}
		struct virtio_console_control m;
		memcpy(&m, b, sizeof(m));
		post_ctl(c, b);
		virtq_kick(&c->crx);
		if (len < sizeof(m))
			continue;
		if (m.event == VIRTIO_CONSOLE_PORT_ADD)
			ctl_send(c, m.id, VIRTIO_CONSOLE_PORT_READY, 1); /* only port 0 is opened */
		else if (m.event == VIRTIO_CONSOLE_CONSOLE_PORT && m.id == 0) {
			ctl_send(c, 0, VIRTIO_CONSOLE_PORT_OPEN, 1);
			return true;
		}
	}
	return false;
}

static void intr(struct virtio_dev *d)
{
	struct vcons *c = d->drv;
	drain_ctl(c);
	int had = c->fcount, free_before = c->ntxfree;
	collect(c);
	if (c->ntxfree > free_before)
		waitq_wake_all(&c->txwait);
	if (c->fcount > had)
		console_input_notify();
}

size_t hvc_read(uint8_t *buf, size_t n)
{
	struct vcons *c = hvc;
	size_t done = 0;
	bool repost = false;
	if (!c)
		return 0;
	collect(c);
	while (done < n && c->fcount) {
		struct rxbuf *f = &c->full[c->fhead];
		size_t k = MIN(n - done, (size_t)(f->len - f->off));
		memcpy(buf + done, f->buf + f->off, k);
		f->off += (uint32_t)k;
		done += k;
		if (f->off == f->len) {
			post_rx(c, f->buf);
			repost = true;
			c->fhead = (c->fhead + 1) % NBUF;
			c->fcount--;
		}
	}
	if (repost)
		virtq_kick(&c->rx);
	return done;
}

ssize_t hvc_write(const void *buf, size_t n, bool user)
{
	struct vcons *c = hvc;
	size_t done = 0;
	while (done < n) {
		collect(c);
		if (c->ntxfree == 0) {
			if (!cur_thread || waitq_wait(&c->txwait, 0) == WAKE_SIGNAL)
				cpu_wait_interrupt();
			continue;
		}
		uint8_t *b = c->txfree[--c->ntxfree];
		size_t k = MIN(n - done, (size_t)BUF);
		if (xcopy_in(b, (const uint8_t *)buf + done, k, user)) {
			c->txfree[c->ntxfree++] = b;
			return done ? (ssize_t)done : -EFAULT;
		}
		struct vq_buf vb = { b, (uint32_t)k, false };
		virtq_add(&c->tx, &vb, 1, b);
		virtq_kick(&c->tx);
		done += k;
	}
	return (ssize_t)done;
}

void hvc_flush(void)
{
	struct vcons *c = hvc;
	if (!c)
		return;
	for (long spins = 0; spins < 200000000L; spins++) {
		collect(c);
		if (c->ntxfree == (int)c->tx.size)
			return;
		__asm__ volatile("pause" ::: "memory");
	}
}

int virtio_console_probe(struct virtio_dev *d)
{
	if (hvc) {
		kinfo("virtio-console: %s: one console is enough; not used\n", d->where);
		return -1;
	}
	if (virtio_negotiate(d, 1ULL << VIRTIO_CONSOLE_F_MULTIPORT))
		return -1;
	bool multiport = virtio_has(d, VIRTIO_CONSOLE_F_MULTIPORT);
	struct vcons *c = kzalloc(sizeof(*c));
	if (!c)
		return -1;
	c->vd = d;
	d->drv = c;
	if (virtq_setup(&c->rx, d, 0, NBUF) || virtq_setup(&c->tx, d, 1, NBUF) ||
	    (multiport && (virtq_setup(&c->crx, d, 2, NCTL) || virtq_setup(&c->ctx, d, 3, NCTL)))) {
		virtio_fail(d, "cannot set up the receive and send queues");
		return -1;
	}
	uint8_t *mem = kmalloc((size_t)(c->rx.size + c->tx.size) * BUF);
	if (!mem) {
		virtio_fail(d, "out of memory for buffers");
		return -1;
	}
	for (unsigned i = 0; i < c->rx.size; i++)
		post_rx(c, mem + (size_t)i * BUF);
	for (unsigned i = 0; i < c->tx.size; i++)
		c->txfree[c->ntxfree++] = mem + (size_t)(c->rx.size + i) * BUF;
	virtio_ready(d);
	if (multiport && !handshake(c)) {
		kinfo("virtio-console: %s: port 0 is not a console (QEMU: -device virtconsole); not used\n",
		      d->where);
		return -1;
	}
	d->intr = intr;
	virtq_kick(&c->rx);
	hvc = c;
	kinfo("virtio-console hvc0: %s%s\n", d->where, multiport ? ", port 0 of several" : "");
	return 0;
}
