/* kvm.h: probing /dev/kvm (tools/common/kvm.c). */
#ifndef HTUX_TOOLS_KVM_H
#define HTUX_TOOLS_KVM_H

/* 0 when /dev/kvm opens read-write and can run a guest, else an errno
   value (ENOTSUP: it opens but cannot; kvm_why() says why). */
int kvm_error(void);

/* The same for the device dev, where the kvm_pvm module would be at
   pvm_module (/sys/module/kvm_pvm; the tests' fakes elsewhere). */
int kvm_error_at(const char *dev, const char *pvm_module);

/* Why the last probe answered e: strerror(e), or for ENOTSUP what is
   missing. */
const char *kvm_why(int e);

#endif
