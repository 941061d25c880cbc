/* close_blocked.c: a descriptor closed by one thread while another is
 * blocked reading it: the read goes on and gets what is written later
 * (the open file lives while a call uses it), as readv does; new calls on
 * the closed number give EBADF. */
#include "abi.h"
#include <pthread.h>
#include <sys/uio.h>
#include <time.h>

static int rfd;
static char got[8];

static void *reader(void *vec)
{
	long r;
	if (vec) {
		struct iovec v = { got, sizeof(got) };
		r = readv(rfd, &v, 1);
	} else {
		r = read(rfd, got, sizeof(got));
	}
	return (void *)r;
}

static void scenario(const char *name, int vec)
{
	int p[2];
	pthread_t t;
	void *res;
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	memset(got, 0, sizeof(got));
	R(pipe(p));
	rfd = p[0];
	pthread_create(&t, NULL, reader, vec ? (void *)1 : NULL);
	nanosleep(&ts, NULL); /* the reader is blocked by now */
	R(close(p[0]));       /* while the reader is blocked on it */
	R(read(p[0], got, 1));
	R(write(p[1], "late", 4));
	pthread_join(t, &res);
	printf("%s: blocked reader got %ld: %s\n", name, (long)res, got);
	close(p[1]);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	scenario("read", 0);
	scenario("readv", 1);
	return 0;
}
