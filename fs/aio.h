/* aio.h: Linux AIO contexts (fs/aio.c), for their handlers in
 * kernel/sys/aio.c. */
#ifndef HTUX_FS_AIO_H
#define HTUX_FS_AIO_H

#include <stdbool.h>
#include <stdint.h>

/* <linux/aio_abi.h>'s ABI (that header pulls in <linux/fs.h>, whose
 * RENAME_* clash with fs/vfs.h's). */
#define IOCB_CMD_PREAD 0
#define IOCB_CMD_PWRITE 1
#define IOCB_CMD_FSYNC 2
#define IOCB_CMD_FDSYNC 3
#define IOCB_CMD_POLL 5
#define IOCB_CMD_NOOP 6
#define IOCB_CMD_PREADV 7
#define IOCB_CMD_PWRITEV 8
#define IOCB_FLAG_RESFD (1u << 0)
#define IOCB_FLAG_IOPRIO (1u << 1)

struct io_event {
	uint64_t data; /* the iocb's aio_data */
	uint64_t obj;  /* the iocb's user address */
	int64_t res;
	int64_t res2;
};

struct iocb {
	uint64_t aio_data;
	uint32_t aio_key; /* little-endian order */
	uint32_t aio_rw_flags;
	uint16_t aio_lio_opcode;
	int16_t aio_reqprio;
	uint32_t aio_fildes;
	uint64_t aio_buf;
	uint64_t aio_nbytes;
	int64_t aio_offset;
	uint64_t aio_reserved2;
	uint32_t aio_flags;
	uint32_t aio_resfd;
};

struct aio_ctx;
struct mm;
struct file;

/* A new context of room for nr_events events, its ring mapped into the
 * current process: 0 and *out, or -EINVAL / -EAGAIN / -ENOMEM. */
int aio_ctx_new(unsigned nr_events, struct aio_ctx **out);
/* The context whose ring is at id in the current process, or NULL. */
struct aio_ctx *aio_ctx_find(uint64_t id);
uint64_t aio_ctx_id(const struct aio_ctx *c);  /* its ring's user address */
unsigned aio_ctx_max(const struct aio_ctx *c); /* nr_events asked for */
/* Ends c: its ring unmapped, the context freed. */
void aio_ctx_destroy(struct aio_ctx *c);
/* Whether the ring has room for one more event (io_submit's EAGAIN). */
bool aio_room(struct aio_ctx *c);
/* Posts ev to c's ring and wakes its waiters; resfd: an eventfd to
 * signal, or NULL. */
void aio_post(struct aio_ctx *c, const struct io_event *ev, struct file *resfd);
/* Moves up to nr events from the ring to uev: how many, or -EFAULT. */
long aio_reap(struct aio_ctx *c, struct io_event *uev, long nr);
/* Sleeps for a post or a file's readiness until the time_ns() deadline
 * (0: none): a WAKE_* (kernel/sched.h). */
int aio_wait(uint64_t deadline);
/* IOCB_CMD_POLL: waits for f (held) to be ready for events (EPOLL*),
 * then posts the ready ones as the event of obj/data: 0 or -ENOMEM.
 * aio_poll_check posts those now ready; aio_poll_cancel ends obj's with
 * result 0 (0), or -EINVAL when none waits. */
int aio_poll_add(struct aio_ctx *c, struct file *f, struct file *resfd, uint64_t obj, uint64_t data,
		 unsigned events);
void aio_poll_check(struct aio_ctx *c);
int aio_poll_cancel(struct aio_ctx *c, uint64_t obj);
/* The contexts of mm, which is going away, are freed (kernel/vm.c). */
void aio_mm_gone(struct mm *mm);

#endif
