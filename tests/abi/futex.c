/* futex.c: FUTEX_WAIT returns EAGAIN when the word differs and
 * ETIMEDOUT after its timeout, FUTEX_WAKE counts the threads it woke, a
 * waiter in another thread is woken, and the errors. */
#include "abi.h"
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)

static uint32_t word;
static volatile int woke;

static long fx(uint32_t *u, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, u, op, val, ts, NULL, 0);
}

static void *waiter(void *arg)
{
	while (__atomic_load_n(&word, __ATOMIC_SEQ_CST) == 0)
		fx(&word, FUTEX_WAIT_PRIVATE, 0, NULL);
	woke = 1;
	return NULL;
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	struct timespec ts = { 0, 20 * 1000000 };
	R(fx(&word, FUTEX_WAIT, 1, NULL));
	R(fx(&word, FUTEX_WAIT, 0, &ts));
	R(fx(&word, FUTEX_WAIT_PRIVATE, 0, &ts));
	R(fx(&word, FUTEX_WAKE, 1, NULL));
	R(fx(&word, FUTEX_WAKE_PRIVATE, 10, NULL));
	pthread_t t;
	pthread_create(&t, NULL, waiter, NULL);
	struct timespec nap = { 0, 50 * 1000000 };
	nanosleep(&nap, NULL);
	printf("woke before %d\n", woke);
	__atomic_store_n(&word, 1, __ATOMIC_SEQ_CST);
	R(fx(&word, FUTEX_WAKE_PRIVATE, 1, NULL));
	pthread_join(t, NULL);
	printf("woke after %d\n", woke);
	/* errors */
	ts.tv_nsec = 1000000000;
	R(fx(&word, FUTEX_WAIT, 1, &ts));
	R(fx(&word, 99, 0, NULL));
	R(fx((uint32_t *)((char *)&word + 1), FUTEX_WAIT, 0, NULL));
	R(fx(NULL, FUTEX_WAIT, 0, NULL));
	return 0;
}
