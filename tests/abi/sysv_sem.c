/* sysv_sem.c: System V semaphores: semget's rules, semctl's GETVAL/
 * SETVAL/GETALL/SETALL/GETPID/GETNCNT/GETZCNT/IPC_STAT/IPC_SET/IPC_RMID,
 * semop's all-or-nothing operations, IPC_NOWAIT, semtimedop's timeout, a
 * child blocked until the parent posts, SEM_UNDO undone when a process
 * ends, a sleeper woken by removal (EIDRM), permissions of a non-root
 * child, and the errors. */
#include "abi.h"
#include <signal.h>
#include <time.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static void vals(int id, int n)
{
	unsigned short v[8] = { 0 };
	if (semctl(id, 0, GETALL, (union semun){ .array = v }) < 0) {
		printf("getall: %s\n", abi_errname(errno));
		return;
	}
	printf("vals:");
	for (int i = 0; i < n; i++)
		printf(" %u", v[i]);
	printf("\n");
}

static void nap(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	char buf[64];
	if (abi_get("/proc/sys/kernel/sem", buf, sizeof(buf)) > 0)
		printf("sem %s", buf);
	struct seminfo si;
	OK(semctl(0, 0, IPC_INFO, (union semun){ .buf = (struct semid_ds *)&si }));
	printf("info: semmsl %d semopm %d semvmx %d semmni %d\n", si.semmsl, si.semopm, si.semvmx,
	       si.semmni);

	int id = OK(semget(IPC_PRIVATE, 3, 0600));
	struct semid_ds ds;
	R(semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }));
	printf("nsems %lu mode %o otime %ld\n", (unsigned long)ds.sem_nsems, ds.sem_perm.mode,
	       (long)ds.sem_otime);
	vals(id, 3);
	R(semctl(id, 1, SETVAL, (union semun){ .val = 5 }));
	R(semctl(id, 1, GETVAL));
	SAY(semctl(id, 1, GETPID) == getpid());
	unsigned short all[3] = { 1, 2, 3 };
	R(semctl(id, 0, SETALL, (union semun){ .array = all }));
	vals(id, 3);

	/* operations: all or nothing */
	struct sembuf ops[2] = { { 0, -1, 0 }, { 1, -5, IPC_NOWAIT } };
	R(semop(id, ops, 2));
	vals(id, 3);
	ops[1].sem_op = -2;
	R(semop(id, ops, 2));
	vals(id, 3);
	struct sembuf z = { 0, 0, IPC_NOWAIT };
	R(semop(id, &z, 1));
	z.sem_num = 2;
	R(semop(id, &z, 1));
	R(semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }));
	SAY(ds.sem_otime != 0);
	struct sembuf big = { 2, 32767, 0 };
	R(semop(id, &big, 1));
	vals(id, 3);

	/* a timeout */
	struct sembuf dec = { 0, -1, 0 };
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	R(semtimedop(id, &dec, 1, &ts));
	ts.tv_nsec = 2000000000;
	R(semtimedop(id, &dec, 1, &ts));

	/* a child waits until the parent posts; GETNCNT counts it */
	pid_t pid = fork();
	if (pid == 0) {
		struct sembuf w = { 0, -2, 0 };
		_exit(ABI_CHILD_RESULT(semop(id, &w, 1)));
	}
	while (semctl(id, 0, GETNCNT) < 1)
		nap();
	R(semctl(id, 0, GETNCNT));
	R(semctl(id, 0, GETZCNT));
	struct sembuf post = { 0, 2, 0 };
	R(semop(id, &post, 1));
	int st;
	waitpid(pid, &st, 0);
	abi_child("child woke", st);
	R(semctl(id, 0, GETNCNT));
	SAY(semctl(id, 0, GETPID) == pid);
	vals(id, 3);

	/* GETZCNT: a child waiting for zero */
	R(semctl(id, 1, SETVAL, (union semun){ .val = 1 }));
	pid = fork();
	if (pid == 0) {
		struct sembuf w = { 1, 0, 0 };
		_exit(ABI_CHILD_RESULT(semop(id, &w, 1)));
	}
	while (semctl(id, 1, GETZCNT) < 1)
		nap();
	R(semctl(id, 1, GETZCNT));
	R(semctl(id, 1, SETVAL, (union semun){ .val = 0 }));
	waitpid(pid, &st, 0);
	abi_child("zero child woke", st);

	/* SEM_UNDO: undone when the child ends */
	pid = fork();
	if (pid == 0) {
		struct sembuf u[2] = { { 0, 3, SEM_UNDO }, { 1, 4, SEM_UNDO } };
		R(semop(id, u, 2));
		struct sembuf u2 = { 0, -1, SEM_UNDO };
		R(semop(id, &u2, 1));
		vals(id, 3);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	vals(id, 3);

	/* a non-root child */
	R(semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }));
	ds.sem_perm.mode = 0604;
	R(semctl(id, 0, IPC_SET, (union semun){ .buf = &ds }));
	pid = fork();
	if (pid == 0) {
		if (setgid(1000) || setuid(1000))
			_exit(9);
		R(semctl(id, 0, GETVAL));
		R(semctl(id, 0, SETVAL, (union semun){ .val = 1 }));
		R(semop(id, &post, 1));
		R(semop(id, &z, 1));
		R(semctl(id, 0, IPC_RMID));
		_exit(0);
	}
	waitpid(pid, &st, 0);

	/* keys */
	key_t key = 0x5e100000 | (getpid() & 0xfffff);
	int k1 = OK(semget(key, 2, IPC_CREAT | 0600));
	SAY(semget(key, 1, 0) == k1);
	R(semget(key, 3, 0));
	R(semget(key, 2, IPC_CREAT | IPC_EXCL | 0600));
	R(semget(key + 1, 2, 0));
	R(semget(IPC_PRIVATE, 0, 0600));
	R(semget(IPC_PRIVATE, -1, 0600));
	R(semget(IPC_PRIVATE, 40000, 0600));
	R(semctl(k1, 0, IPC_RMID));
	R(semget(key, 2, 0));

	/* errors */
	R(semop(id, ops, 0));
	R(semop(id, ops, 1000));
	struct sembuf bad = { 3, 1, 0 };
	R(semop(id, &bad, 1));
	R(semop(id, (struct sembuf *)1, 1));
	R(semop(-1, &post, 1));
	R(semctl(id, 3, GETVAL));
	R(semctl(id, -1, GETVAL));
	R(semctl(id, 0, SETVAL, (union semun){ .val = 40000 }));
	R(semctl(id, 0, SETVAL, (union semun){ .val = -1 }));
	R(semctl(id, 0, GETALL, (union semun){ .array = (unsigned short *)1 }));
	R(semctl(id, 0, IPC_STAT, (union semun){ .buf = (struct semid_ds *)1 }));
	R(semctl(id, 0, 12345));
	ts.tv_nsec = -1;
	R(semtimedop(id, &dec, 1, &ts));

	/* removal wakes a sleeper with EIDRM */
	R(semctl(id, 0, SETVAL, (union semun){ .val = 0 }));
	pid = fork();
	if (pid == 0)
		_exit(ABI_CHILD_RESULT(semop(id, &dec, 1)));
	while (semctl(id, 0, GETNCNT) < 1)
		nap();
	R(semctl(id, 0, IPC_RMID));
	waitpid(pid, &st, 0);
	abi_child("sleeper", st);
	R(semctl(id, 0, GETVAL));
	R(semop(id, &post, 1));
	R(semctl(id, 0, IPC_RMID));
	return 0;
}
