/* dnotify.c: fcntl(F_NOTIFY): which changes of a directory signal (names
 * made, removed, renamed; a child's data, reads, attributes; the
 * directory's own attributes), one-shot and DN_MULTISHOT watches, masks
 * added together, the owner F_NOTIFY sets, the siginfo (POLL_MSG, si_fd,
 * si_band) with F_SETSIG and the plain SIGIO without, the end of a watch
 * when a descriptor of it closes, and the errors. */
#include "abi.h"
#include <signal.h>
#include <sys/time.h>
#include <time.h>

#define RT (SIGRTMIN + 2)

static sigset_t set;

static void take(const char *what)
{
	struct timespec ts = { 0, 0 };
	siginfo_t si;
	int n = 0;
	printf("%s:", what);
	for (;;) {
		memset(&si, 0, sizeof(si));
		int s = sigtimedwait(&set, &si, &ts);
		if (s < 0)
			break;
		n++;
		printf(" [%s", s == SIGIO ? "SIGIO" : s == RT ? "RT" : "other");
		if (si.si_code == SI_KERNEL)
			printf(" SI_KERNEL");
		else
			printf(" code %d fd %d band %#lx", si.si_code, si.si_fd, (long)si.si_band);
		printf("]");
	}
	printf("%s\n", n ? "" : " none");
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	char buf[8];
	sigemptyset(&set);
	sigaddset(&set, SIGIO);
	sigaddset(&set, RT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	mkdir("d", 0755);
	mkdir("d2", 0755);
	abi_put("d/plain", "text");

	printf("-- errors\n");
	int pf = open("d/plain", O_RDONLY);
	R(fcntl(pf, F_NOTIFY, DN_CREATE));
	R(fcntl(pf, F_NOTIFY, 0));
	R(fcntl(pf, F_NOTIFY, DN_MULTISHOT));
	R(fcntl(99, F_NOTIFY, DN_CREATE));
	int op = open("d", O_PATH);
	R(fcntl(op, F_NOTIFY, DN_CREATE));
	close(op);
	close(pf);

	printf("-- one shot\n");
	int d = open("d", O_RDONLY | O_DIRECTORY);
	R(fcntl(d, F_SETSIG, RT));
	R(fcntl(d, F_NOTIFY, DN_CREATE));
	SAY(fcntl(d, F_GETOWN) == getpid());
	int c = open("d/a", O_CREAT | O_WRONLY, 0644);
	take("create");
	close(c);
	close(open("d/b", O_CREAT | O_WRONLY, 0644));
	take("create again");
	R(fcntl(d, F_NOTIFY, DN_DELETE));
	R(unlink("d/b"));
	take("unlink");

	printf("-- multishot\n");
	R(fcntl(d, F_NOTIFY,
		DN_CREATE | DN_DELETE | DN_MODIFY | DN_RENAME | DN_ATTRIB | DN_MULTISHOT));
	c = open("d/c", O_CREAT | O_RDWR, 0644);
	take("create");
	R(write(c, "x", 1));
	take("write");
	R(write(c, "y", 1));
	R(write(c, "z", 1));
	take("two writes");
	R(pwrite(c, "w", 1, 0));
	take("pwrite");
	R(write(c, "", 0));
	take("empty write");
	R(ftruncate(c, 1));
	take("ftruncate");
	R(truncate("d/c", 0));
	take("truncate");
	R(fchmod(c, 0600));
	take("fchmod");
	R(chmod("d/c", 0644));
	take("chmod");
	R(utimensat(AT_FDCWD, "d/c", NULL, 0));
	take("utimensat now");
	struct timespec omit[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };
	R(utimensat(AT_FDCWD, "d/c", omit, 0));
	take("utimensat both omitted");
	R(pread(c, buf, 1, 0));
	take("read (no DN_ACCESS)");
	R(rename("d/c", "d/e"));
	take("rename in the directory");
	R(rename("d/e", "d2/e"));
	take("rename out");
	R(rename("d2/e", "d/e"));
	take("rename in");
	R(link("d/e", "d/f"));
	take("link");
	R(rename("d/e", "d/f"));
	take("rename over a link to itself");
	abi_put("d/g", "g");
	take("abi_put (create, write)");
	R(rename("d/g", "d/f"));
	take("rename over another");
	R(unlink("d/f"));
	take("unlink");
	R(mkdir("d/sub", 0755));
	take("mkdir");
	R(chmod("d/sub", 0700));
	take("chmod of a subdirectory");
	R(rmdir("d/sub"));
	take("rmdir");
	R(symlink("target", "d/sym"));
	take("symlink");
	R(unlink("d/sym"));
	take("unlink the symlink");
	R(mknod("d/fifo", S_IFIFO | 0644, 0));
	take("mknod");
	R(unlink("d/fifo"));
	take("unlink the fifo");
	R(chmod("d", 0750));
	take("chmod of the directory itself");
	R(mkdir("d2/x", 0755));
	take("mkdir elsewhere");
	R(rmdir("d2/x"));
	R(write(c, "abc", 3));
	take("write");
	R(fcntl(d, F_NOTIFY, DN_ACCESS));
	R(pread(c, buf, 1, 0));
	take("read (DN_ACCESS added)");
	R(fcntl(d, F_NOTIFY, 0));
	R(write(c, "x", 1));
	take("after F_NOTIFY 0");
	close(c);

	printf("-- plain SIGIO\n");
	R(fcntl(d, F_SETSIG, 0));
	R(fcntl(d, F_NOTIFY, DN_CREATE | DN_MULTISHOT));
	close(open("d/h", O_CREAT | O_WRONLY, 0644));
	take("create");

	printf("-- closing a duplicate ends the watch\n");
	int d2 = dup(d);
	R(close(d2));
	close(open("d/i", O_CREAT | O_WRONLY, 0644));
	take("create after close of a dup");
	int other = open("d", O_RDONLY | O_DIRECTORY);
	R(fcntl(d, F_NOTIFY, DN_DELETE | DN_MULTISHOT));
	R(close(other));
	R(unlink("d/i"));
	take("unlink after close of another open");
	R(fcntl(d, F_NOTIFY, 0));
	close(d);
	unlink("d/h");
	unlink("d/a");
	unlink("d/plain");
	rmdir("d");
	rmdir("d2");
	return 0;
}
