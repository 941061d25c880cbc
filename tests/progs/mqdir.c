/* mqdir.c: /dev/mqueue, the directory of the POSIX message queues: a
 * queue made by mq_open is listed there, reads as its QSIZE line; a file
 * made there by open(O_CREAT) is a queue (a descriptor mq_send takes);
 * unlink there is mq_unlink; /proc/mounts shows the mount. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

static int byname(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void list(void)
{
	struct dirent **e;
	int n = scandir("/dev/mqueue", &e, NULL, byname);
	if (n < 0) {
		printf("scandir: %s\n", strerror(errno));
		return;
	}
	printf("ls:");
	for (int i = 0; i < n; i++)
		printf(" %s", e[i]->d_name);
	printf("\n");
}

static void cat(const char *path)
{
	char buf[128];
	int fd = open(path, O_RDONLY);
	long n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		printf("cat %s: %s\n", path, strerror(errno));
	} else {
		buf[n] = 0;
		printf("%s", buf);
	}
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	struct stat st;
	if (stat("/dev/mqueue", &st) == 0)
		printf("dir %d mode %o\n", S_ISDIR(st.st_mode), st.st_mode & 07777);
	struct mq_attr a = { .mq_maxmsg = 4, .mq_msgsize = 16 };
	mqd_t q = mq_open("/q1", O_CREAT | O_RDWR, 0640, &a);
	mq_send(q, "hello", 5, 1);
	list();
	if (stat("/dev/mqueue/q1", &st) == 0)
		printf("q1: reg %d mode %o size %ld\n", S_ISREG(st.st_mode), st.st_mode & 0777,
		       (long)st.st_size);
	cat("/dev/mqueue/q1");
	int fd = open("/dev/mqueue/q2", O_CREAT | O_RDWR, 0600);
	printf("send to q2: %d\n", mq_send(fd, "via open", 8, 0));
	mqd_t q2 = mq_open("/q2", O_RDONLY);
	struct mq_attr a2;
	mq_getattr(q2, &a2);
	printf("q2: maxmsg %ld msgsize %ld curmsgs %ld\n", a2.mq_maxmsg, a2.mq_msgsize,
	       a2.mq_curmsgs);
	char buf[8192];
	long n = mq_receive(q2, buf, sizeof(buf), NULL);
	printf("q2 got %ld '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
	list();
	printf("unlink q1: %d\n", unlink("/dev/mqueue/q1"));
	int r = mq_open("/q1", O_RDONLY);
	printf("mq_open q1: %d %s\n", r, strerror(errno));
	r = mkdir("/dev/mqueue/d", 0755);
	printf("mkdir: %d %s\n", r, strerror(errno));
	printf("q1 still: %ld\n", (long)mq_receive(q, buf, sizeof(buf), NULL));
	mq_unlink("/q2");
	list();
	cat("/proc/mounts");
	return 0;
}
