/* abi.h: helpers for the differential ABI programs in tests/abi/. Each
 * program exercises one area and prints what it observes, the same way on
 * Linux and in htux: results and errno names, never addresses, times or
 * pids. argv[1] names an empty or missing directory to work in (abi_init
 * makes it and enters it). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

static const char *abi_errname(int e)
{
	static char buf[32];
	switch (e) {
		/* a list of macro calls, not statements: kept as written */
		// clang-format off
#define E(x) case x: return #x;
	E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(ENXIO) E(E2BIG) E(ENOEXEC)
	E(EBADF) E(ECHILD) E(EAGAIN) E(ENOMEM) E(EACCES) E(EFAULT) E(EBUSY)
	E(EEXIST) E(EXDEV) E(ENODEV) E(ENOTDIR) E(EISDIR) E(EINVAL) E(ENFILE)
	E(EMFILE) E(ENOTTY) E(EFBIG) E(ENOSPC) E(ESPIPE) E(EROFS) E(EMLINK)
	E(EPIPE) E(EDOM) E(ERANGE) E(ENAMETOOLONG) E(ENOSYS) E(ENOTEMPTY)
	E(ELOOP) E(ENODATA) E(EOVERFLOW) E(EOPNOTSUPP) E(ETIMEDOUT)
	E(ENOTSOCK) E(EDESTADDRREQ) E(EMSGSIZE) E(EPROTOTYPE) E(ENOPROTOOPT)
	E(EPROTONOSUPPORT) E(ESOCKTNOSUPPORT) E(EAFNOSUPPORT) E(EADDRINUSE)
	E(EADDRNOTAVAIL) E(ENETUNREACH) E(ECONNABORTED) E(ECONNRESET) E(ENOBUFS)
	E(EISCONN) E(ENOTCONN) E(ECONNREFUSED) E(EALREADY) E(EINPROGRESS)
	E(EIDRM) E(ENOMSG) E(ECANCELED) E(ETIME) E(ESTALE)
#undef E
			// clang-format on
			default : snprintf(buf, sizeof(buf), "errno %d", e);
		return buf;
	}
}

static void abi_report(const char *what, long r, int e)
{
	if (r < 0)
		printf("%s = -1 %s\n", what, abi_errname(e));
	else
		printf("%s = %ld\n", what, r);
}

/* R(call): runs call, prints "call = result" or "call = -1 ENAME", and
 * yields the result. */
#define R(call) \
	({ \
		errno = 0; \
		long r_ = (long)(call); \
		int e_ = errno; \
		abi_report(#call, r_, e_); \
		r_; \
	})
/* OK(call): as R, but prints only "ok" for a non-negative result (for
 * results that differ between systems: fds, sizes, addresses). */
#define OK(call) \
	({ \
		errno = 0; \
		long r_ = (long)(call); \
		int e_ = errno; \
		if (r_ < 0) \
			printf("%s = -1 %s\n", #call, abi_errname(e_)); \
		else \
			printf("%s: ok\n", #call); \
		r_; \
	})
/* P(ptr-returning call): "ok", or the errno of a failure (NULL or
 * MAP_FAILED). */
#define P(call) \
	({ \
		errno = 0; \
		void *p_ = (void *)(call); \
		int e_ = errno; \
		if (!p_ || p_ == (void *)-1) \
			printf("%s = fail %s\n", #call, abi_errname(e_)); \
		else \
			printf("%s: ok\n", #call); \
		p_; \
	})
/* The status a child ends with to report a call's result: 0, or its errno
 * (the parent prints it with abi_child: no output of two processes to race). */
#define ABI_CHILD_RESULT(r) ((r) < 0 ? (errno ? errno : 255) : 0)
static void abi_child(const char *what, int wstatus)
{
	int c = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
	printf("%s: %s\n", what, c == 0 ? "0" : c < 0 ? "killed" : abi_errname(c));
}

/* SAY(cond): prints the condition's text and whether it holds. */
#define SAY(cond) printf("%s: %s\n", #cond, (cond) ? "yes" : "no")

static void abi_init(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* descriptors the caller left open (a test driver's) would shift
	 * every number the program prints */
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	if (argc >= 2)
		mkdir(argv[1], 0777);
	if (argc < 2 || chdir(argv[1]) != 0) {
		printf("usage: %s WORKDIR\n", argv[0]);
		exit(2);
	}
}

/* Writes the string s to a new file path. */
static void abi_put(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s)) {
		printf("cannot write %s: %s\n", path, abi_errname(errno));
		exit(3);
	}
	close(fd);
}

/* Reads at most n-1 bytes of path into buf (NUL-terminated); -1 on error. */
static long abi_get(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	size_t len = 0;
	ssize_t k;
	while (len + 1 < n && (k = read(fd, buf + len, n - 1 - len)) > 0)
		len += (size_t)k;
	buf[len] = 0;
	close(fd);
	return (long)len;
}
