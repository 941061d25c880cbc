/* symlink.c: symbolic links: readlink, lstat/stat, loops, dangling links,
 * links to directories, truncation by readlink's buffer size. */
#include "abi.h"

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	char b[64];
	struct stat st;
	abi_put("target", "T");
	R(symlink("target", "l1"));
	memset(b, 0, sizeof(b));
	R(readlink("l1", b, sizeof(b)));
	printf("l1 -> %s\n", b);
	memset(b, 0, sizeof(b));
	R(readlink("l1", b, 3));
	printf("short: %s\n", b);
	R(readlink("l1", b, 0));
	R(readlink("target", b, sizeof(b)));
	R(readlink("missing", b, sizeof(b)));
	R(symlink("target", "l1"));
	R(symlink("", "empty"));
	R(symlink("nowhere", "dangle"));
	R(stat("dangle", &st));
	R(lstat("dangle", &st));
	R(S_ISLNK(st.st_mode));
	R(st.st_size);
	R(symlink("loop2", "loop1"));
	R(symlink("loop1", "loop2"));
	R(stat("loop1", &st));
	R(open("loop1", O_RDONLY));
	R(mkdir("dir", 0755));
	abi_put("dir/inner", "I");
	R(symlink("dir", "ldir"));
	R(stat("ldir/inner", &st));
	R(st.st_size);
	R(lstat("ldir/", &st));
	R(S_ISDIR(st.st_mode));
	R(symlink("../target", "dir/up"));
	memset(b, 0, sizeof(b));
	R(abi_get("dir/up", b, sizeof(b)));
	printf("dir/up: %s\n", b);
	R(symlinkat("target", AT_FDCWD, "l2"));
	int fd = R(open("dir", O_RDONLY | O_DIRECTORY));
	R(symlinkat("x", fd, "l3"));
	memset(b, 0, sizeof(b));
	R(readlinkat(fd, "l3", b, sizeof(b)));
	printf("l3 -> %s\n", b);
	R(close(fd));
	R(unlink("l1"));
	R(access("target", F_OK));
	R(symlink("a", "nodir/l"));
	return 0;
}
