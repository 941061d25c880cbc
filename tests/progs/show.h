/* show.h: for the test programs: prints "WHAT: RESULT" or "WHAT: -1 ENAME"
 * the same way under glibc and musl. */
#ifndef SHOW_H
#define SHOW_H
#include <errno.h>
#include <stdio.h>

static __attribute__((unused)) const char *errname(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EINTR: return "EINTR";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EFAULT: return "EFAULT";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case EMFILE: return "EMFILE";
	case ESPIPE: return "ESPIPE";
	case EPIPE: return "EPIPE";
	case ELOOP: return "ELOOP";
	case ENOSYS: return "ENOSYS";
	case ENOTTY: return "ENOTTY";
	default: return "E?";
	}
}

static __attribute__((unused)) void show(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, errname(errno));
	else
		printf("%s: %ld\n", what, r);
}
#endif
