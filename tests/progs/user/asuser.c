/* asuser.c: what a program started as an unprivileged user sees and may
 * do: its ids and groups, capabilities, a directory of its own (made if
 * missing) to write in, a root-only file it may not read, a root-owned
 * directory it may not write. Usage: asuser DIR SECRET. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/capability.h>

static void said(const char *what, int r)
{
	printf("%s: %s\n", what, r < 0 ? strerrorname_np(errno) : "ok");
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	gid_t g[64];
	int n = getgroups(64, g);
	printf("uid %d euid %d gid %d egid %d groups", getuid(), geteuid(), getgid(), getegid());
	for (int i = 0; i < n; i++)
		printf(" %d", g[i]);
	printf("\n");
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	syscall(SYS_capget, &h, d);
	printf("caps eff %x %x perm %x %x\n", d[0].effective, d[1].effective, d[0].permitted,
	       d[1].permitted);
	char p[4096];
	mkdir(argv[1], 0755);
	struct stat st;
	stat(argv[1], &st);
	printf("dir owned by me: %s\n", st.st_uid == getuid() ? "yes" : "no");
	snprintf(p, sizeof(p), "%s/f", argv[1]);
	int fd = open(p, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	said("create in my dir", fd);
	said("write", fd < 0 ? -1 : (int)write(fd, "data\n", 5));
	close(fd);
	stat(p, &st);
	printf("file owner me: %s, mode %o\n", st.st_uid == getuid() ? "yes" : "no",
	       st.st_mode & 07777);
	said("chmod my file", chmod(p, 0600));
	said("read root-only file", open(argv[2], O_RDONLY));
	said("access root-only file", access(argv[2], R_OK));
	said("chmod root-only file", chmod(argv[2], 0644));
	said("read /etc/passwd", open("/etc/passwd", O_RDONLY));
	said("mkdir in /", mkdir("/htux-user-test", 0755));
	said("setuid(0)", setuid(0));
	return 0;
}
