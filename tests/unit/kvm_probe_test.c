/* kvm_probe_test.c: the /dev/kvm probe (tools/common/kvm.c) and the reason
 * it gives, on stand-ins: a missing device, a device that is not KVM
 * (/dev/null), and a PVM backend (an existing path for its module). */
#include "tap.h"
#include "kvm.h"

#include <errno.h>

int main(void)
{
	int e;

	e = kvm_error_at("/nonexistent/kvm", "/nonexistent/kvm_pvm");
	is_int(e, ENOENT, "no device: ENOENT");
	is_str(kvm_why(e), strerror(ENOENT), "... said as strerror");

	e = kvm_error_at("/dev/null", "/nonexistent/kvm_pvm");
	is_int(e, ENOTSUP, "a device that is not KVM: ENOTSUP");
	is_str(kvm_why(e), "not KVM's stable API", "... and why");

	e = kvm_error_at("/dev/null", "/");
	is_int(e, ENOTSUP, "kvm_pvm loaded: ENOTSUP, before any ioctl");
	is_str(kvm_why(e), "it is PVM (kvm_pvm), which runs only guest kernels built for PVM",
	       "... and why");

	e = kvm_error_at("/nonexistent/kvm", "/");
	is_int(e, ENOENT, "kvm_pvm loaded but no device: ENOENT");
	is_str(kvm_why(e), strerror(ENOENT), "... said as strerror");
	return tap_done();
}
