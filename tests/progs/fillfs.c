/* fillfs.c: fills the RAM filesystem (tests/boot/ramfs.sh): writes 1 MiB
 * at a time to a file until a write fails, prints why, and whether the
 * space comes back once the file is gone. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/statfs.h>

static char buf[1 << 20];

static long fill(const char *path, int *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	long mib = 0;
	*err = 0;
	for (;;) {
		ssize_t w = write(fd, buf, sizeof(buf));
		if (w < 0) {
			*err = errno;
			break;
		}
		if (w < (ssize_t)sizeof(buf)) {
			/* a short write: the next one says why */
			continue;
		}
		mib++;
	}
	close(fd);
	return mib;
}

int main(void)
{
	int err;
	memset(buf, 'x', sizeof(buf));
	long a = fill("/tmp/fill1", &err);
	printf("first fill: %s after %s MiB\n", err == ENOSPC ? "ENOSPC" : strerror(err),
	       a > 8 ? "more than 8" : "too few");
	struct statfs s;
	statfs("/tmp", &s);
	printf("statfs: %s\n", s.f_bfree * s.f_bsize < (2 << 20) ? "full" : "not full");
	unlink("/tmp/fill1");
	long b = fill("/tmp/fill2", &err);
	printf("after unlink: %s, same room: %s\n", err == ENOSPC ? "ENOSPC" : strerror(err),
	       b >= a - 1 && b <= a + 1 ? "yes" : "no");
	unlink("/tmp/fill2");
	return 0;
}
