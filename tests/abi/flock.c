/* flock.c: flock locks belong to open file descriptions: shared and
 * exclusive, LOCK_NB conflicts, dup'd descriptors share a lock, the last
 * close drops it, conversions, a blocked locker woken by an unlock in
 * another thread, and the errors. */
#include "abi.h"
#include <pthread.h>
#include <sys/file.h>
#include <time.h>

static int tfd;
static volatile int got;

static void *locker(void *arg)
{
	int r = flock(tfd, LOCK_EX); /* blocks until main unlocks */
	got = r == 0 ? 1 : -1;
	return NULL;
}

static void nap(long ms)
{
	struct timespec ts = { 0, ms * 1000000 };
	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	abi_put("f", "data");
	int a = R(open("f", O_RDONLY));
	int b = R(open("f", O_RDONLY));
	R(flock(a, LOCK_SH));
	R(flock(b, LOCK_SH | LOCK_NB));
	R(flock(b, LOCK_EX | LOCK_NB));
	R(flock(a, LOCK_UN));
	/* b lost its shared lock when the upgrade failed */
	R(flock(a, LOCK_EX | LOCK_NB));
	R(flock(b, LOCK_SH | LOCK_NB));
	/* a dup shares a's lock; closing one copy keeps it */
	int c = R(dup(a));
	R(flock(c, LOCK_EX | LOCK_NB));
	R(close(a));
	R(flock(b, LOCK_SH | LOCK_NB));
	R(close(c));
	R(flock(b, LOCK_SH | LOCK_NB));
	/* downgrade and upgrade of one's own lock */
	R(flock(b, LOCK_EX | LOCK_NB));
	R(flock(b, LOCK_SH | LOCK_NB));
	R(flock(b, LOCK_SH | LOCK_NB));
	R(flock(b, LOCK_UN));
	R(flock(b, LOCK_UN));
	/* another file is not affected */
	abi_put("g", "other");
	int g = R(open("g", O_WRONLY));
	R(flock(b, LOCK_EX));
	R(flock(g, LOCK_EX | LOCK_NB));
	/* a blocked locker in another thread */
	tfd = R(open("f", O_RDWR));
	pthread_t t;
	pthread_create(&t, NULL, locker, NULL);
	nap(100);
	printf("locked while held: %d\n", got);
	R(flock(b, LOCK_UN));
	pthread_join(t, NULL);
	printf("locked after unlock: %d\n", got);
	R(flock(b, LOCK_SH | LOCK_NB));
	R(close(tfd));
	R(flock(b, LOCK_SH | LOCK_NB));
	/* errors */
	R(flock(b, 0));
	R(flock(b, LOCK_SH | LOCK_EX));
	R(flock(b, LOCK_NB));
	R(flock(99, LOCK_SH));
	int p = R(open("f", O_PATH));
	R(flock(p, LOCK_SH));
	int pp[2];
	R(pipe(pp));
	R(flock(pp[0], LOCK_EX | LOCK_NB));
	return 0;
}
