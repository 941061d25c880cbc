/* openat2.c: openat2: struct open_how's size (EINVAL, E2BIG, zero tail
 * accepted), flag, mode and resolve checks, RESOLVE_NO_SYMLINKS (ELOOP),
 * RESOLVE_NO_MAGICLINKS (/proc/self/exe, /proc/self/fd/N: ELOOP),
 * RESOLVE_BENEATH (EXDEV for "..", absolute paths and absolute symlinks
 * that leave the directory), RESOLVE_IN_ROOT (the directory is "/"),
 * RESOLVE_NO_XDEV (EXDEV into /proc), RESOLVE_CACHED (EAGAIN with
 * O_CREAT). */
#include "abi.h"
#include <stdint.h>
#include <sys/syscall.h>

#ifndef RESOLVE_NO_XDEV
#define RESOLVE_NO_XDEV 0x01
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS 0x04
#define RESOLVE_BENEATH 0x08
#define RESOLVE_IN_ROOT 0x10
#define RESOLVE_CACHED 0x20
#endif

struct how {
	uint64_t flags, mode, resolve;
	uint64_t extra[2];
};

static long o2(int dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve)
{
	struct how h = { flags, mode, resolve, { 0, 0 } };
	long fd = syscall(SYS_openat2, dirfd, path, &h, 24);
	return fd;
}

/* "ok: CONTENT" for an open file, else the error. */
static void show(const char *what, long fd)
{
	if (fd < 0) {
		printf("%s: %s\n", what, abi_errname(errno));
		return;
	}
	char buf[32] = "";
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	printf("%s: ok %.*s\n", what, (int)(n > 0 ? n : 0), buf);
	close(fd);
}

#define T(dirfd, path, flags, mode, res) \
	show(#path " " #flags " " #res, o2(dirfd, path, flags, mode, res))

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	R(mkdir("d", 0755));
	R(mkdir("d/sub", 0755));
	abi_put("d/f", "in d");
	abi_put("d/sub/g", "in sub");
	abi_put("top", "beside d");
	R(symlink("f", "d/rel"));
	R(symlink("../top", "d/up"));
	R(symlink("/f", "d/abs"));
	R(symlink("sub/../f", "d/down"));
	int d = R(open("d", O_RDONLY | O_DIRECTORY));

	struct how h = { O_RDONLY, 0, 0, { 0, 0 } };
	R(syscall(SYS_openat2, d, "f", &h, 0));
	R(syscall(SYS_openat2, d, "f", &h, 16));
	R(syscall(SYS_openat2, d, "f", &h, 9000));
	show("size 32, zero tail", syscall(SYS_openat2, d, "f", &h, 32));
	h.extra[0] = 1;
	R(syscall(SYS_openat2, d, "f", &h, 32));
	R(syscall(SYS_openat2, d, "f", NULL, 24));

	T(d, "f", 0, 0, 0);
	T(d, "f", 1ull << 40, 0, 0);
	T(d, "f", 0, 0644, 0);
	T(d, "new", O_CREAT | O_WRONLY, 010000, 0);
	T(d, "f", 0, 0, 0x40);
	T(d, "f", 0, 0, RESOLVE_BENEATH | RESOLVE_IN_ROOT);
	T(d, "f", O_PATH | O_RDWR, 0, 0);
	T(d, "sub", O_CREAT | O_DIRECTORY, 0, 0);
	T(d, "new", O_CREAT | O_WRONLY, 0644, RESOLVE_CACHED);
	T(d, "f", O_TRUNC | O_WRONLY, 0, RESOLVE_CACHED);
	T(d, "f", 0, 0, RESOLVE_CACHED);

	T(d, "rel", 0, 0, RESOLVE_NO_SYMLINKS);
	T(d, "rel", O_PATH | O_NOFOLLOW, 0, RESOLVE_NO_SYMLINKS);
	T(d, "rel", 0, 0, RESOLVE_NO_MAGICLINKS);
	T(d, "down", O_CREAT | O_RDONLY, 0644, RESOLVE_NO_SYMLINKS);
	T(AT_FDCWD, "d/sub/g", 0, 0, RESOLVE_NO_SYMLINKS);

	T(d, "f", 0, 0, RESOLVE_BENEATH);
	T(d, "sub/../f", 0, 0, RESOLVE_BENEATH);
	T(d, "../top", 0, 0, RESOLVE_BENEATH);
	T(d, "sub/../../top", 0, 0, RESOLVE_BENEATH);
	T(d, "/etc/passwd", 0, 0, RESOLVE_BENEATH);
	T(d, "up", 0, 0, RESOLVE_BENEATH);
	T(d, "abs", 0, 0, RESOLVE_BENEATH);
	T(d, "down", 0, 0, RESOLVE_BENEATH);
	T(d, "rel", 0, 0, RESOLVE_BENEATH);

	T(d, "../top", 0, 0, RESOLVE_IN_ROOT);
	T(d, "../../../f", 0, 0, RESOLVE_IN_ROOT);
	T(d, "/sub/g", 0, 0, RESOLVE_IN_ROOT);
	T(d, "abs", 0, 0, RESOLVE_IN_ROOT);
	T(d, "up", 0, 0, RESOLVE_IN_ROOT);
	T(d, "/", O_DIRECTORY, 0, RESOLVE_IN_ROOT);

	int fd = R(open("d/f", O_RDONLY));
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	show("fd link", o2(AT_FDCWD, link, 0, 0, 0));
	show("fd link NO_MAGICLINKS", o2(AT_FDCWD, link, 0, 0, RESOLVE_NO_MAGICLINKS));
	T(AT_FDCWD, "/proc/self/exe", O_PATH, 0, RESOLVE_NO_MAGICLINKS);
	T(AT_FDCWD, "/proc/self/exe", O_PATH, 0, RESOLVE_NO_SYMLINKS);
	T(AT_FDCWD, "/proc/self/status", O_PATH, 0, RESOLVE_NO_MAGICLINKS);
	int proc = R(open("/proc/self", O_RDONLY | O_DIRECTORY));
	T(proc, "exe", O_PATH, 0, RESOLVE_BENEATH);
	T(proc, "status", O_PATH, 0, RESOLVE_BENEATH);

	int root = R(open("/", O_RDONLY | O_DIRECTORY));
	T(root, "proc/self/status", O_PATH, 0, RESOLVE_NO_XDEV);
	T(d, "sub/g", 0, 0, RESOLVE_NO_XDEV);
	T(d, "../d/f", 0, 0, RESOLVE_NO_XDEV);
	T(d, "../top", 0, 0, RESOLVE_NO_SYMLINKS);
	T(d, "f", O_DIRECTORY, 0, RESOLVE_BENEATH);
	T(d, "nope", 0, 0, RESOLVE_BENEATH);
	T(99, "f", 0, 0, RESOLVE_BENEATH);
	T(fd, "f", 0, 0, RESOLVE_BENEATH);
	return 0;
}
