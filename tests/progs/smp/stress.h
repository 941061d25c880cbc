/* stress.h: what the parts of the SMP stress program (stress.c,
 * stress_sig.c, stress_mem.c, stress_io.c) share: the part list, progress
 * and failure records, the stop flags, thread spawning, small helpers. */
#ifndef SMP_STRESS_H
#define SMP_STRESS_H
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stdint.h>
#include <stddef.h>

/* <linux/futex.h> is not in musl-gcc's headers */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | 128)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | 128)

enum part {
	P_FUTEX,
	P_CONDVAR,
	P_MUTEX,
	P_PIPE,
	P_PIPE_PROC,
	P_FUTEX_PROC,
	P_MMAP,
	P_MPROTECT,
	P_FORK,
	P_SIGNAL,
	P_UNIX,
	P_TCP,
	NPART
};

/* Set when the run's time is up: workers finish their round and return. */
extern atomic_int stop;
/* Set once the signal senders are done: the signal targets return. */
extern atomic_int stop_targets;

/* One round of PART done (the watchdog watches these). */
void progress(int part);
/* PART saw something wrong: recorded, printed at the end. */
void fail(int part, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Starts FN(ARG) on a new thread counted under PART. */
void spawn(int part, void *(*fn)(void *), void *arg);

/* xorshift64 */
static inline uint64_t rnd(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

uint32_t checksum(const unsigned char *p, size_t n);
void fill(unsigned char *p, size_t n, uint64_t seed);
/* read / write exactly N bytes: 0, or -1 (EOF or error) */
int read_full(int fd, void *buf, size_t n);
int write_full(int fd, const void *buf, size_t n);
long futex(atomic_int *uaddr, int op, int val, long timeout_ms);
long gettid_(void);

/* The parts: each starts its threads (and processes). */
void start_futex(void);
void start_condvar(void);
void start_mutex(void);
void start_pipe(void);
void start_fork(void);
void start_signal(void);
void start_mmap(void);
void start_mprotect(void);
void start_pipe_proc(void);
void start_futex_proc(void);
void start_unix(void);
void start_tcp(void);

/* signal targets: they outlive their senders */
#define SIG_TARGETS 2
/* signals the handler saw on a thread that was not their target */
int signal_stray(void);

/* stress_mem.c's SIGSEGV handler, installed by main */
void segv_handler(int sig);

#endif
