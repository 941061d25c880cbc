/* fhandle.c: name_to_handle_at and open_by_handle_at on the work
 * directory's filesystem (a tmpfs on the host, the RAM filesystem in
 * htux; tests/boot/ext2_abi.sh runs it on an ext2 disk): sizes and
 * types, EOVERFLOW with the size needed, the same handle for the same
 * file (symlinks followed or not, AT_EMPTY_PATH), the mount id,
 * reopening (the same inode and bytes), a deleted file's ESTALE,
 * CAP_DAC_READ_SEARCH, and the errors of bad flags, sizes and pointers.
 * Handle bytes differ by nature: only their sizes and comparisons show. */
#include "abi.h"
#include <stdint.h>
#include <sys/mman.h>
#include <sys/vfs.h>

#ifndef AT_HANDLE_FID
#define AT_HANDLE_FID 0x200
#endif
#define HSIZE (sizeof(struct file_handle) + MAX_HANDLE_SZ)

/* The size of a handle where the work directory is: Linux's tmpfs's
 * (inode number and generation, 12 bytes) or ext2's and ext4's (8). */
static unsigned fs_size(void)
{
	struct statfs s;
	if (statfs(".", &s))
		return 0;
	return s.f_type == 0xEF53 ? 8 : s.f_type == 0x01021994 ? 12 : 1;
}

static struct file_handle *new_handle(unsigned room)
{
	struct file_handle *h = calloc(1, HSIZE);
	h->handle_bytes = room;
	return h;
}

/* The handle of path (flags as name_to_handle_at's), or NULL. */
static struct file_handle *handle_of(int dirfd, const char *path, int flags, int *mnt)
{
	struct file_handle *h = new_handle(MAX_HANDLE_SZ);
	if (name_to_handle_at(dirfd, path, h, mnt, flags)) {
		printf("handle of %s: %s\n", path, abi_errname(errno));
		free(h);
		return NULL;
	}
	return h;
}

static int same(const struct file_handle *a, const struct file_handle *b)
{
	return a && b && a->handle_bytes == b->handle_bytes && a->handle_type == b->handle_type &&
	       !memcmp(a->f_handle, b->f_handle, a->handle_bytes);
}

/* Opens h and says whether it is path's inode and what it holds. */
static void reopen(int mfd, struct file_handle *h, int flags, const char *path)
{
	int fd = open_by_handle_at(mfd, h, flags);
	if (fd < 0) {
		printf("open_by_handle_at(%s, %#x) = -1 %s\n", path, flags, abi_errname(errno));
		return;
	}
	struct stat a, b;
	char buf[64] = "";
	fstat(fd, &a);
	stat(path, &b);
	if (S_ISREG(a.st_mode) && !(flags & O_PATH)) {
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = 0;
	}
	printf("open_by_handle_at(%s, %#x): same inode %s, %s\"%s\"\n", path, flags,
	       a.st_ino == b.st_ino && a.st_dev == b.st_dev ? "yes" : "no",
	       S_ISDIR(a.st_mode) ? "a directory " : "", buf);
	close(fd);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	abi_put("f", "the file f\n");
	abi_put("g", "another file\n");
	R(symlink("f", "l"));
	R(mkdir("d", 0755));
	int mnt = -1, mnt2 = -2;

	printf("-- sizes\n");
	struct file_handle *h = new_handle(0);
	R(name_to_handle_at(AT_FDCWD, "f", h, &mnt, 0));
	unsigned need = h->handle_bytes;
	printf("needed: %s, type %d\n", need == fs_size() ? "the filesystem's size" : "other",
	       h->handle_type);
	h->handle_bytes = need - 1;
	R(name_to_handle_at(AT_FDCWD, "f", h, &mnt, 0));
	SAY(h->handle_bytes == need);
	h->handle_bytes = need + 1;
	R(name_to_handle_at(AT_FDCWD, "f", h, &mnt, 0));
	SAY(h->handle_bytes == need);
	printf("type %d\n", h->handle_type);
	h->handle_bytes = MAX_HANDLE_SZ + 1;
	R(name_to_handle_at(AT_FDCWD, "f", h, &mnt, 0));
	free(h);

	printf("-- the same file, the same handle\n");
	struct file_handle *f = handle_of(AT_FDCWD, "f", 0, &mnt);
	struct file_handle *f2 = handle_of(AT_FDCWD, "./d/../f", 0, &mnt2);
	struct file_handle *g = handle_of(AT_FDCWD, "g", 0, &mnt2);
	struct file_handle *l = handle_of(AT_FDCWD, "l", 0, &mnt2);
	struct file_handle *lf = handle_of(AT_FDCWD, "l", AT_SYMLINK_FOLLOW, &mnt2);
	struct file_handle *d = handle_of(AT_FDCWD, "d", 0, &mnt2);
	int ffd = open("f", O_RDONLY);
	struct file_handle *fe = handle_of(ffd, "", AT_EMPTY_PATH, &mnt2);
	SAY(same(f, f2));
	SAY(same(f, g));
	SAY(same(f, l));
	SAY(same(f, lf));
	SAY(same(f, fe));
	SAY(same(f, d));
	SAY(mnt == mnt2);
	uint64_t mnt64 = 0;
	R(name_to_handle_at(AT_FDCWD, "f", f2, (int *)&mnt64, 0x001 /* AT_HANDLE_MNT_ID_UNIQUE */));
	SAY(same(f, f2));
	R(name_to_handle_at(ffd, "", f2, &mnt2, 0));
	R(name_to_handle_at(AT_FDCWD, "f", f2, &mnt2, 0x100));
	R(name_to_handle_at(AT_FDCWD, "f", f2, &mnt2, AT_NO_AUTOMOUNT));
	R(name_to_handle_at(AT_FDCWD, "missing", f2, &mnt2, 0));
	R(name_to_handle_at(AT_FDCWD, "f/", f2, &mnt2, 0));
	R(name_to_handle_at(-1, "f", f2, &mnt2, 0));
	R(name_to_handle_at(AT_FDCWD, "f", (struct file_handle *)8, &mnt2, 0));
	R(name_to_handle_at(AT_FDCWD, "f", f2, (int *)8, 0));
	R(name_to_handle_at(AT_FDCWD, (char *)8, f2, &mnt2, 0));
	R(name_to_handle_at(AT_FDCWD, "/proc/self/status", f2, &mnt2, 0));
	/* AT_HANDLE_CONNECTABLE (Linux 6.13): neither tmpfs nor ours; not with
	 * AT_HANDLE_FID, which /proc has (they do not open) */
	R(name_to_handle_at(AT_FDCWD, "f", f2, &mnt2, 0x002));
	R(name_to_handle_at(AT_FDCWD, "d", f2, &mnt2, 0x002));
	R(name_to_handle_at(AT_FDCWD, "f", f2, &mnt2, 0x002 | AT_HANDLE_FID));
	R(name_to_handle_at(AT_FDCWD, "f", f2, &mnt2, AT_HANDLE_FID));
	SAY(same(f, f2));
	struct file_handle *pf = new_handle(4);
	R(name_to_handle_at(AT_FDCWD, "/proc/self/status", pf, &mnt2, AT_HANDLE_FID));
	printf("size %u, type %#x\n", pf->handle_bytes, pf->handle_type);
	pf->handle_bytes = MAX_HANDLE_SZ;
	R(name_to_handle_at(AT_FDCWD, "/proc/self/status", pf, &mnt2, AT_HANDLE_FID));
	printf("size %u, type %#x\n", pf->handle_bytes, pf->handle_type);
	int pfd = open("/proc/self", O_RDONLY | O_DIRECTORY);
	R(open_by_handle_at(pfd, pf, O_RDONLY));
	R(open_by_handle_at(AT_FDCWD, pf, O_RDONLY));
	close(pfd);

	printf("-- reopening\n");
	int dfd = open(".", O_RDONLY | O_DIRECTORY);
	reopen(dfd, f, O_RDONLY, "f");
	reopen(AT_FDCWD, f, O_RDONLY | O_CLOEXEC, "f");
	reopen(ffd, g, O_RDONLY, "g");
	reopen(dfd, d, O_RDONLY, "d");
	reopen(dfd, d, O_RDONLY | O_DIRECTORY, "d");
	reopen(dfd, d, O_WRONLY, "d");
	reopen(dfd, f, O_RDONLY | O_DIRECTORY, "f");
	reopen(dfd, l, O_RDONLY, "l");
	reopen(dfd, l, O_PATH | O_NOFOLLOW, "l");
	reopen(dfd, lf, O_PATH, "f");
	int wfd = open_by_handle_at(dfd, f, O_WRONLY | O_TRUNC);
	printf("write through the handle: %zd\n", write(wfd, "new bytes\n", 10));
	close(wfd);
	reopen(dfd, f, O_RDONLY, "f");
	int cfd = open_by_handle_at(dfd, f, O_RDONLY | O_CLOEXEC);
	printf("cloexec %d\n", fcntl(cfd, F_GETFD));
	close(cfd);

	printf("-- errors\n");
	R(open_by_handle_at(-1, f, O_RDONLY));
	R(open_by_handle_at(999, f, O_RDONLY));
	R(open_by_handle_at(dfd, (struct file_handle *)8, O_RDONLY));
	struct file_handle *bad = new_handle(0);
	memcpy(bad, f, HSIZE);
	bad->handle_bytes = 0;
	R(open_by_handle_at(dfd, bad, O_RDONLY));
	bad->handle_bytes = MAX_HANDLE_SZ + 1;
	R(open_by_handle_at(dfd, bad, O_RDONLY));
	bad->handle_bytes = f->handle_bytes;
	bad->handle_type = -1;
	R(open_by_handle_at(dfd, bad, O_RDONLY));
	bad->handle_type = f->handle_type | 0x40000;
	R(open_by_handle_at(dfd, bad, O_RDONLY));
	bad->handle_type = f->handle_type;
	for (unsigned i = 0; i < bad->handle_bytes; i++)
		bad->f_handle[i] ^= 0xff;
	R(open_by_handle_at(dfd, bad, O_RDONLY));
	/* the handle's bytes end where the memory does */
	char *pg = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(pg + 4096, 4096);
	struct file_handle *edge = (struct file_handle *)(pg + 4096 - sizeof(*f) - 4);
	memcpy(edge, f, sizeof(*f) + 4);
	R(open_by_handle_at(dfd, edge, O_RDONLY));

	printf("-- deleted\n");
	R(unlink("g"));
	R(open_by_handle_at(dfd, g, O_RDONLY));
	abi_put("h", "short-lived\n");
	struct file_handle *hh = handle_of(AT_FDCWD, "h", 0, &mnt2);
	int hfd = open("h", O_RDONLY);
	R(unlink("h"));
	int ofd = R(open_by_handle_at(dfd, hh, O_RDONLY));
	close(ofd);
	R(rmdir("d"));
	R(open_by_handle_at(dfd, d, O_RDONLY));
	R(close(hfd));
	R(open_by_handle_at(dfd, hh, O_RDONLY));

	printf("-- without CAP_DAC_READ_SEARCH\n");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		if (setresuid(1000, 1000, 1000))
			_exit(99);
		struct file_handle *n = handle_of(dfd, "f", 0, &mnt2);
		printf("name_to_handle_at as a user: %s\n", same(n, f) ? "the same" : "differs");
		R(open_by_handle_at(dfd, f, O_RDONLY));
		R(open_by_handle_at(-1, f, O_RDONLY));
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	abi_child("child", st);
	return 0;
}
