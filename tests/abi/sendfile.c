/* sendfile.c: sendfile and copy_file_range between files: offsets given
 * or taken from the files, short copies at the end, errors. */
#include "abi.h"
#include <sys/sendfile.h>
#include <sys/syscall.h>

static void show(const char *p)
{
	char b[64];
	long n = abi_get(p, b, sizeof(b));
	printf("%s (%ld): %s\n", p, n, b);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	abi_put("src", "0123456789abcdef");
	int in = R(open("src", O_RDONLY));
	int out = R(open("dst", O_WRONLY | O_CREAT | O_TRUNC, 0644));
	R(sendfile(out, in, NULL, 4));
	R(lseek(in, 0, SEEK_CUR));
	off_t off = 10;
	R(sendfile(out, in, &off, 100));
	printf("off %ld\n", (long)off);
	R(lseek(in, 0, SEEK_CUR));
	R(sendfile(out, in, NULL, 0));
	off = -1;
	R(sendfile(out, in, &off, 1));
	R(sendfile(in, out, NULL, 1));
	R(sendfile(99, in, NULL, 1));
	show("dst");
	int app = R(open("dst", O_WRONLY | O_APPEND));
	R(sendfile(app, in, NULL, 1));
	R(syscall(SYS_copy_file_range, in, NULL, app, NULL, 1, 0));
	R(close(app));
	loff_t io = 2, oo = 1;
	R(syscall(SYS_copy_file_range, in, &io, out, &oo, 3, 0));
	printf("io %ld oo %ld\n", (long)io, (long)oo);
	R(lseek(out, 0, SEEK_CUR));
	R(syscall(SYS_copy_file_range, in, NULL, out, NULL, 100, 0));
	R(syscall(SYS_copy_file_range, in, NULL, out, NULL, 1, 1));
	show("dst");
	int rw = R(open("src", O_RDWR));
	io = 0, oo = 4;
	R(syscall(SYS_copy_file_range, rw, &io, rw, &oo, 8, 0));
	io = 0, oo = 8;
	R(syscall(SYS_copy_file_range, rw, &io, rw, &oo, 4, 0));
	show("src");
	R(mkdir("d", 0755));
	int d = R(open("d", O_RDONLY | O_DIRECTORY));
	R(syscall(SYS_copy_file_range, d, NULL, out, NULL, 1, 0));
	R(close(d));
	R(close(rw));
	R(close(in));
	R(close(out));
	return 0;
}
