/* diskops.c: file operations for the disk tests, one per argument
 * (OP:ARG[:ARG...]), each printing one line of what it saw, so that one
 * boot does many and the output compares with the host's. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

static char *field(char **s)
{
	char *f = *s, *c = f ? strchr(f, ':') : NULL;
	if (c) {
		*c = 0;
		*s = c + 1;
	} else {
		*s = NULL;
	}
	return f;
}

static int fail(const char *op, const char *path)
{
	printf("%s %s: %s\n", op, path, strerror(errno));
	return 1;
}

/* A byte pattern that differs per offset: checkable at any position. */
static unsigned char pat(long long off, int seed)
{
	return (unsigned char)(off * 7 + off / 4093 + seed);
}

/* threads:DIR:N: N threads each write then check a file of their own at once */
static const char *tdir;

static void *writer(void *arg)
{
	long k = (long)arg;
	char path[4096];
	static __thread unsigned char buf[8192];
	snprintf(path, sizeof(path), "%s/thread-%ld", tdir, k);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return (void *)1;
	for (long long off = 0; off < 1 << 20; off += sizeof(buf)) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = pat(off + i, (int)k);
		if (pwrite(fd, buf, sizeof(buf), off) != (ssize_t)sizeof(buf))
			return (void *)1;
	}
	if (fsync(fd))
		return (void *)1;
	for (long long off = 0; off < 1 << 20; off += sizeof(buf)) {
		if (pread(fd, buf, sizeof(buf), off) != (ssize_t)sizeof(buf))
			return (void *)1;
		for (size_t i = 0; i < sizeof(buf); i++)
			if (buf[i] != pat(off + i, (int)k))
				return (void *)1;
	}
	close(fd);
	return NULL;
}

static int threads(const char *dir, int n)
{
	pthread_t t[16];
	int bad = 0;
	tdir = dir;
	for (long k = 0; k < n && k < 16; k++)
		pthread_create(&t[k], NULL, writer, (void *)k);
	for (int k = 0; k < n && k < 16; k++) {
		void *r;
		pthread_join(t[k], &r);
		bad += r != NULL;
	}
	printf("threads %s: %d of %d wrong\n", dir, bad, n);
	return bad != 0;
}

static volatile long ticks;
static void tick(int sig)
{
	(void)sig;
	ticks++;
}

static int run(char *arg)
{
	char *op = field(&arg), *a = field(&arg), *b = field(&arg), *c = field(&arg);
	if (!strcmp(op, "write") || !strcmp(op, "append")) { /* write:PATH:TEXT */
		int fd = open(a, O_WRONLY | O_CREAT | (op[0] == 'w' ? O_TRUNC : O_APPEND), 0644);
		if (fd < 0 || write(fd, b, strlen(b)) != (ssize_t)strlen(b) || close(fd))
			return fail(op, a);
		printf("%s %s ok\n", op, a);
	} else if (!strcmp(op, "cat")) { /* cat:PATH */
		char buf[4096];
		int fd = open(a, O_RDONLY);
		if (fd < 0)
			return fail(op, a);
		ssize_t n;
		printf("%s %s: [", op, a);
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			fwrite(buf, 1, n, stdout);
		printf("]\n");
		close(fd);
	} else if (!strcmp(op, "pattern") || !strcmp(op, "check")) { /* pattern:PATH:SIZE:SEED */
		long long size = atoll(b), done = 0;
		int seed = c ? atoi(c) : 0;
		int fd = op[0] == 'p' ? open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644)
				      : open(a, O_RDONLY);
		if (fd < 0)
			return fail(op, a);
		static unsigned char buf[65536];
		while (done < size) {
			size_t n = size - done < (long long)sizeof(buf) ? size - done : sizeof(buf);
			if (op[0] == 'p') {
				for (size_t i = 0; i < n; i++)
					buf[i] = pat(done + i, seed);
				if (write(fd, buf, n) != (ssize_t)n)
					return fail(op, a);
			} else {
				if (read(fd, buf, n) != (ssize_t)n)
					return fail(op, a);
				for (size_t i = 0; i < n; i++)
					if (buf[i] != pat(done + i, seed)) {
						printf("check %s: wrong byte at %lld\n", a,
						       done + (long long)i);
						return 1;
					}
			}
			done += n;
		}
		if (op[0] == 'c' && read(fd, buf, 1) != 0) {
			printf("check %s: longer than %lld\n", a, size);
			return 1;
		}
		close(fd);
		printf("%s %s %lld ok\n", op, a, size);
	} else if (!strcmp(op, "fsync")) { /* fsync:PATH:TEXT */
		int fd = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, b, strlen(b)) != (ssize_t)strlen(b) || fsync(fd))
			return fail(op, a);
		printf("fsync %s returned\n", a);
		fflush(stdout);
		close(fd);
	} else if (!strcmp(op, "osync")) { /* osync:PATH:TEXT: O_SYNC write */
		int fd = open(a, O_WRONLY | O_CREAT | O_TRUNC | O_SYNC, 0644);
		if (fd < 0 || write(fd, b, strlen(b)) != (ssize_t)strlen(b))
			return fail(op, a);
		printf("osync %s written\n", a);
		close(fd);
	} else if (!strcmp(op, "fill")) { /* fill:PATH: until an error */
		int fd = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return fail(op, a);
		static char buf[65536];
		memset(buf, 'x', sizeof(buf));
		long long total = 0;
		ssize_t n;
		while ((n = write(fd, buf, sizeof(buf))) > 0)
			total += n;
		printf("fill %s: %s after %s bytes\n", a, n < 0 ? strerror(errno) : "end",
		       total > 0 ? "some" : "no");
		if (close(fd))
			return fail("close", a);
	} else if (!strcmp(op, "files")) { /* files:DIR:N */
		int n = atoi(b), i;
		for (i = 0; i < n; i++) {
			char p[4096];
			snprintf(p, sizeof(p), "%s/file-with-a-long-name-%04d", a, i);
			int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
			if (fd < 0)
				break;
			close(fd);
		}
		printf("files %s: %d made%s%s\n", a, i, i < n ? ", then " : "",
		       i < n ? strerror(errno) : "");
	} else if (!strcmp(op, "count")) { /* count:DIR */
		DIR *d = opendir(a);
		if (!d)
			return fail(op, a);
		int n = 0;
		while (readdir(d))
			n++;
		closedir(d);
		printf("count %s: %d entries\n", a, n);
	} else if (!strcmp(op, "pwrite")) { /* pwrite:PATH:OFF:TEXT */
		int fd = open(a, O_WRONLY | O_CREAT, 0644);
		if (fd < 0 || pwrite(fd, c, strlen(c), atoll(b)) != (ssize_t)strlen(c) || close(fd))
			return fail(op, a);
		struct stat st;
		stat(a, &st);
		printf("pwrite %s: size %lld\n", a, (long long)st.st_size);
	} else if (!strcmp(op, "truncate")) { /* truncate:PATH:LEN */
		if (truncate(a, atoll(b)))
			return fail(op, a);
		printf("truncate %s %s ok\n", a, b);
	} else if (!strcmp(op, "mkdir") || !strcmp(op, "rmdir") || !strcmp(op, "unlink") ||
		   !strcmp(op, "mkfifo")) {
		int r = op[0] == 'u'                   ? unlink(a)
			: op[1] == 'k' && op[2] == 'd' ? mkdir(a, 0755)
			: op[0] == 'r'                 ? rmdir(a)
						       : mkfifo(a, 0644);
		if (r)
			return fail(op, a);
		printf("%s %s ok\n", op, a);
	} else if (!strcmp(op, "rename") || !strcmp(op, "link") || !strcmp(op, "symlink")) {
		int r = op[0] == 'r' ? rename(a, b) : op[0] == 'l' ? link(a, b) : symlink(a, b);
		if (r)
			return fail(op, a);
		printf("%s %s %s ok\n", op, a, b);
	} else if (!strcmp(op, "stat")) { /* stat:PATH */
		struct stat st;
		if (lstat(a, &st))
			return fail(op, a);
		printf("stat %s: mode %o nlink %lu size %lld\n", a, st.st_mode,
		       (unsigned long)st.st_nlink, (long long)st.st_size);
	} else if (!strcmp(op, "readlink")) {
		char t[4096];
		ssize_t n = readlink(a, t, sizeof(t));
		if (n < 0)
			return fail(op, a);
		printf("readlink %s: %.*s\n", a, (int)n, t);
	} else if (!strcmp(op, "mmap")) { /* mmap:PATH: MAP_PRIVATE sum */
		int fd = open(a, O_RDONLY);
		struct stat st;
		if (fd < 0 || fstat(fd, &st))
			return fail(op, a);
		unsigned char *p = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd,
					0);
		if (p == MAP_FAILED)
			return fail(op, a);
		unsigned long sum = 0;
		for (off_t i = 0; i < st.st_size; i++)
			sum = sum * 31 + p[i];
		p[0] ^= 1; /* private: never reaches the file */
		printf("mmap %s: sum %lu\n", a, sum);
		munmap(p, st.st_size);
		close(fd);
	} else if (!strcmp(op, "statfs")) { /* statfs:PATH */
		struct statfs s;
		if (statfs(a, &s))
			return fail(op, a);
		printf("statfs %s: type %lx bsize %ld blocks %ld free %ld files %ld ffree %ld\n", a,
		       (long)s.f_type, (long)s.f_bsize, (long)s.f_blocks, (long)s.f_bfree,
		       (long)s.f_files, (long)s.f_ffree);
	} else if (!strcmp(op, "cwd")) { /* cwd:DIR: chdir, getcwd, .. */
		char buf[4096];
		if (chdir(a) || !getcwd(buf, sizeof(buf)))
			return fail(op, a);
		printf("cwd %s: %s", a, buf);
		if (chdir("..") || !getcwd(buf, sizeof(buf)))
			return fail(op, "..");
		printf(", up %s\n", buf);
	} else if (!strcmp(op, "orphan")) { /* orphan:PATH: open, unlinked */
		int fd = open(a, O_RDWR | O_CREAT | O_TRUNC, 0644);
		char buf[16] = "";
		if (fd < 0 || write(fd, "still here", 10) != 10 || unlink(a) ||
		    pread(fd, buf, sizeof(buf) - 1, 0) != 10)
			return fail(op, a);
		printf("orphan %s: %s\n", a, buf); /* fd stays open until exit */
	} else if (!strcmp(op, "shared") || !strcmp(op, "shared-nosync")) {
		/* shared:PATH:TEXT: written through MAP_SHARED, then msync and
		 * munmap, or (shared-nosync) left for the exit to write back */
		int fd = open(a, O_RDWR);
		if (fd < 0)
			return fail(op, a);
		char *p = mmap(NULL, strlen(b), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return fail(op, a);
		memcpy(p, b, strlen(b));
		if (op[6] != '-' && (msync(p, strlen(b), MS_SYNC) || munmap(p, strlen(b))))
			return fail(op, a);
		close(fd);
		printf("%s %s ok\n", op, a);
	} else if (!strcmp(op, "threads")) {
		return threads(a, atoi(b));
	} else if (!strcmp(op, "alarms")) { /* alarms: SIGALRM every ms */
		struct sigaction sa = { .sa_handler = tick, .sa_flags = SA_RESTART };
		struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
		sigaction(SIGALRM, &sa, NULL);
		setitimer(ITIMER_REAL, &it, NULL);
		printf("alarms on\n");
	} else if (!strcmp(op, "sync")) {
		sync();
		printf("sync done\n");
	} else if (!strcmp(op, "hang")) { /* hang: wait to be killed */
		for (;;)
			pause();
	} else {
		printf("unknown op %s\n", op);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int st = 0;
	for (int i = 1; i < argc; i++) {
		st |= run(argv[i]);
		fflush(stdout);
	}
	return st;
}
