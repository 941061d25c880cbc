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

static const char *why_not;

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

	why_not = "not KVM's stable API";
	if (ioctl(fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return false;
	memset(&c, 0, sizeof c);
	c.h.nent = N;
	why_not = "KVM_GET_SUPPORTED_CPUID fails";
	if (ioctl(fd, KVM_GET_SUPPORTED_CPUID, &c) < 0)
		return false;
	why_not = "it cannot give a guest SSE3 (an emulated KVM)";
	for (unsigned i = 0; i < c.h.nent; i++)
		if (c.e[i].function == 1)
			return c.e[i].ecx & 1;
	return false;
}

int kvm_error_at(const char *dev, const char *pvm_module)
{
	int fd = open(dev, O_RDWR | O_CLOEXEC);
	bool ok;

	why_not = NULL;
	if (fd < 0)
		return errno;
	/* PVM runs a guest at CPL 3 in the lower half of the address space,
	   with its own event delivery: only kernels built for it, not htux
	   (docs/design.md, "KVM"). It is KVM's backend when loaded. */
	if (access(pvm_module, F_OK) == 0) {
		why_not = "it is PVM (kvm_pvm), which runs only guest kernels built for PVM";
		ok = false;
	} else {
		ok = kvm_works(fd);
	}
	close(fd);
	return ok ? 0 : ENOTSUP;
}

int kvm_error(void) { return kvm_error_at("/dev/kvm", "/sys/module/kvm_pvm"); }

const char *kvm_why(int e) { return e == ENOTSUP && why_not ? why_not : strerror(e); }
