/* xattr.c: extended attributes on files and directories: set (with
 * XATTR_CREATE/XATTR_REPLACE), get, list (and its order), remove, the l*
 * and f* forms, and the errors. */
#include "abi.h"
#include <sys/xattr.h>

static void list(const char *what, long n, const char *buf)
{
	printf("%s = %ld:", what, n);
	for (long i = 0; i < n; i += (long)strlen(buf + i) + 1)
		printf(" %s", buf + i);
	printf("\n");
}

static void get(const char *path, const char *name)
{
	char v[64];
	errno = 0;
	long n = getxattr(path, name, v, sizeof(v) - 1);
	if (n < 0) {
		printf("get %s %s: %s\n", path, name, abi_errname(errno));
		return;
	}
	v[n] = 0;
	printf("get %s %s = %ld '%s'\n", path, name, n, v);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	abi_put("f", "data");
	R(setxattr("f", "user.b", "1", 1, 0));
	R(setxattr("f", "user.a", "two", 3, 0));
	R(setxattr("f", "user.c", "", 0, 0));
	R(setxattr("f", "trusted.t", "tv", 2, 0));
	get("f", "user.a");
	get("f", "user.c");
	get("f", "trusted.t");
	R(getxattr("f", "user.a", NULL, 0));
	char buf[256];
	R(getxattr("f", "user.a", buf, 2));
	list("list", listxattr("f", buf, sizeof(buf)), buf);
	R(listxattr("f", NULL, 0));
	R(listxattr("f", buf, 5));
	R(setxattr("f", "user.a", "x", 1, XATTR_CREATE));
	R(setxattr("f", "user.a", "three", 5, XATTR_REPLACE));
	get("f", "user.a");
	R(setxattr("f", "user.z", "x", 1, XATTR_REPLACE));
	R(setxattr("f", "user.z", "zz", 2, XATTR_CREATE));
	list("list", listxattr("f", buf, sizeof(buf)), buf);
	R(removexattr("f", "user.b"));
	R(removexattr("f", "user.b"));
	get("f", "user.b");
	list("list", listxattr("f", buf, sizeof(buf)), buf);
	/* descriptors */
	int fd = R(open("f", O_RDONLY));
	R(fsetxattr(fd, "user.fd", "via fd", 6, 0));
	R(fgetxattr(fd, "user.fd", buf, sizeof(buf)));
	list("flist", flistxattr(fd, buf, sizeof(buf)), buf);
	R(fremovexattr(fd, "user.fd"));
	int pfd = R(open("f", O_PATH));
	R(fgetxattr(pfd, "user.a", buf, sizeof(buf)));
	R(fsetxattr(99, "user.a", "x", 1, 0));
	/* directories have them too; symlinks no user. ones */
	R(mkdir("d", 0755));
	R(setxattr("d", "user.dir", "yes", 3, 0));
	get("d", "user.dir");
	R(symlink("f", "s"));
	get("s", "user.a");
	R(lgetxattr("s", "user.a", buf, sizeof(buf)));
	R(lsetxattr("s", "user.a", "x", 1, 0));
	R(lsetxattr("s", "trusted.l", "x", 1, 0));
	list("llist", llistxattr("s", buf, sizeof(buf)), buf);
	R(lremovexattr("s", "trusted.l"));
	R(lremovexattr("s", "user.a"));
	/* names and sizes */
	R(setxattr("f", "user.", "x", 1, 0));
	R(setxattr("f", "", "x", 1, 0));
	R(setxattr("f", "foo.bar", "x", 1, 0));
	R(getxattr("f", "foo.bar", buf, sizeof(buf)));
	char longname[300];
	memset(longname, 'n', sizeof(longname));
	memcpy(longname, "user.", 5);
	longname[255] = 0;
	R(setxattr("f", longname, "x", 1, 0));
	longname[255] = 'n';
	longname[256] = 0;
	R(setxattr("f", longname, "x", 1, 0));
	R(getxattr("f", longname, buf, sizeof(buf)));
	R(setxattr("f", "user.big", buf, 65537, 0));
	R(setxattr("f", "user.a", "x", 1, 4));
	R(setxattr("nope", "user.a", "x", 1, 0));
	R(getxattr("nope", "user.a", buf, sizeof(buf)));
	R(listxattr("nope", buf, sizeof(buf)));
	/* a pipe: user. attributes are refused */
	int p[2];
	R(pipe(p));
	R(fsetxattr(p[0], "user.a", "x", 1, 0));
	R(fgetxattr(p[0], "user.a", buf, sizeof(buf)));
	R(flistxattr(p[0], buf, sizeof(buf)));
	/* a removed file keeps them while open */
	R(unlink("f"));
	R(fgetxattr(fd, "user.a", buf, sizeof(buf)));
	R(close(fd));
	return 0;
}
