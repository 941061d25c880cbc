/* sysvipcs.c: makes one System V shared memory segment (attached), one
 * semaphore set and one message queue holding two messages, each with a
 * known key, then runs the program argv[1] (Debian's ipcs) with the
 * remaining arguments, each set separated by "--", one after the other. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	int shm = shmget(0x5e5e0001, 5000, IPC_CREAT | 0640);
	int sem = semget(0x5e5e0002, 3, IPC_CREAT | 0600);
	int msg = msgget(0x5e5e0003, IPC_CREAT | 0666);
	if (shm < 0 || sem < 0 || msg < 0 || shmat(shm, NULL, 0) == (void *)-1) {
		perror("sysvipcs");
		return 1;
	}
	struct {
		long type;
		char text[16];
	} m = { 1, "hello" };
	msgsnd(msg, &m, 6, 0);
	msgsnd(msg, &m, 10, 0);
	fflush(stdout);
	for (int i = 1; i < argc;) {
		int j = i;
		while (j < argc && strcmp(argv[j], "--"))
			j++;
		argv[j < argc ? j : argc] = NULL;
		pid_t pid = fork();
		if (pid == 0) {
			execv(argv[i], argv + i);
			_exit(127);
		}
		int st;
		waitpid(pid, &st, 0);
		printf("status %d\n", WEXITSTATUS(st));
		fflush(stdout);
		i = j + 1;
	}
	shmctl(shm, IPC_RMID, NULL);
	semctl(sem, 0, IPC_RMID);
	msgctl(msg, IPC_RMID, NULL);
	return 0;
}
