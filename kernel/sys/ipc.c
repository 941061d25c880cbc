/* sys/ipc.c: the System V IPC calls: shared memory (shmget, shmat, shmdt,
 * shmctl), semaphores (semget, semop, semtimedop, semctl) and message
 * queues (msgget, msgsnd, msgrcv, msgctl). The objects are
 * kernel/ipc/'s; the commands lose IPC_64 as on Linux x86_64, where the
 * 64-bit structures are the only ones. */
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/ipc/ipc.h"

long sys_shmget(int key, size_t size, int shmflg) { return shm_get(key, size, shmflg); }

long sys_shmat(int shmid, uint64_t addr, int shmflg) { return shm_attach(shmid, addr, shmflg); }

long sys_shmdt(uint64_t addr) { return shm_detach(addr); }

long sys_shmctl(int shmid, int cmd, void *buf) { return shm_ctl(shmid, cmd & ~IPC_64, buf); }

long sys_semget(int key, int nsems, int semflg) { return sem_get(key, nsems, semflg); }

long sys_semop(int semid, struct sembuf *sops, size_t nsops)
{
	return sem_op(semid, sops, (unsigned)MIN(nsops, (size_t)UINT32_MAX), NULL);
}

long sys_semtimedop(int semid, struct sembuf *sops, size_t nsops,
		    const struct __kernel_timespec *timeout)
{
	return sem_op(semid, sops, (unsigned)MIN(nsops, (size_t)UINT32_MAX), timeout);
}

long sys_semctl(int semid, int semnum, int cmd, unsigned long arg)
{
	return sem_ctl(semid, semnum, cmd & ~IPC_64, arg);
}

long sys_msgget(int key, int msgflg) { return msg_get(key, msgflg); }

long sys_msgsnd(int msqid, const void *msgp, size_t msgsz, int msgflg)
{
	return msg_snd(msqid, msgp, msgsz, msgflg);
}

long sys_msgrcv(int msqid, void *msgp, size_t msgsz, long msgtyp, int msgflg)
{
	return msg_rcv(msqid, msgp, msgsz, msgtyp, msgflg);
}

long sys_msgctl(int msqid, int cmd, void *buf) { return msg_ctl(msqid, cmd & ~IPC_64, buf); }
