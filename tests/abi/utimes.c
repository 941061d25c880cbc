/* utimes.c: setting file times: utimensat (UTIME_OMIT, UTIME_NOW, no
 * follow), utimes, futimesat, utime, futimens, and the errors. */
#include "abi.h"
#include <sys/time.h>
#include <utime.h>
#include <time.h>

static void times_of(const char *p)
{
	struct stat st;
	if (lstat(p, &st) < 0) {
		printf("%s: %s\n", p, abi_errname(errno));
		return;
	}
	printf("%s: a %ld.%09ld m %ld.%09ld\n", p, (long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
	       (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	abi_put("f", "x");
	struct timespec ts[2] = { { 100, 1 }, { 200, 2 } };
	R(utimensat(AT_FDCWD, "f", ts, 0));
	times_of("f");
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1] = (struct timespec){ 300, 3 };
	R(utimensat(AT_FDCWD, "f", ts, 0));
	times_of("f");
	ts[1].tv_nsec = 1000000000;
	R(utimensat(AT_FDCWD, "f", ts, 0));
	struct timeval tv[2] = { { 400, 4 }, { 500, 5 } };
	R(utimes("f", tv));
	times_of("f");
	tv[0].tv_usec = 1000000;
	R(utimes("f", tv));
	tv[0].tv_usec = 6;
	R(futimesat(AT_FDCWD, "f", tv));
	times_of("f");
	struct utimbuf ub = { 700, 800 };
	R(utime("f", &ub));
	times_of("f");
	R(symlink("f", "l"));
	ts[0] = (struct timespec){ 900, 9 };
	ts[1] = (struct timespec){ 1000, 10 };
	R(utimensat(AT_FDCWD, "l", ts, AT_SYMLINK_NOFOLLOW));
	times_of("l");
	times_of("f");
	int fd = R(open("f", O_RDONLY));
	R(futimens(fd, ts));
	times_of("f");
	R(close(fd));
	time_t before = time(NULL);
	R(utimes("f", NULL));
	struct stat st;
	stat("f", &st);
	SAY(st.st_mtim.tv_sec >= before && st.st_mtim.tv_sec <= before + 2);
	R(utimes("missing", NULL));
	R(utimensat(AT_FDCWD, "f", NULL, 0x4000));
	return 0;
}
