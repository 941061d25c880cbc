/* fsize.c: RLIMIT_FSIZE: a write to a regular file that would pass the
 * limit is cut short at it, one that starts at or past it is EFBIG and
 * sends SIGXFSZ (write, pwrite, writev, O_APPEND, sendfile, splice); pipes and
 * /dev/null are not files with a size, and a write of 0 bytes is 0. The
 * limited part runs in a child whose output goes through a pipe (stdout
 * may be a file: the limit would cut it). */
#include "abi.h"
#include <signal.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <sys/wait.h>

static volatile int xfsz;

static void on_xfsz(int sig)
{
	(void)sig;
	xfsz++;
}

static void limited(void)
{
	char b[256];
	memset(b, 'x', sizeof(b));
	abi_put("src", "0123456789012345678901234567890123456789");
	signal(SIGXFSZ, on_xfsz);
	struct rlimit rl = { 100, 100 };
	R(setrlimit(RLIMIT_FSIZE, &rl));
	int fd = R(open("f", O_RDWR | O_CREAT, 0644));
	R(write(fd, b, 150));
	printf("signals %d\n", xfsz);
	R(write(fd, b, 10));
	printf("signals %d\n", xfsz);
	R(write(fd, b, 0));
	R(pwrite(fd, b, 100, 50));
	R(pwrite(fd, b, 1, 100));
	printf("signals %d\n", xfsz);
	R(ftruncate(fd, 0));
	R(lseek(fd, 0, SEEK_SET));
	struct iovec v[2] = { { b, 60 }, { b, 60 } };
	R(writev(fd, v, 2));
	R(writev(fd, v, 2));
	printf("signals %d\n", xfsz);
	R(close(fd));
	fd = R(open("f", O_WRONLY | O_APPEND));
	R(write(fd, b, 1));
	R(close(fd));
	printf("signals %d\n", xfsz);
	fd = R(open("f", O_RDWR | O_TRUNC));
	R(lseek(fd, 90, SEEK_SET));
	int in = R(open("src", O_RDONLY));
	R(sendfile(fd, in, NULL, 30)); /* Linux writes on after the short write */
	printf("signals %d\n", xfsz);
	R(lseek(in, 0, SEEK_CUR));
	R(sendfile(fd, in, NULL, 30));
	printf("signals %d\n", xfsz);
	off_t o = 0;
	R(lseek(fd, 95, SEEK_SET));
	R(sendfile(fd, in, &o, 30));
	R(o);
	printf("signals %d\n", xfsz);
	int q[2];
	R(pipe(q));
	R(write(q[1], b, 20));
	loff_t lo = 90;
	R(splice(q[0], NULL, fd, &lo, 20, 0));
	R(lo);
	printf("signals %d\n", xfsz);
	R(splice(q[0], NULL, fd, &lo, 20, 0));
	printf("signals %d\n", xfsz);
	R(close(q[0]));
	R(close(q[1]));
	R(close(in));
	R(close(fd));
	int p[2];
	R(pipe(p));
	R(write(p[1], b, 200));
	R(close(p[0]));
	R(close(p[1]));
	fd = R(open("/dev/null", O_WRONLY));
	R(write(fd, b, 200));
	R(close(fd));
	signal(SIGXFSZ, SIG_IGN);
	fd = R(open("f", O_WRONLY));
	R(pwrite(fd, b, 1, 200));
	R(close(fd));
	struct stat st;
	R(stat("f", &st));
	printf("size %ld signals %d\n", (long)st.st_size, xfsz);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	int out[2];
	if (pipe(out))
		return 1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		close(out[1]);
		limited();
		fflush(stdout);
		_exit(0);
	}
	close(out[1]);
	char buf[512];
	ssize_t n;
	while ((n = read(out[0], buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	int st;
	waitpid(pid, &st, 0);
	printf("child status %d\n", st);
	return 0;
}
