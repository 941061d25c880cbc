/* mknod.c: mknod and mknodat: regular files, FIFOs (named pipes: opens,
 * data through them, ESPIPE), device numbers, and the errors. */
#include "abi.h"
#include <signal.h>
#include <sys/sysmacros.h>

static void show(const char *p)
{
	struct stat st;
	if (lstat(p, &st) != 0) {
		printf("%s: %s\n", p, abi_errname(errno));
		return;
	}
	const char *t = S_ISREG(st.st_mode)    ? "reg"
			: S_ISFIFO(st.st_mode) ? "fifo"
			: S_ISCHR(st.st_mode)  ? "chr"
			: S_ISBLK(st.st_mode)  ? "blk"
			: S_ISSOCK(st.st_mode) ? "sock"
					       : "other";
	printf("%s: %s mode %o size %ld nlink %ld", p, t, st.st_mode & 07777, (long)st.st_size,
	       (long)st.st_nlink);
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		printf(" rdev %u:%u", major(st.st_rdev), minor(st.st_rdev));
	printf("\n");
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	umask(022);
	R(mknod("reg", S_IFREG | 0666, 0));
	show("reg");
	R(mknod("reg0", 0640, 0));
	show("reg0");
	R(mknod("fifo", S_IFIFO | 0666, 0));
	show("fifo");
	R(mkfifo("fifo2", 0600));
	show("fifo2");
	R(mknod("chr", S_IFCHR | 0600, makedev(1, 3)));
	show("chr");
	R(mknod("blk", S_IFBLK | 0600, makedev(7, 300)));
	show("blk");
	R(mknod("sock", S_IFSOCK | 0600, 0));
	show("sock");
	int dfd = R(open(".", O_RDONLY | O_DIRECTORY));
	R(mknodat(dfd, "fifo3", S_IFIFO | 0644, 0));
	show("fifo3");
	R(close(dfd));
	/* errors */
	R(mknod("reg", S_IFREG | 0600, 0));
	R(mknod("dir", S_IFDIR | 0755, 0));
	R(mknod("bad", 0170000 | 0600, 0));
	R(mknod("nodir/x", S_IFIFO | 0600, 0));
	R(mknod("x/", S_IFIFO | 0600, 0));
	R(mknod("reg/x", S_IFIFO | 0600, 0));
	/* a FIFO: nonblocking opens */
	R(open("fifo", O_WRONLY | O_NONBLOCK));
	int r = R(open("fifo", O_RDONLY | O_NONBLOCK));
	char buf[32];
	R(read(r, buf, sizeof(buf)));
	int w = R(open("fifo", O_WRONLY | O_NONBLOCK));
	R(read(r, buf, sizeof(buf)));
	R(write(w, "through", 7));
	memset(buf, 0, sizeof(buf));
	R(read(r, buf, sizeof(buf)));
	printf("read: %s\n", buf);
	R(lseek(r, 0, SEEK_SET));
	R(pread(r, buf, 1, 0));
	show("fifo");
	R(close(w));
	R(read(r, buf, sizeof(buf)));
	R(close(r));
	/* O_RDWR does not wait; the data goes with the last close */
	int rw = R(open("fifo", O_RDWR));
	R(write(rw, "kept?", 5));
	R(close(rw));
	rw = R(open("fifo", O_RDWR | O_NONBLOCK));
	R(read(rw, buf, sizeof(buf)));
	R(write(rw, "abc", 3));
	r = R(open("fifo", O_RDONLY));
	memset(buf, 0, sizeof(buf));
	R(read(r, buf, sizeof(buf)));
	printf("read: %s\n", buf);
	R(close(r));
	R(close(rw));
	/* a writer alone: EPIPE */
	r = R(open("fifo", O_RDONLY | O_NONBLOCK));
	w = R(open("fifo", O_WRONLY));
	R(close(r));
	R(write(w, "x", 1));
	R(close(w));
	R(unlink("fifo"));
	R(unlink("fifo2"));
	R(unlink("fifo3"));
	R(unlink("chr"));
	R(unlink("blk"));
	R(unlink("sock"));
	return 0;
}
