/* stress_mem.c: the memory and process parts of the SMP stress program
 * (stress.c): a region replaced (mmap MAP_FIXED) and protected while other
 * threads read it, private regions mapped, checked, protected and unmapped
 * (faults caught and counted only where they must happen), pipes to forked
 * children, and a futex and memory shared with forked children. */
#include "stress.h"
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* A thread that expects a fault points this at its jump buffer. */
static __thread sigjmp_buf *segv_jb;

void segv_handler(int sig)
{
	static const char msg[] = "FAIL unexpected SIGSEGV\n";

	(void)sig;
	if (segv_jb)
		siglongjmp(*segv_jb, 1);
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	_exit(1);
}

/* probe: reads (or writes, WRITE) *P; 1 if that faulted; *VAL the value */
static int probe(volatile uint64_t *p, int write, uint64_t *val)
{
	sigjmp_buf jb;

	if (sigsetjmp(jb, 1)) {
		segv_jb = NULL;
		return 1;
	}
	segv_jb = &jb;
	if (write)
		*p = 1;
	else
		*val = *p;
	segv_jb = NULL;
	return 0;
}

/* ---- mmap: the mapper replaces a 4-page region by a new one stamped with
 * the next generation and flips it between PROT_NONE and PROT_READ; the
 * readers check what they read against the generation (even: stable). */

#define MPAGES 4
static char *mregion;
static atomic_ulong mgen, mchecked; /* generation; last one a reader checked */
static size_t pagesz;

static void *mapper(void *arg)
{
	unsigned long g = 0;

	(void)arg;
	while (!atomic_load(&stop)) {
		uint64_t *w;
		void *p;

		atomic_store(&mgen, ++g); /* odd: changing */
		if (mprotect(mregion, MPAGES * pagesz, PROT_NONE))
			fail(P_MMAP, "mprotect NONE: %s", strerror(errno));
		p = mmap(mregion, MPAGES * pagesz, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (p != mregion) {
			fail(P_MMAP, "mmap MAP_FIXED: %s", strerror(errno));
			return NULL;
		}
		w = p;
		for (size_t i = 0; i < MPAGES * pagesz / 8; i++)
			w[i] = (g + 1) / 2 * 1000003 + i;
		if (mprotect(mregion, MPAGES * pagesz, PROT_READ))
			fail(P_MMAP, "mprotect READ: %s", strerror(errno));
		atomic_store(&mgen, ++g); /* even: stable */
		progress(P_MMAP);
		while (atomic_load(&mchecked) != g && !atomic_load(&stop))
			usleep(200); /* until a reader has checked this generation */
	}
	return NULL;
}

static void *mreader(void *arg)
{
	uint64_t s = 31 + (uint64_t)(long)arg;

	while (!atomic_load(&stop)) {
		for (int k = 0; k < 200; k++) {
			size_t i = rnd(&s) % (MPAGES * pagesz / 8);
			unsigned long g1 = atomic_load(&mgen), g2;
			uint64_t v = 0;
			int faulted = probe((volatile uint64_t *)mregion + i, 0, &v);

			g2 = atomic_load(&mgen);
			if (g1 != g2 || g1 % 2)
				continue; /* the mapper was at work: anything goes */
			if (faulted)
				fail(P_MMAP, "fault reading a stable region (generation %lu)", g1);
			else if (v != g1 / 2 * 1000003 + i)
				fail(P_MMAP, "read %#llx at %zu in generation %lu",
				     (unsigned long long)v, i, g1);
			atomic_store(&mchecked, g1);
		}
		sched_yield();
	}
	return NULL;
}

void start_mmap(void)
{
	uint64_t *w;

	pagesz = (size_t)sysconf(_SC_PAGESIZE);
	mregion = mmap(NULL, MPAGES * pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (mregion == MAP_FAILED) {
		fail(P_MMAP, "mmap: %s", strerror(errno));
		return;
	}
	w = (uint64_t *)mregion;
	for (size_t i = 0; i < MPAGES * pagesz / 8; i++)
		w[i] = i; /* generation 0 */
	spawn(P_MMAP, mapper, NULL);
	for (long i = 0; i < 3; i++)
		spawn(P_MMAP, mreader, (void *)i);
}

/* ---- mprotect: private and shared regions, each thread its own */

static void *mprot_worker(void *arg)
{
	long id = (long)arg;
	uint64_t s = 1234 + (uint64_t)id, v;

	while (!atomic_load(&stop)) {
		size_t n = 1 + rnd(&s) % 16, words = n * pagesz / 8;
		int shared = rnd(&s) & 1;
		uint64_t *p = mmap(NULL, n * pagesz, PROT_READ | PROT_WRITE,
				   (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			fail(P_MPROTECT, "mmap %zu pages: %s", n, strerror(errno));
			return NULL;
		}
		for (size_t i = 0; i < words; i++)
			p[i] = (uint64_t)id << 48 ^ i;
		if (mprotect(p, n * pagesz, PROT_READ))
			fail(P_MPROTECT, "mprotect READ: %s", strerror(errno));
		for (size_t i = 0; i < words; i++)
			if (p[i] != ((uint64_t)id << 48 ^ i)) {
				fail(P_MPROTECT, "word %zu of %zu pages changed", i, n);
				break;
			}
		if (!probe(p + rnd(&s) % words, 1, &v))
			fail(P_MPROTECT, "no fault writing a read-only page");
		if (mprotect(p, n * pagesz, PROT_NONE))
			fail(P_MPROTECT, "mprotect NONE: %s", strerror(errno));
		if (!probe(p + rnd(&s) % words, 0, &v))
			fail(P_MPROTECT, "no fault reading a PROT_NONE page");
		if (mprotect(p, pagesz, PROT_READ | PROT_WRITE) || probe(p, 1, &v) || p[0] != 1)
			fail(P_MPROTECT, "first page not writable again");
		if (munmap(p, n * pagesz))
			fail(P_MPROTECT, "munmap: %s", strerror(errno));
		progress(P_MPROTECT);
	}
	return NULL;
}

void start_mprotect(void)
{
	for (long i = 0; i < 3; i++)
		spawn(P_MPROTECT, mprot_worker, (void *)i);
}

/* ---- pipe-proc: a round trip of a number through a forked child */

static void *pipe_proc(void *arg)
{
	int to[2], from[2], st;
	uint64_t v, s = 55 + (uint64_t)(long)arg, w;
	pid_t pid;

	if (pipe(to) || pipe(from)) {
		fail(P_PIPE_PROC, "pipe: %s", strerror(errno));
		return NULL;
	}
	pid = fork();
	if (pid == 0) {
		close(to[1]);
		close(from[0]);
		while (read_full(to[0], &v, 8) == 0 && v)
			if (write_full(from[1], (w = v * 2 + 1, &w), 8))
				_exit(1);
		_exit(v ? 1 : 0);
	}
	close(to[0]);
	close(from[1]);
	if (pid < 0) {
		fail(P_PIPE_PROC, "fork: %s", strerror(errno));
		return NULL;
	}
	while (!atomic_load(&stop)) {
		v = rnd(&s) | 1;
		if (write_full(to[1], &v, 8) || read_full(from[0], &w, 8)) {
			fail(P_PIPE_PROC, "pipe to the child broke");
			break;
		}
		if (w != v * 2 + 1)
			fail(P_PIPE_PROC, "child answered %llu to %llu", (unsigned long long)w,
			     (unsigned long long)v);
		progress(P_PIPE_PROC);
	}
	v = 0;
	if (write_full(to[1], &v, 8))
		fail(P_PIPE_PROC, "pipe to the child broke");
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		fail(P_PIPE_PROC, "child status %#x", st);
	close(to[1]);
	close(from[0]);
	return NULL;
}

void start_pipe_proc(void)
{
	spawn(P_PIPE_PROC, pipe_proc, (void *)0L);
	spawn(P_PIPE_PROC, pipe_proc, (void *)1L);
}

/* ---- futex-proc: a shared futex (not FUTEX_PRIVATE) and a shared page
 * between a process and its child: the parent fills the page, the child
 * checks it and answers with every byte inverted */

struct shared {
	atomic_int turn; /* 0: parent's, 1: child's, 2: quit, 3: child saw bad data */
	uint32_t len, sum;
	unsigned char buf[4000];
};

static void shared_wait(atomic_int *w, int v)
{
	while (atomic_load(w) == v)
		futex(w, FUTEX_WAIT, v, 0);
}

static void shared_child(struct shared *sh)
{
	for (;;) {
		shared_wait(&sh->turn, 0);
		if (atomic_load(&sh->turn) == 2)
			_exit(0);
		if (sh->len > sizeof(sh->buf) || checksum(sh->buf, sh->len) != sh->sum) {
			atomic_store(&sh->turn, 3);
			futex(&sh->turn, FUTEX_WAKE, 1, 0);
			_exit(1);
		}
		for (uint32_t i = 0; i < sh->len; i++)
			sh->buf[i] = (unsigned char)~sh->buf[i];
		atomic_store(&sh->turn, 0);
		futex(&sh->turn, FUTEX_WAKE, 1, 0);
	}
}

static void *futex_proc(void *arg)
{
	struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint64_t s = 999 + (uint64_t)(long)arg;
	unsigned char copy[sizeof(sh->buf)];
	pid_t pid;
	int st;

	if (sh == MAP_FAILED) {
		fail(P_FUTEX_PROC, "mmap: %s", strerror(errno));
		return NULL;
	}
	pid = fork();
	if (pid == 0)
		shared_child(sh);
	if (pid < 0) {
		fail(P_FUTEX_PROC, "fork: %s", strerror(errno));
		return NULL;
	}
	while (!atomic_load(&stop)) {
		sh->len = (uint32_t)(rnd(&s) % sizeof(sh->buf));
		fill(sh->buf, sh->len, s);
		sh->sum = checksum(sh->buf, sh->len);
		memcpy(copy, sh->buf, sh->len);
		atomic_store(&sh->turn, 1);
		futex(&sh->turn, FUTEX_WAKE, 1, 0);
		shared_wait(&sh->turn, 1);
		if (atomic_load(&sh->turn) == 3) {
			fail(P_FUTEX_PROC, "the child got a page that did not match its checksum");
			break;
		}
		for (uint32_t i = 0; i < sh->len; i++)
			if (sh->buf[i] != (unsigned char)~copy[i]) {
				fail(P_FUTEX_PROC, "byte %u of %u not inverted", i, sh->len);
				break;
			}
		progress(P_FUTEX_PROC);
	}
	atomic_store(&sh->turn, 2);
	futex(&sh->turn, FUTEX_WAKE, 1, 0);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		fail(P_FUTEX_PROC, "child status %#x", st);
	munmap(sh, sizeof(*sh));
	return NULL;
}

void start_futex_proc(void)
{
	spawn(P_FUTEX_PROC, futex_proc, (void *)0L);
	spawn(P_FUTEX_PROC, futex_proc, (void *)1L);
}
