/* sysv_shm.c: System V shared memory: shmget's key rules (IPC_PRIVATE,
 * IPC_CREAT, IPC_EXCL, sizes), shmat/shmdt and the attach count, the
 * segment shared with a forked child and between two attachments,
 * IPC_STAT/IPC_SET/IPC_RMID (a removed segment lives until its last
 * detach), SHM_RDONLY, permissions seen by a non-root child, the errors,
 * and /proc/sysvipc/shm and /proc/sys/kernel's limits. */
#include "abi.h"
#include <signal.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>

static int shmid;

static void stat_of(int id)
{
	struct shmid_ds ds;
	if (shmctl(id, IPC_STAT, &ds) < 0) {
		printf("stat: %s\n", abi_errname(errno));
		return;
	}
	printf("stat: size %zu nattch %lu mode %o cpid-me %d uid %u cuid %u key0 %d\n",
	       (size_t)ds.shm_segsz, (unsigned long)ds.shm_nattch, ds.shm_perm.mode,
	       ds.shm_cpid == getpid(), ds.shm_perm.uid, ds.shm_perm.cuid, ds.shm_perm.__key == 0);
}

/* The /proc/sysvipc/shm line of id: size and nattch. */
static void proc_line(int id)
{
	static char buf[65536];
	if (abi_get("/proc/sysvipc/shm", buf, sizeof(buf)) < 0) {
		printf("no /proc/sysvipc/shm\n");
		return;
	}
	printf("header: %.20s\n", buf);
	for (char *l = strchr(buf, '\n'); l && l[1]; l = strchr(l + 1, '\n')) {
		int key, sid;
		unsigned perms;
		unsigned long size, nattch;
		int cpid, lpid;
		if (sscanf(l + 1, "%d %d %o %lu %d %d %lu", &key, &sid, &perms, &size, &cpid, &lpid,
			   &nattch) == 7 &&
		    sid == id)
			printf("proc: perms %o size %lu nattch %lu\n", perms, size, nattch);
	}
}

static void as_user(void)
{
	/* a non-root child: the mode bits decide */
	pid_t pid = fork();
	if (pid == 0) {
		if (setgid(1000) || setuid(1000))
			_exit(9);
		P(shmat(shmid, NULL, 0));
		P(shmat(shmid, NULL, SHM_RDONLY));
		struct shmid_ds ds;
		R(shmctl(shmid, IPC_STAT, &ds));
		R(shmctl(shmid, IPC_RMID, NULL));
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("child status %d\n", WEXITSTATUS(st));
}

int main(int argc, char **argv)
{
	abi_init(argc, argv);
	char buf[64];
	if (abi_get("/proc/sys/kernel/shmmni", buf, sizeof(buf)) > 0)
		printf("shmmni %s", buf);
	if (abi_get("/proc/sys/kernel/shmmax", buf, sizeof(buf)) > 0)
		printf("shmmax %s", buf);
	if (abi_get("/proc/sys/kernel/shmall", buf, sizeof(buf)) > 0)
		printf("shmall %s", buf);
	struct shminfo info;
	OK(shmctl(0, IPC_INFO, (struct shmid_ds *)&info));
	printf("info: shmmni %lu shmmin %lu\n", info.shmmni, info.shmmin);

	shmid = OK(shmget(IPC_PRIVATE, 10000, 0600));
	stat_of(shmid);
	char *p = P(shmat(shmid, NULL, 0));
	stat_of(shmid);
	proc_line(shmid);
	printf("zeros: %d\n", p[0] == 0 && p[9999] == 0 && p[12287] == 0);
	strcpy(p, "parent");

	/* a second attachment sees the same memory */
	char *q = P(shmat(shmid, NULL, SHM_RDONLY));
	printf("second: %s\n", q);
	stat_of(shmid);
	R(shmdt(q));

	/* fork: the child inherits the attachment */
	pid_t pid = fork();
	if (pid == 0) {
		printf("child sees: %s\n", p);
		stat_of(shmid);
		strcpy(p, "child");
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("parent sees: %s\n", p);
	stat_of(shmid);

	/* a child attaching on its own */
	pid = fork();
	if (pid == 0) {
		R(shmdt(p));
		char *c = P(shmat(shmid, NULL, 0));
		strcpy(c + 100, "attached");
		_exit(0);
	}
	waitpid(pid, &st, 0);
	printf("from child's attachment: %s\n", p + 100);

	/* read-only: a write is SIGSEGV */
	pid = fork();
	if (pid == 0) {
		R(shmdt(p));
		volatile char *r = P(shmat(shmid, NULL, SHM_RDONLY));
		r[0] = 'x';
		_exit(0);
	}
	waitpid(pid, &st, 0);
	printf("rdonly write: signal %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);

	/* IPC_SET, then a user without rights */
	struct shmid_ds ds;
	R(shmctl(shmid, IPC_STAT, &ds));
	ds.shm_perm.mode = 0640;
	R(shmctl(shmid, IPC_SET, &ds));
	stat_of(shmid);
	as_user();
	ds.shm_perm.mode = 0666;
	R(shmctl(shmid, IPC_SET, &ds));
	as_user();
	stat_of(shmid);

	/* keys */
	key_t key = 0x5e000000 | (getpid() & 0xffffff);
	int k1 = OK(shmget(key, 4096, IPC_CREAT | 0600));
	int k2 = OK(shmget(key, 100, 0));
	SAY(k1 == k2);
	R(shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600));
	R(shmget(key, 8192, 0));
	R(shmget(key + 1, 4096, 0600));
	R(shmget(IPC_PRIVATE, 0, 0600));
	R(shmctl(k1, IPC_RMID, NULL));
	R(shmget(key, 4096, 0));
	R(shmctl(k1, IPC_STAT, &ds));

	/* attach errors */
	R(shmdt(p + 1));
	R(shmdt(p + 4096));
	P(shmat(shmid, p + 1, 0));
	P(shmat(shmid, p, 0));
	char *z = P(shmat(shmid, p, SHM_REMAP));
	printf("remapped same: %d %s\n", z == p, z);
	P(shmat(-1, NULL, 0));
	P(shmat(shmid + 1, NULL, 0));
	R(shmctl(shmid, IPC_STAT, (struct shmid_ds *)1));
	R(shmctl(shmid, 12345, &ds));
	R(shmctl(-1, IPC_STAT, &ds));

	/* removal while attached: gone at the last detach */
	R(shmctl(shmid, IPC_RMID, NULL));
	stat_of(shmid);
	printf("still there: %s\n", p);
	proc_line(shmid);
	R(shmdt(p));
	R(shmdt(p));
	R(shmctl(shmid, IPC_STAT, &ds));
	P(shmat(shmid, NULL, 0));
	R(shmctl(shmid, IPC_RMID, NULL));
	proc_line(shmid);

	/* removed with no attachment: gone at once */
	int id = OK(shmget(IPC_PRIVATE, 1, 0600));
	R(shmctl(id, IPC_RMID, NULL));
	R(shmctl(id, IPC_STAT, &ds));
	return 0;
}
