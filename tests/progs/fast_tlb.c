/* fast_tlb.c: a thread that makes light calls (getpid at a "mov $39,%eax;
 * syscall" site: rewritten in fast mode to fast_light_entry, where timer
 * interrupts land) keeps seeing the page another thread maps anew at the
 * same address. The other thread writes the next generation into a page
 * of its own, moves that page onto the address (mremap MREMAP_FIXED: the
 * old page there is unmapped, and every CPU's TLB must drop it), then
 * publishes the generation; the reader, having seen a generation
 * published, must read at least that from the address. A
 * CPU that misses the shootdown reads the old page: "stale". Runs SECONDS
 * (default 2) and prints the count of stale reads (0) and "done". */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static char *area;
static atomic_long published;
static atomic_int stop;
static long stale;

static long getpid_site(void)
{
	long r;
	__asm__ volatile("movl $39, %%eax\n\tsyscall" : "=a"(r) : : "rcx", "r11", "memory");
	return r;
}

static void *reader(void *arg)
{
	(void)arg;
	long pid = getpid();
	while (!atomic_load(&stop)) {
		for (int i = 0; i < 50; i++)
			if (getpid_site() != pid)
				stale += 1000000; /* a wrong result shows too */
		long g = atomic_load(&published);
		long v = *(volatile long *)area;
		if (v < g)
			stale++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int secs = argc > 1 ? atoi(argv[1]) : 2;
	area = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return perror("mmap"), 1;
	pthread_t t;
	if (pthread_create(&t, NULL, reader, NULL))
		return 1;
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	long gen = 0;
	do {
		gen++;
		char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			       0);
		if (p == MAP_FAILED)
			return perror("mmap"), 1;
		*(volatile long *)p = gen;
		if (mremap(p, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, area) != area)
			return perror("mremap"), 1;
		atomic_store(&published, gen);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - t0.tv_sec < secs);
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	printf("stale reads: %ld\n", stale);
	printf("done\n");
	return 0;
}
