/* efault_inner.h: the second part of efault_all.c: hostile pointers inside
 * the structures that system calls read (iovecs, message headers, argv
 * and envp, the sigset holders of pselect6 and io_pgetevents, iocbs,
 * clone3's arguments) and in the pointer arguments of fcntl, ioctl, prctl,
 * semctl and arch_prctl, whose parameters the list types as integers. */

#define T(label, call) \
	do { \
		errno = 0; \
		long r_ = (long)(call); \
		int e_ = errno; \
		dprintf(1, "%s %s: %s\n", label, bad[b].name, r_ < 0 ? abi_errname(e_) : "ok"); \
	} while (0)

static void inner_io(const void *arg)
{
	(void)arg;
	char buf[64];
	for (int b = 0; b < NBAD; b++) {
		void *B = (void *)(bad[b].p ? bad[b].p : unmapped);
		struct iovec v[2] = { { buf, 10 }, { B, 10 } };
		T("readv iov[1]", syscall(SYS_readv, fd_file, v, 2));
		T("writev iov[1]", syscall(SYS_writev, fd_file, v, 2));
		T("preadv iov[1]", syscall(SYS_preadv, fd_file, v, 2, 0, 0));
		T("pwritev iov[1]", syscall(SYS_pwritev, fd_file, v, 2, 0, 0));
		T("preadv2 iov[1]", syscall(SYS_preadv2, fd_file, v, 2, 0, 0, 0));
		T("pwritev2 iov[1]", syscall(SYS_pwritev2, fd_file, v, 2, 0, 0, 0));
		T("vmsplice iov[1]", syscall(SYS_vmsplice, pip[1], v, 2, 0));
		struct iovec one = { buf, 10 };
		T("process_vm_readv lvec[1]",
		  syscall(SYS_process_vm_readv, getpid(), v, 2, &one, 1, 0));
		T("process_vm_readv rvec[1]",
		  syscall(SYS_process_vm_readv, getpid(), &one, 1, v, 2, 0));
		T("process_vm_writev rvec[1]",
		  syscall(SYS_process_vm_writev, getpid(), &one, 1, v, 2, 0));
		/* message headers */
		struct iovec io = { buf, 4 };
		struct msghdr h = { .msg_iov = &io, .msg_iovlen = 1 };
		h.msg_name = B;
		h.msg_namelen = 16;
		T("sendmsg msg_name", syscall(SYS_sendmsg, sk[0], &h, MSG_DONTWAIT));
		T("recvmsg msg_name", syscall(SYS_recvmsg, sk[1], &h, MSG_DONTWAIT));
		h.msg_name = NULL;
		h.msg_namelen = 0;
		h.msg_control = B;
		h.msg_controllen = 32;
		T("sendmsg msg_control", syscall(SYS_sendmsg, sk[0], &h, MSG_DONTWAIT));
		T("recvmsg msg_control", syscall(SYS_recvmsg, sk[1], &h, MSG_DONTWAIT));
		h.msg_control = NULL;
		h.msg_controllen = 0;
		h.msg_iov = B;
		T("sendmsg msg_iov", syscall(SYS_sendmsg, sk[0], &h, MSG_DONTWAIT));
		T("recvmsg msg_iov", syscall(SYS_recvmsg, sk[1], &h, MSG_DONTWAIT));
		h.msg_iov = v;
		h.msg_iovlen = 2;
		T("sendmsg iov[1]", syscall(SYS_sendmsg, sk[0], &h, MSG_DONTWAIT));
		T("recvmsg iov[1]", syscall(SYS_recvmsg, sk[1], &h, MSG_DONTWAIT));
		struct mmsghdr mm = { .msg_hdr = h };
		T("sendmmsg iov[1]", syscall(SYS_sendmmsg, sk[0], &mm, 1, MSG_DONTWAIT));
		T("recvmmsg iov[1]", syscall(SYS_recvmmsg, sk[1], &mm, 1, MSG_DONTWAIT, NULL));
		mm.msg_hdr.msg_iov = &io;
		mm.msg_hdr.msg_iovlen = 1;
		T("recvmmsg timeout", syscall(SYS_recvmmsg, sk[1], &mm, 1, MSG_DONTWAIT, B));
		/* argv, envp */
		char *av[] = { "x", B, NULL };
		char *ok[] = { "x", NULL };
		T("execve argv[1]", syscall(SYS_execve, "/proc/self/exe", av, ok));
		T("execve envp[1]", syscall(SYS_execve, "/proc/self/exe", ok, av));
		/* sigset holders */
		struct {
			void *set;
			size_t size;
		} ss = { B, 8 };
		struct timespec z = { 0, 0 };
		T("pselect6 sigset", syscall(SYS_pselect6, 0, NULL, NULL, NULL, &z, &ss));
		struct io_event evs[1];
		T("io_pgetevents sigset", syscall(SYS_io_pgetevents, aio_ctx, 0, 1, evs, &z, &ss));
		/* an iocb and the buffer it names */
		struct {
			uint64_t data;
			uint32_t key, rw_flags;
			uint16_t opcode;
			int16_t prio;
			uint32_t fd;
			uint64_t buf, nbytes;
			int64_t offset;
			uint64_t reserved2;
			uint32_t flags, resfd;
		} cb = { .opcode = 0, .fd = (uint32_t)fd_file, .buf = (uint64_t)B, .nbytes = 10 };
		void *cbs[1] = { B };
		T("io_submit iocbpp[0]", syscall(SYS_io_submit, aio_ctx, 1, cbs));
		cbs[0] = &cb;
		long r = syscall(SYS_io_submit, aio_ctx, 1, cbs);
		struct timespec wait = { 0, 200000000 };
		long got = syscall(SYS_io_getevents, aio_ctx, 1, 1, evs, &wait);
		dprintf(1, "io_submit iocb buf %s: %ld %ld %s\n", bad[b].name, r, got,
			got == 1 && evs[0].res < 0 ? abi_errname((int)-evs[0].res) : "ok");
	}
}

static void inner_ctl(const void *arg)
{
	(void)arg;
	for (int b = 0; b < NBAD; b++) {
		void *B = (void *)(bad[b].p ? bad[b].p : unmapped);
		T("fcntl F_GETLK", syscall(SYS_fcntl, fd_file, F_GETLK, B));
		T("fcntl F_SETLK", syscall(SYS_fcntl, fd_file, F_SETLK, B));
		T("fcntl F_SETLKW", syscall(SYS_fcntl, fd_file, F_SETLKW, B));
		T("fcntl F_OFD_GETLK", syscall(SYS_fcntl, fd_file, F_OFD_GETLK, B));
		T("fcntl F_OFD_SETLK", syscall(SYS_fcntl, fd_file, F_OFD_SETLK, B));
		T("fcntl F_GETOWN_EX", syscall(SYS_fcntl, fd_file, F_GETOWN_EX, B));
		T("fcntl F_SETOWN_EX", syscall(SYS_fcntl, fd_file, F_SETOWN_EX, B));
		T("ioctl FIONREAD", syscall(SYS_ioctl, pip[0], FIONREAD, B));
		T("ioctl FIONBIO", syscall(SYS_ioctl, pip[0], FIONBIO, B));
		T("ioctl FIOASYNC", syscall(SYS_ioctl, pip[0], FIOASYNC, B));
		T("ioctl FIONREAD socket", syscall(SYS_ioctl, sk[1], FIONREAD, B));
		T("prctl PR_SET_NAME", syscall(SYS_prctl, PR_SET_NAME, B, 0, 0, 0));
		T("prctl PR_GET_NAME", syscall(SYS_prctl, PR_GET_NAME, B, 0, 0, 0));
		T("prctl PR_GET_PDEATHSIG", syscall(SYS_prctl, PR_GET_PDEATHSIG, B, 0, 0, 0));
		T("arch_prctl ARCH_GET_FS", syscall(SYS_arch_prctl, 0x1003, B));
		T("arch_prctl ARCH_GET_GS", syscall(SYS_arch_prctl, 0x1004, B));
		T("semctl IPC_STAT", syscall(SYS_semctl, semid, 0, IPC_STAT, B));
		T("semctl GETALL", syscall(SYS_semctl, semid, 0, GETALL, B));
		T("semctl SETALL", syscall(SYS_semctl, semid, 0, SETALL, B));
		T("semctl IPC_SET", syscall(SYS_semctl, semid, 0, IPC_SET, B));
		T("msgctl IPC_SET", syscall(SYS_msgctl, msqid, IPC_SET, B));
		T("shmctl IPC_SET", syscall(SYS_shmctl, shmid, IPC_SET, B));
		/* clone3: the pidfd it stores (a child that comes anyway ends) */
		struct {
			uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
				stack_size, tls;
		} ca = { .flags = 0x1000 /* CLONE_PIDFD */,
			 .pidfd = (uint64_t)B,
			 .exit_signal = SIGCHLD };
		errno = 0;
		long r = syscall(SYS_clone3, &ca, 64);
		if (r == 0)
			_exit(0);
		int e = errno;
		if (r > 0)
			waitpid((pid_t)r, NULL, 0);
		dprintf(1, "clone3 pidfd %s: %s\n", bad[b].name, r < 0 ? abi_errname(e) : "ok");
	}
}

static void inner(void)
{
	in_child("inner io", inner_io, NULL);
	in_child("inner ctl", inner_ctl, NULL);
}
