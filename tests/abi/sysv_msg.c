/* sysv_msg.c: System V message queues: msgget's rules, msgsnd/msgrcv with
 * the type rules (0, > 0, < 0, MSG_EXCEPT), MSG_NOERROR and E2BIG,
 * IPC_NOWAIT (ENOMSG, EAGAIN on a full queue), a receiver blocked until a
 * message comes, a sleeper woken by removal (EIDRM), IPC_STAT/IPC_SET
 * (msg_qbytes), a non-root child's permissions, and the errors. */
#include "abi.h"
#include <limits.h>
#include <signal.h>
#include <time.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/wait.h>

struct m {
	long type;
	char text[64];
};

static void snd(int id, long type, const char *s)
{
	struct m m = { type, "" };
	strcpy(m.text, s);
	if (msgsnd(id, &m, strlen(s) + 1, IPC_NOWAIT) < 0)
		printf("snd %ld: %s\n", type, abi_errname(errno));
}

static void rcv(int id, long type, int flg)
{
	struct m m = { 0, "" };
	long n = msgrcv(id, &m, sizeof(m.text), type, flg | IPC_NOWAIT);
	if (n < 0)
		printf("rcv %ld: %s\n", type, abi_errname(errno));
	else
		printf("rcv %ld: type %ld %ld bytes '%s'\n", type, m.type, n, m.text);
}

static void stat_of(int id)
{
	struct msqid_ds ds;
	if (msgctl(id, IPC_STAT, &ds) < 0) {
		printf("stat: %s\n", abi_errname(errno));
		return;
	}
	printf("stat: qnum %lu cbytes %lu qbytes %lu mode %o lspid-me %d\n",
	       (unsigned long)ds.msg_qnum, (unsigned long)ds.__msg_cbytes,
	       (unsigned long)ds.msg_qbytes, ds.msg_perm.mode, ds.msg_lspid == getpid());
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
	const char *lim[] = { "msgmax", "msgmnb", "msgmni" };
	for (int i = 0; i < 3; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/sys/kernel/%s", lim[i]);
		if (abi_get(path, buf, sizeof(buf)) > 0)
			printf("%s %s", lim[i], buf);
	}
	struct msginfo mi;
	OK(msgctl(0, IPC_INFO, (struct msqid_ds *)&mi));
	printf("info: msgmax %d msgmnb %d msgmni %d\n", mi.msgmax, mi.msgmnb, mi.msgmni);

	int id = OK(msgget(IPC_PRIVATE, 0600));
	stat_of(id);
	snd(id, 5, "five");
	snd(id, 2, "two");
	snd(id, 7, "seven");
	snd(id, 2, "two again");
	snd(id, 1, "one");
	stat_of(id);
	rcv(id, 2, 0);
	rcv(id, 2, MSG_EXCEPT);
	rcv(id, -6, 0);
	rcv(id, -6, 0);
	rcv(id, 3, 0);
	rcv(id, 0, 0);
	rcv(id, 0, 0);
	rcv(id, 0, 0);
	/* too long */
	snd(id, 3, "a longer message");
	struct m small;
	R(msgrcv(id, &small, 4, 0, IPC_NOWAIT));
	R(msgrcv(id, &small, 4, 0, IPC_NOWAIT | MSG_NOERROR));
	printf("truncated: %.4s\n", small.text);
	stat_of(id);

	/* a full queue */
	struct msqid_ds ds;
	R(msgctl(id, IPC_STAT, &ds));
	ds.msg_qbytes = 20;
	R(msgctl(id, IPC_SET, &ds));
	snd(id, 1, "0123456789");
	snd(id, 1, "0123456789");
	stat_of(id);

	/* a blocked sender goes on when there is room */
	pid_t pid = fork();
	if (pid == 0) {
		struct m m = { 9, "blocked" };
		_exit(ABI_CHILD_RESULT(msgsnd(id, &m, 8, 0)));
	}
	nap();
	rcv(id, 0, 0);
	int st;
	waitpid(pid, &st, 0);
	abi_child("sender", st);
	rcv(id, 9, 0);
	ds.msg_qbytes = 16384;
	R(msgctl(id, IPC_SET, &ds));

	/* a blocked receiver */
	pid = fork();
	if (pid == 0) {
		struct m m = { 0, "" };
		long n = msgrcv(id, &m, sizeof(m.text), 42, 0);
		printf("receiver got %ld type %ld '%s'\n", n, m.type, m.text);
		_exit(0);
	}
	nap();
	snd(id, 42, "answer");
	waitpid(pid, &st, 0);
	stat_of(id);

	/* the most negative type: any type, lowest first */
	snd(id, 3, "three");
	snd(id, 2, "two");
	rcv(id, LONG_MIN, 0);
	rcv(id, LONG_MIN, 0);

	/* a non-root child */
	ds.msg_perm.mode = 0640;
	R(msgctl(id, IPC_SET, &ds));
	pid = fork();
	if (pid == 0) {
		if (setgid(1000) || setuid(1000))
			_exit(9);
		struct m m = { 1, "x" };
		R(msgsnd(id, &m, 1, IPC_NOWAIT));
		R(msgrcv(id, &m, 1, 0, IPC_NOWAIT));
		R(msgctl(id, IPC_STAT, &ds));
		R(msgctl(id, IPC_RMID, NULL));
		_exit(0);
	}
	waitpid(pid, &st, 0);

	/* keys */
	key_t key = 0x5e200000 | (getpid() & 0xfffff);
	int k1 = OK(msgget(key, IPC_CREAT | 0600));
	SAY(msgget(key, 0) == k1);
	R(msgget(key, IPC_CREAT | IPC_EXCL | 0600));
	R(msgget(key + 1, 0));
	R(msgctl(k1, IPC_RMID, NULL));
	R(msgget(key, 0));

	/* errors */
	struct m m = { 0, "zero" };
	R(msgsnd(id, &m, 4, IPC_NOWAIT));
	m.type = 1;
	R(msgsnd(id, &m, 9000, IPC_NOWAIT));
	R(msgsnd(id, &m, (size_t)-1, IPC_NOWAIT));
	R(msgsnd(id, (void *)1, 4, IPC_NOWAIT));
	R(msgsnd(-1, &m, 4, IPC_NOWAIT));
	R(msgrcv(-1, &m, 4, 0, IPC_NOWAIT));
	R(msgrcv(id, &m, (size_t)-1, 0, IPC_NOWAIT));
	snd(id, 1, "x");
	R(msgrcv(id, (void *)1, 4, 0, IPC_NOWAIT));
	stat_of(id);
	R(msgctl(id, IPC_STAT, (struct msqid_ds *)1));
	R(msgctl(id, 12345, &ds));
	R(msgctl(id, IPC_SET, (struct msqid_ds *)1));

	/* removal wakes a sleeper with EIDRM */
	pid = fork();
	if (pid == 0)
		_exit(ABI_CHILD_RESULT(msgrcv(id, &m, sizeof(m.text), 0, 0)));
	nap();
	R(msgctl(id, IPC_RMID, NULL));
	waitpid(pid, &st, 0);
	abi_child("sleeper", st);
	R(msgsnd(id, &m, 4, IPC_NOWAIT));
	R(msgctl(id, IPC_STAT, &ds));
	return 0;
}
