/* chroot.c: chroot: lookups afterwards start at the new root ("/",
 * absolute symlinks, "/.." staying at the root), getcwd of a cwd outside
 * it ("(unreachable)"), /proc/PID/root, a child inheriting the root,
 * and the errors (ENOENT, ENOTDIR, EPERM for a non-root caller). */
#include "abi.h"
#include <sys/syscall.h>
#include <sys/wait.h>

static void tail(const char *link)
{
	char buf[4096];
	ssize_t n = readlink(link, buf, sizeof(buf) - 1);
	if (n < 0) {
		printf("readlink: %s\n", abi_errname(errno));
		return;
	}
	buf[n] = 0;
	char *s = strrchr(buf, '/');
	printf("root ends in: %s\n", s ? s : buf);
}

static void cat(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("open %s: %s\n", path, abi_errname(errno));
		return;
	}
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	printf("%s: %.*s\n", path, (int)(n > 0 ? n : 0), buf);
	close(fd);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	R(mkdir("jail", 0755));
	R(mkdir("jail/sub", 0755));
	abi_put("jail/sub/f", "inside");
	abi_put("file", "outside");
	R(symlink("/sub", "jail/abs"));
	R(symlink("../../../../../../sub", "jail/rel"));
	int go[2], ready[2];
	R(pipe(go));
	R(pipe(ready));
	int pid = fork();
	if (pid == 0) {
		int out = open(".", O_RDONLY | O_DIRECTORY);
		R(chroot("jail"));
		char cwd[4096];
		SAY(syscall(SYS_getcwd, cwd, sizeof(cwd)) > 0 &&
		    !strncmp(cwd, "(unreachable)/", 14));
		SAY(getcwd(cwd, sizeof(cwd)) != NULL);
		R(chdir("/"));
		SAY(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/"));
		cat("/sub/f");
		cat("/../../sub/f");
		cat("abs/f");
		cat("rel/f");
		cat("/file");
		R(chdir("/sub"));
		SAY(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/sub"));
		cat("../../../sub/f");
		struct stat a, b;
		R(stat("/", &a));
		R(stat("/..", &b));
		R(a.st_ino == b.st_ino);
		R(chroot("/sub"));
		cat("/f");
		int c = fork();
		if (c == 0)
			_exit(access("/f", F_OK) == 0 ? 3 : 4);
		int st;
		waitpid(c, &st, 0);
		R(WEXITSTATUS(st));
		/* a descriptor from outside still leads out */
		R(fchdir(out));
		cat("file");
		write(ready[1], "r", 1);
		char x;
		read(go[0], &x, 1);
		_exit(0);
	}
	char x;
	R(read(ready[0], &x, 1));
	char link[64];
	snprintf(link, sizeof(link), "/proc/%d/root", pid);
	tail(link);
	tail("/proc/self/root");
	R(write(go[1], "g", 1));
	int st;
	R(waitpid(pid, &st, 0) == pid);
	R(WEXITSTATUS(st));

	R(chroot("nonexistent"));
	R(chroot("file"));
	R(chroot("file/x"));
	R(chroot(NULL));
	pid = fork();
	if (pid == 0) {
		setresuid(1000, 1000, 1000);
		errno = 0;
		chroot("jail");
		int e1 = errno;
		errno = 0;
		chroot("file");
		_exit(e1 == EPERM ? (errno == ENOTDIR ? 1 : 2) : 3);
	}
	R(waitpid(pid, &st, 0) == pid);
	R(WEXITSTATUS(st));
	return 0;
}
