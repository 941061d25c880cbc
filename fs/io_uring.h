/* io_uring.h: io_uring instances (fs/io_uring.c: the rings;
 * fs/io_uring_req.c: the requests' life; fs/io_uring_reg.c: registered
 * files and buffers), for the calls
 * (kernel/sys/io_uring.c) and the operations they run
 * (kernel/sys/io_uring_ops.c). The ABI is <linux/io_uring.h>'s, whose
 * header pulls in <linux/fs.h> (its RENAME_* clash with fs/vfs.h's). */
#ifndef HTUX_FS_IO_URING_H
#define HTUX_FS_IO_URING_H

#include <stdbool.h>
#include <stdint.h>

struct file;
struct inode;
struct mm;

struct io_uring_sqe {
	uint8_t opcode;
	uint8_t flags; /* IOSQE_* */
	uint16_t ioprio;
	int32_t fd;
	uint64_t off;  /* or addr2 */
	uint64_t addr; /* or splice_off_in */
	uint32_t len;
	uint32_t op_flags; /* rw_flags, poll32_events, msg_flags, open_flags, ... */
	uint64_t user_data;
	uint16_t buf_index;
	uint16_t personality;
	int32_t file_index; /* or splice_fd_in */
	uint64_t addr3;
	uint64_t pad2;
};

struct io_uring_cqe {
	uint64_t user_data;
	int32_t res;
	uint32_t flags;
};

struct io_sqring_offsets {
	uint32_t head, tail, ring_mask, ring_entries, flags, dropped, array, resv1;
	uint64_t resv2;
};

struct io_cqring_offsets {
	uint32_t head, tail, ring_mask, ring_entries, overflow, cqes, flags, resv1;
	uint64_t resv2;
};

struct io_uring_params {
	uint32_t sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle, features, wq_fd;
	uint32_t resv[3];
	struct io_sqring_offsets sq_off;
	struct io_cqring_offsets cq_off;
};

struct io_uring_getevents_arg {
	uint64_t sigmask;
	uint32_t sigmask_sz, pad;
	uint64_t ts;
};

struct io_uring_probe_op {
	uint8_t op, resv;
	uint16_t flags;
	uint32_t resv2;
};

struct io_uring_probe {
	uint8_t last_op, ops_len;
	uint16_t resv;
	uint32_t resv2[3];
	struct io_uring_probe_op ops[];
};

#define IOSQE_FIXED_FILE (1u << 0)
#define IOSQE_IO_DRAIN (1u << 1)
#define IOSQE_IO_LINK (1u << 2)
#define IOSQE_IO_HARDLINK (1u << 3)
#define IOSQE_ASYNC (1u << 4)
#define IOSQE_BUFFER_SELECT (1u << 5)
#define IOSQE_CQE_SKIP_SUCCESS (1u << 6)

#define IORING_SETUP_IOPOLL (1u << 0)
#define IORING_SETUP_SQPOLL (1u << 1)
#define IORING_SETUP_SQ_AFF (1u << 2)
#define IORING_SETUP_CQSIZE (1u << 3)
#define IORING_SETUP_CLAMP (1u << 4)
#define IORING_SETUP_ATTACH_WQ (1u << 5)
#define IORING_SETUP_R_DISABLED (1u << 6)
#define IORING_SETUP_SUBMIT_ALL (1u << 7)
#define IORING_SETUP_COOP_TASKRUN (1u << 8)

#define IORING_FEAT_SINGLE_MMAP (1u << 0)
#define IORING_FEAT_NODROP (1u << 1)
#define IORING_FEAT_SUBMIT_STABLE (1u << 2)
#define IORING_FEAT_RW_CUR_POS (1u << 3)
#define IORING_FEAT_FAST_POLL (1u << 5)
#define IORING_FEAT_POLL_32BITS (1u << 6)
#define IORING_FEAT_EXT_ARG (1u << 8)
#define IORING_FEAT_CQE_SKIP (1u << 11)

#define IORING_SQ_CQ_OVERFLOW (1u << 1)

#define IORING_ENTER_GETEVENTS (1u << 0)
#define IORING_ENTER_SQ_WAKEUP (1u << 1)
#define IORING_ENTER_SQ_WAIT (1u << 2)
#define IORING_ENTER_EXT_ARG (1u << 3)

#define IORING_OFF_SQ_RING 0ull
#define IORING_OFF_CQ_RING 0x8000000ull
#define IORING_OFF_SQES 0x10000000ull
#define IORING_OFF_MMAP_MASK 0xf8000000ull

#define IORING_MAX_ENTRIES 32768u
#define IORING_MAX_CQ_ENTRIES (2 * IORING_MAX_ENTRIES)

enum {
	IORING_OP_NOP,
	IORING_OP_READV,
	IORING_OP_WRITEV,
	IORING_OP_FSYNC,
	IORING_OP_READ_FIXED,
	IORING_OP_WRITE_FIXED,
	IORING_OP_POLL_ADD,
	IORING_OP_POLL_REMOVE,
	IORING_OP_SYNC_FILE_RANGE,
	IORING_OP_SENDMSG,
	IORING_OP_RECVMSG,
	IORING_OP_TIMEOUT,
	IORING_OP_TIMEOUT_REMOVE,
	IORING_OP_ACCEPT,
	IORING_OP_ASYNC_CANCEL,
	IORING_OP_LINK_TIMEOUT,
	IORING_OP_CONNECT,
	IORING_OP_FALLOCATE,
	IORING_OP_OPENAT,
	IORING_OP_CLOSE,
	IORING_OP_FILES_UPDATE,
	IORING_OP_STATX,
	IORING_OP_READ,
	IORING_OP_WRITE,
	IORING_OP_FADVISE,
	IORING_OP_MADVISE,
	IORING_OP_SEND,
	IORING_OP_RECV,
	IORING_OP_OPENAT2,
	IORING_OP_EPOLL_CTL,
	IORING_OP_SPLICE,
	IORING_OP_PROVIDE_BUFFERS,
	IORING_OP_REMOVE_BUFFERS,
	IORING_OP_TEE,
	IORING_OP_SHUTDOWN,
	IORING_OP_RENAMEAT,
	IORING_OP_UNLINKAT,
	IORING_OP_MKDIRAT,
	IORING_OP_SYMLINKAT,
	IORING_OP_LINKAT,
	IORING_OP_MSG_RING,
	IORING_OP_FSETXATTR,
	IORING_OP_SETXATTR,
	IORING_OP_FGETXATTR,
	IORING_OP_GETXATTR,
	IORING_OP_SOCKET,
	IORING_OP_LAST_KNOWN = 48, /* Linux 6.1's IORING_OP_LAST */
};

#define IORING_FSYNC_DATASYNC (1u << 0)
#define IORING_TIMEOUT_ABS (1u << 0)
#define IORING_TIMEOUT_BOOTTIME (1u << 2)
#define IORING_TIMEOUT_REALTIME (1u << 3)
#define IORING_TIMEOUT_ETIME_SUCCESS (1u << 5)
#define SPLICE_F_FD_IN_FIXED (1u << 31)

enum {
	IORING_REGISTER_BUFFERS,
	IORING_UNREGISTER_BUFFERS,
	IORING_REGISTER_FILES,
	IORING_UNREGISTER_FILES,
	IORING_REGISTER_EVENTFD,
	IORING_UNREGISTER_EVENTFD,
	IORING_REGISTER_FILES_UPDATE,
	IORING_REGISTER_EVENTFD_ASYNC,
	IORING_REGISTER_PROBE,
};
#define IO_URING_OP_SUPPORTED (1u << 0)

struct io_ring;

/* A request: its SQE (copied at submission) and its state while it
 * waits. The operation (kernel/sys/io_uring_ops.c) may keep its file in
 * f and f2 (held; put when the request ends) and, to wait, returns IOU_WAIT
 * having set either pf/events (a file to become ready for EPOLL* events:
 * the operation is issued again then) or deadline/count (a timeout). */
struct io_req {
	struct io_uring_sqe sqe;
	struct file *f, *f2; /* held (splice's two ends), put at the end */
	struct file *pf;     /* waited for: f or f2 */
	unsigned events;
	uint64_t deadline; /* time_ns(); 0: none */
	uint64_t count;    /* timeout: completions to wait for (0: none) */
	bool retry;        /* issued before (connect's second try) */
	bool fail;         /* a short transfer: breaks its chain */
	bool woken;        /* its deadline passed and woke a poll */
	unsigned pass;
	struct mm *mm;       /* the submitter's memory, where its pointers lead */
	struct io_req *next; /* in the ring's waiting or deferred list */
	struct io_req *link; /* the next of its chain, not started */
};

#define IOU_WAIT (-100000L) /* an issue's answer: the request waits */

/* The operations (the syscall layer's, kernel/sys/io_uring_ops.c): prep
 * checks q as it is taken (0, or the CQE's error: the submission stops
 * there); issue runs it: its result (the CQE's res) or IOU_WAIT. */
struct io_ops {
	long (*prep)(struct io_ring *r, struct io_req *q);
	long (*issue)(struct io_ring *r, struct io_req *q);
};

/* Registered buffer idx: whether there is one. */
bool io_ring_has_buffer(struct io_ring *r, unsigned idx);
/* A new instance of p's sizes and flags (checked and filled in: entries,
 * offsets, features) as an open file: 0 and *out, or -errno. */
int io_ring_new(struct io_uring_params *p, struct file **out);
/* The instance behind f, or NULL if f is not one. */
struct io_ring *io_ring_of(struct file *f);
/* Takes up to n SQEs and issues them: how many were taken. Requests
 * waiting are retried first. */
long io_ring_submit(struct io_ring *r, unsigned n, const struct io_ops *ops);
/* Waits until min CQEs are in the ring (retrying the waiting requests),
 * the time_ns() deadline (0: none) or a signal: 0, -ETIME, -EINTR. */
long io_ring_wait(struct io_ring *r, unsigned min, uint64_t deadline, const struct io_ops *ops);
/* For the operations: the file of fd (IOSQE_FIXED_FILE: of the
 * registered table), held in q->f; NULL when none (EBADF). */
struct file *io_req_file(struct io_ring *r, struct io_req *q, int fd);
/* Registered buffer idx covering [addr, addr + len): 0, or -EFAULT. */
int io_ring_buffer(struct io_ring *r, unsigned idx, uint64_t addr, uint64_t len);
/* Completions posted so far (a timeout's count is against this). */
uint64_t io_ring_completions(struct io_ring *r);
/* Ends the waiting request of user_data ud (and opcode op, unless -1)
 * with -ECANCELED; IO_CANCEL_ALL: every such one; IO_CANCEL_ANY: every
 * one waiting. How many, or -ENOENT when none. */
#define IO_CANCEL_ALL 1u
#define IO_CANCEL_ANY 4u
int io_ring_cancel(struct io_ring *r, uint64_t ud, int op, unsigned how);
/* io_uring_register's work (fs/io_uring_reg.c): 0 / a count, or -errno.
 * probe: whether issue supports an opcode. */
long io_ring_register(struct io_ring *r, unsigned op, void *arg, unsigned nr,
		      bool (*probe)(unsigned op));
/* fs/io_uring_reg.c: the registrations, dropped with the instance. */
void io_ring_unregister_all(struct io_ring *r);

/* ---- private to fs/io_uring*.c */
struct io_ring;
/* fs/io_uring.c: CQEs ready in the ring; posts a CQE (to the overflow
 * list if the ring is full); moves the overflow into the ring as room
 * appears; takes the next SQE into a new request (1 and *out, NULL for a
 * bad index: dropped; 0 when none is left; -ENOMEM). */
uint32_t io_ring_cq_ready(struct io_ring *r);
void io_ring_post(struct io_ring *r, uint64_t ud, long res);
void io_ring_flush_overflow(struct io_ring *r);
int io_ring_take(struct io_ring *r, struct io_req **out);
/* fs/io_uring_req.c: retries the waiting requests that can go on; frees
 * every request of r (going away). */
void io_ring_run_waiting(struct io_ring *r, const struct io_ops *ops);
void io_ring_drop_requests(struct io_ring *r);
struct io_cqe_list;
struct io_ring {
	struct inode *obj; /* the memory the program maps (kernel/shmem.h) */
	uint64_t *pages;   /* its physical pages, held */
	unsigned npages;
	uint32_t sq_entries, cq_entries;
	unsigned flags;               /* IORING_SETUP_* */
	uint64_t rings_bytes;         /* header, CQEs and SQ array; the SQEs follow */
	struct io_req *waiting;       /* issued, waiting for a file or a time */
	struct io_req *deferred;      /* submitted, held back by IOSQE_IO_DRAIN */
	unsigned active;              /* requests issued or linked, not ended */
	unsigned pass;                /* run_waiting's, so each is retried once a run */
	struct io_cqe_list *overflow; /* CQEs with no room yet (FEAT_NODROP) */
	struct io_cqe_list **ov_tail; /* its last next pointer */
	unsigned noverflow;
	const struct io_ops *ops; /* the last submission's (ring polls retry with them) */
	bool running;             /* in run_waiting */
	struct io_ring *next;     /* in the list of all */
	uint64_t posted;
	struct file **files; /* registered (held), nfiles slots, NULL: none */
	unsigned nfiles;
	struct io_ubuf {
		uint64_t addr, len;
	} * bufs;
	unsigned nbufs;
	struct file *evfd; /* REGISTER_EVENTFD's, held */
};

#endif
