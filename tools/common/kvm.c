/* kvm.c: whether this machine's KVM can run a guest (the launcher's
 * default accelerator and htux-mkimage's libvirt domain type). */
#include "kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Whether the KVM behind fd is one QEMU can run a guest on: the stable
 * API, and SSE3 among the CPU features it can give a guest (every x86_64
 * CPU KVM runs on has it; an emulated /dev/kvm that lacks it fails in
 * QEMU at start). */
static bool kvm_works(int fd)
{
	enum { N = 256 };
	struct {
		struct kvm_cpuid2 h;
		struct kvm_cpuid_entry2 e[N];
	} c;

	if (ioctl(fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return false;
	memset(&c, 0, sizeof c);
	c.h.nent = N;
	if (ioctl(fd, KVM_GET_SUPPORTED_CPUID, &c) < 0)
		return false;
	for (unsigned i = 0; i < c.h.nent; i++)
		if (c.e[i].function == 1)
			return c.e[i].ecx & 1;
	return false;
}

int kvm_error(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return errno;
	ok = kvm_works(fd);
	close(fd);
	return ok ? 0 : ENOTSUP;
}
