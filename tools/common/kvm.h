/* kvm.h: probing /dev/kvm (tools/common/kvm.c). */
#ifndef HTUX_TOOLS_KVM_H
#define HTUX_TOOLS_KVM_H

/* 0 when /dev/kvm opens read-write and can run a guest, else an errno
   value (ENOTSUP: it opens but cannot). */
int kvm_error(void);

#endif
