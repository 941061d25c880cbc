/* The program bench/disk runs in both guests (htux and Linux): sequential
 * file I/O on a mounted disk, in 1 MiB system calls.
 *
 *   disk_bench write DIR MIB   creates DIR/disk_bench.dat, writes MIB MiB
 *                              to it, fsyncs it, then reads it back (the
 *                              "warm" read: whatever the kernel kept)
 *   disk_bench read DIR MIB    reads DIR/disk_bench.dat back (the "cold"
 *                              read, in a fresh boot)
 *
 * Each measurement is a line "NAME MIB MiB SECONDS s MBPS MB/s" (MB = 10^6
 * bytes), the time by clock_gettime(CLOCK_MONOTONIC) around the system
 * calls only (making and checking the data is not timed):
 *
 *   write        the write() calls (until the data is in the kernel)
 *   write_fsync  the write() calls and the fsync() after them
 *   warm_read    the read() calls of the read-back in the same boot
 *   cold_read    the read() calls in the read mode
 *
 * Every MiB read is compared with what was written: the data is a fixed
 * pseudo-random MiB in which the first 8 bytes of every 4 KiB are the
 * file offset of that 4 KiB, so a misplaced, lost or zeroed block is
 * caught. A failure prints "NAME FAILED: why" and exits with 1. The last
 * line is "done SECONDS s", the time of all the measured calls.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (1u << 20)
#define PAGE 4096u

static unsigned char *want, *buf;
static double total_s;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fail(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

static void fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s FAILED: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}

/* The fixed pseudo-random MiB (xorshift64), built once. */
static void make_data(void)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;

	for (size_t i = 0; i < CHUNK; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(want + i, &x, 8);
	}
}

/* Stamps the offset of each 4 KiB into want for the MiB at offset off. */
static void stamp(uint64_t off)
{
	for (size_t i = 0; i < CHUNK; i += PAGE) {
		uint64_t v = (off + i) ^ 0x5a5a000000000000ull;
		memcpy(want + i, &v, 8);
	}
}

static void report(const char *name, unsigned mib, double s)
{
	double mb = (double)mib * CHUNK / 1e6;

	printf("%s %u MiB %.3f s %.1f MB/s\n", name, mib, s, s > 0 ? mb / s : 0);
	fflush(stdout);
}

static void do_write(const char *path, unsigned mib)
{
	double w = 0, t0, t1;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		fail("write", "open %s: %s", path, strerror(errno));
	for (unsigned m = 0; m < mib; m++) {
		stamp((uint64_t)m * CHUNK);
		t0 = now();
		size_t done = 0;
		while (done < CHUNK) {
			ssize_t n = write(fd, want + done, CHUNK - done);
			if (n <= 0)
				fail("write", "write at %u MiB: %s", m,
				     n < 0 ? strerror(errno) : "wrote 0");
			done += n;
		}
		w += now() - t0;
	}
	report("write", mib, w);
	t0 = now();
	if (fsync(fd) != 0)
		fail("write_fsync", "fsync: %s", strerror(errno));
	t1 = now();
	report("write_fsync", mib, w + (t1 - t0));
	total_s += w + (t1 - t0);
	if (close(fd) != 0)
		fail("write_fsync", "close: %s", strerror(errno));
}

static void do_read(const char *name, const char *path, unsigned mib)
{
	double r = 0, t0;
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		fail(name, "open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0)
		fail(name, "fstat: %s", strerror(errno));
	if ((uint64_t)st.st_size != (uint64_t)mib * CHUNK)
		fail(name, "the file has %lld bytes, not %llu", (long long)st.st_size,
		     (unsigned long long)mib * CHUNK);
	for (unsigned m = 0; m < mib; m++) {
		size_t done = 0;
		t0 = now();
		while (done < CHUNK) {
			ssize_t n = read(fd, buf + done, CHUNK - done);
			if (n <= 0)
				fail(name, "read at %u MiB: %s", m,
				     n < 0 ? strerror(errno) : "end of file");
			done += n;
		}
		r += now() - t0;
		stamp((uint64_t)m * CHUNK);
		if (memcmp(buf, want, CHUNK) != 0) {
			size_t i = 0;
			while (buf[i] == want[i])
				i++;
			fail(name, "wrong data at byte %llu", (unsigned long long)m * CHUNK + i);
		}
	}
	char c;
	if (read(fd, &c, 1) != 0)
		fail(name, "data past the end");
	close(fd);
	report(name, mib, r);
	total_s += r;
}

int main(int argc, char **argv)
{
	char path[4096];
	unsigned mib;

	if (argc != 4 || (strcmp(argv[1], "write") && strcmp(argv[1], "read")) ||
	    (mib = strtoul(argv[3], NULL, 10)) == 0) {
		fprintf(stderr, "usage: disk_bench write|read DIR MIB\n");
		return 2;
	}
	snprintf(path, sizeof path, "%s/disk_bench.dat", argv[2]);
	want = aligned_alloc(PAGE, CHUNK);
	buf = aligned_alloc(PAGE, CHUNK);
	if (!want || !buf)
		fail(argv[1], "out of memory");
	make_data();
	if (!strcmp(argv[1], "write")) {
		do_write(path, mib);
		do_read("warm_read", path, mib);
	} else {
		do_read("cold_read", path, mib);
	}
	printf("done %.3f s\n", total_s);
	return 0;
}
