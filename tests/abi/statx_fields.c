/* statx_fields.c: statx's basic fields and flags. */
#include "abi.h"
#include <stdint.h>
#include <sys/syscall.h>

/* The kernel's struct xstat and flags (older C libraries lack them). */
struct xts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t pad;
};
struct xstat {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, pad1;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct xts stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t spare[14];
};
#define X_SIZE 0x200u
#define X_BASIC 0x7ffu
#define X_RESERVED 0x80000000u
#define X_FORCE_SYNC 0x2000
#define X_DONT_SYNC 0x4000

static long sx(int dfd, const char *p, int fl, unsigned mask, struct xstat *x)
{
	return syscall(SYS_statx, dfd, p, fl, mask, x);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	umask(022);
	struct xstat x;
	abi_put("f", "0123456789abcdef");
	R(symlink("f", "l"));
	memset(&x, 0, sizeof(x));
	R(sx(AT_FDCWD, "f", 0, X_BASIC, &x));
	printf("mask-basic %d mode %o nlink %u uid %u size %llu\n",
	       (x.stx_mask & X_BASIC) == X_BASIC, x.stx_mode, x.stx_nlink, x.stx_uid,
	       (unsigned long long)x.stx_size);
	R(sx(AT_FDCWD, "l", AT_SYMLINK_NOFOLLOW, X_BASIC, &x));
	printf("link mode %o size %llu\n", x.stx_mode, (unsigned long long)x.stx_size);
	int fd = R(open("f", O_RDONLY));
	R(sx(fd, "", AT_EMPTY_PATH, X_SIZE, &x));
	printf("size %llu\n", (unsigned long long)x.stx_size);
	R(sx(fd, "", 0, X_SIZE, &x));
	R(sx(AT_FDCWD, "f", 0, X_RESERVED, &x));
	R(sx(AT_FDCWD, "f", X_FORCE_SYNC | X_DONT_SYNC, X_SIZE, &x));
	R(sx(AT_FDCWD, "f", 0x40000000, X_SIZE, &x));
	R(sx(AT_FDCWD, "nope", 0, X_SIZE, &x));
	R(close(fd));
	struct stat st;
	R(stat("f", &st));
	R(sx(AT_FDCWD, "f", 0, X_BASIC, &x));
	SAY(x.stx_ino == st.st_ino);
	SAY(x.stx_mtime.tv_sec == st.st_mtim.tv_sec &&
	    x.stx_mtime.tv_nsec == (unsigned)st.st_mtim.tv_nsec);
	return 0;
}
