/* link.c: hard links: link and linkat (AT_SYMLINK_FOLLOW, AT_EMPTY_PATH),
 * st_nlink as names come and go, unlink and rename of one of several
 * names, and the errors. */
#include "abi.h"
#include <dirent.h>

static void nlink(const char *p)
{
	struct stat st;
	if (lstat(p, &st) != 0)
		printf("%s: %s\n", p, abi_errname(errno));
	else
		printf("%s: nlink %ld size %ld\n", p, (long)st.st_nlink, (long)st.st_size);
}

static void list(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *e;
	char names[20][64];
	int n = 0;
	while (dp && (e = readdir(dp)) && n < 20)
		if (e->d_name[0] != '.')
			snprintf(names[n++], 64, "%s", e->d_name);
	if (dp)
		closedir(dp);
	/* sorted: readdir order is the filesystem's own */
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (strcmp(names[i], names[j]) > 0) {
				char t[64];
				strcpy(t, names[i]);
				strcpy(names[i], names[j]);
				strcpy(names[j], t);
			}
	printf("%s:", d);
	for (int i = 0; i < n; i++)
		printf(" %s", names[i]);
	printf("\n");
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	struct stat a, b;
	abi_put("f", "hello");
	R(link("f", "g"));
	nlink("f");
	nlink("g");
	stat("f", &a);
	stat("g", &b);
	SAY(a.st_ino == b.st_ino);
	R(mkdir("d", 0755));
	R(link("f", "d/h"));
	nlink("f");
	list(".");
	list("d");
	/* a write through one name shows through the others */
	int fd = R(open("g", O_WRONLY | O_APPEND));
	R(write(fd, " world", 6));
	R(close(fd));
	char buf[64];
	abi_get("d/h", buf, sizeof(buf));
	printf("d/h: %s\n", buf);
	R(unlink("f"));
	nlink("g");
	nlink("f");
	abi_get("g", buf, sizeof(buf));
	printf("g: %s\n", buf);
	/* rename onto another name of the same file does nothing */
	R(rename("g", "d/h"));
	nlink("g");
	nlink("d/h");
	R(rename("g", "k"));
	nlink("k");
	list(".");
	/* two names in one directory: unlink the second, the first stays */
	R(link("k", "k2"));
	R(unlink("k2"));
	nlink("k");
	abi_get("k", buf, sizeof(buf));
	printf("k: %s\n", buf);
	/* symlinks: linkat follows only with AT_SYMLINK_FOLLOW */
	R(symlink("k", "s"));
	R(linkat(AT_FDCWD, "s", AT_FDCWD, "s2", 0));
	R(linkat(AT_FDCWD, "s", AT_FDCWD, "s3", AT_SYMLINK_FOLLOW));
	lstat("s2", &a);
	SAY(S_ISLNK(a.st_mode));
	lstat("s3", &a);
	SAY(S_ISREG(a.st_mode));
	nlink("k");
	nlink("s");
	/* linkat from a directory fd and AT_EMPTY_PATH */
	int dfd = R(open("d", O_RDONLY | O_DIRECTORY));
	R(linkat(dfd, "h", dfd, "h2", 0));
	fd = R(open("k", O_RDONLY));
	R(linkat(fd, "", AT_FDCWD, "k3", AT_EMPTY_PATH));
	R(linkat(fd, "", AT_FDCWD, "k4", 0));
	nlink("k");
	R(close(fd));
	list("d");
	/* errors */
	R(link("k", "k3"));
	R(link("nope", "x"));
	R(link("d", "d2"));
	R(link("k", "nodir/x"));
	R(link("k", "x/"));
	R(link("k", "k/x"));
	R(link("k", "."));
	R(linkat(AT_FDCWD, "k", AT_FDCWD, "x", 0x1234));
	R(linkat(99, "k", AT_FDCWD, "x", 0));
	R(link("k", "/proc/x"));
	/* a directory's links: 2 plus its subdirectories */
	R(mkdir("d/sub", 0755));
	nlink("d");
	R(rmdir("d/sub"));
	nlink("d");
	R(unlink("d/h"));
	R(unlink("d/h2"));
	R(close(dfd));
	R(rmdir("d"));
	return 0;
}
