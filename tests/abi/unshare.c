/* unshare.c: unshare(2): a process made with CLONE_FILES (or CLONE_FS)
 * that unshares them closes (or changes directory) on its own;
 * CLONE_SYSVSEM applies the caller's semaphore adjustments; CLONE_VM,
 * CLONE_SIGHAND and CLONE_THREAD succeed alone and fail (EINVAL) beside
 * another thread; unknown flags EINVAL; namespaces need CAP_SYS_ADMIN
 * (EPERM, checked unprivileged: root's answer differs without them). */
#define _GNU_SOURCE
#include "abi.h"
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/syscall.h>

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *idle(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	pthread_mutex_unlock(&lock);
	return NULL;
}

/* A child sharing what flags say (fork-like: no new stack). */
static pid_t share_child(unsigned long flags)
{
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0, NULL, NULL, 0);
}

static void files_and_fs(int unshare_first)
{
	int fd = open("f", O_RDONLY), st;
	pid_t c = share_child(CLONE_FILES | CLONE_FS);
	if (c == 0) {
		if (unshare_first && unshare(CLONE_FILES | CLONE_FS) != 0)
			_exit(99);
		close(fd);
		chdir("sub");
		_exit(0);
	}
	waitpid(c, &st, 0);
	printf("%s: parent's fd %s, parent's cwd %s\n", unshare_first ? "unshared" : "shared",
	       fcntl(fd, F_GETFD) >= 0 ? "open" : "closed",
	       access("f", F_OK) == 0 ? "kept" : "moved");
	if (!unshare_first)
		chdir("..");
	close(fd);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	abi_put("f", "x");
	mkdir("sub", 0755);

	R(unshare(0));
	R(unshare(CLONE_FILES));
	R(unshare(CLONE_FS));
	R(unshare(CLONE_VM));
	R(unshare(CLONE_SIGHAND));
	R(unshare(CLONE_THREAD));
	R(unshare(CLONE_FILES | CLONE_FS | CLONE_SYSVSEM));
	R(unshare(CLONE_SETTLS));
	R(unshare(CLONE_IO));
	R(unshare(CLONE_VFORK));
	files_and_fs(0);
	files_and_fs(1);

	int sem = semget(IPC_PRIVATE, 1, 0600);
	struct sembuf op = { 0, 2, SEM_UNDO };
	semop(sem, &op, 1);
	printf("semaphore %d\n", semctl(sem, 0, GETVAL));
	R(unshare(CLONE_SYSVSEM));
	printf("semaphore after unshare %d\n", semctl(sem, 0, GETVAL));
	semctl(sem, 0, IPC_RMID);

	pthread_t t;
	pthread_mutex_lock(&lock);
	pthread_create(&t, NULL, idle, NULL);
	R(unshare(CLONE_VM));
	R(unshare(CLONE_SIGHAND));
	R(unshare(CLONE_THREAD));
	R(unshare(CLONE_SYSVSEM));
	pthread_mutex_unlock(&lock);
	pthread_join(t, NULL);

	int st;
	pid_t c = fork();
	if (c == 0) {
		if (setuid(65534) != 0)
			_exit(100);
		R(unshare(CLONE_NEWNS));
		R(unshare(CLONE_NEWUTS));
		R(unshare(CLONE_NEWIPC));
		R(unshare(CLONE_NEWNET));
		R(unshare(CLONE_NEWPID));
		R(unshare(CLONE_NEWCGROUP));
		R(unshare(CLONE_NEWTIME));
		R(unshare(CLONE_NEWUTS | CLONE_THREAD));
		_exit(0);
	}
	waitpid(c, &st, 0);
	printf("unprivileged child: %d\n", WEXITSTATUS(st));
	return 0;
}
