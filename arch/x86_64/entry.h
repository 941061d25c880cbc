/* entry.h: the constants the kernel entry code (vectors.S,
 * syscall_entry.S) shares with C: RFLAGS bits. Plain #defines: included by
 * assembly and by C. */
#ifndef HTUX_ENTRY_H
#define HTUX_ENTRY_H

#define FL_CF   0x1
#define FL_FIXED 0x2     /* always set */
#define FL_PF   0x4
#define FL_AF   0x10
#define FL_ZF   0x40
#define FL_SF   0x80
#define FL_TF   0x100
#define FL_IF   0x200
#define FL_DF   0x400
#define FL_OF   0x800
#define FL_IOPL 0x3000
#define FL_NT   0x4000
#define FL_RF   0x10000
#define FL_VM   0x20000
#define FL_AC   0x40000
#define FL_VIF  0x80000
#define FL_VIP  0x100000
#define FL_ID   0x200000

#endif
