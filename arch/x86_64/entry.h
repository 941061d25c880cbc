/* entry.h: the constants the kernel entry code (vectors.S,
 * syscall_entry.S) shares with C: segment selectors, RFLAGS bits and the
 * offsets of struct trapframe's hardware part. Plain #defines: included by
 * assembly and by cpu.h. */
#ifndef HTUX_ENTRY_H
#define HTUX_ENTRY_H

/* Selectors, as Linux numbers the user ones (a program sees cs 0x33 and
 * ss 0x2b, also in its signal frames). 0x18 and 0x20 stay null: there is
 * no 32-bit user code segment (Linux's 0x23), so a program cannot enter
 * compatibility mode. */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x2B /* 0x28 | RPL 3 */
#define SEL_UCODE 0x33 /* 0x30 | RPL 3 */
#define SEL_TSS 0x38
#define SEL_CPUNUM 0x4B /* 0x48 | RPL 3: limit = the CPU's number (vDSO getcpu) */
/* The program's code segment with --fast-syscalls (kernel option fastsys):
 * 64-bit, DPL 0, so the program runs in ring 0; its stack segment is then
 * SEL_KDATA. Every frame still tells the program from the kernel by CS:
 * the kernel's is SEL_KCODE and nothing else (tf_from_user, trap.h); the
 * entries write it by the interrupted rip (vectors.S), since a call to
 * fast_syscall_entry changes no segment and the kernel may run with
 * either. */
#define SEL_FCODE 0x50
/* The IST slot (1-based, as in a gate) of the stack every vector but #DF
 * and NMI enters on in that mode (vectors.S moves the frame off it). */
#define IST_FAST 3
/* STAR[63:48]: SYSRET loads CS from it + 16, SS from it + 8. */
#define SEL_SYSRET_BASE 0x20

#define FL_CF 0x1
#define FL_FIXED 0x2 /* always set */
#define FL_PF 0x4
#define FL_AF 0x10
#define FL_ZF 0x40
#define FL_SF 0x80
#define FL_TF 0x100
#define FL_IF 0x200
#define FL_DF 0x400
#define FL_OF 0x800
#define FL_IOPL 0x3000
#define FL_NT 0x4000
#define FL_RF 0x10000
#define FL_VM 0x20000
#define FL_AC 0x40000
#define FL_VIF 0x80000
#define FL_VIP 0x100000
#define FL_ID 0x200000
/* The flags a signal handler's sigcontext may change (Linux's FIX_EFLAGS). */
#define FL_SIGCONTEXT \
	(FL_AC | FL_OF | FL_DF | FL_TF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF | FL_RF)
/* The flags a program may hold: what POPF changes in ring 3 with IOPL 0,
 * and RF; IF is always set, IOPL, VM, VIF and VIP always clear. */
#define FL_USER_MASK (FL_SIGCONTEXT | FL_NT | FL_ID)

/* struct trapframe (trap.h): 15 registers, trapno, err, then the frame
 * IRET pops. */
#define TF_R15 0
#define TF_R14 8
#define TF_R13 16
#define TF_R12 24
#define TF_R11 32
#define TF_R10 40
#define TF_R9 48
#define TF_R8 56
#define TF_RBP 64
#define TF_RDI 72
#define TF_RSI 80
#define TF_RDX 88
#define TF_RCX 96
#define TF_RBX 104
#define TF_RAX 112
#define TF_TRAPNO 120
#define TF_ERR 128
#define TF_RIP 136
#define TF_CS 144
#define TF_RFLAGS 152
#define TF_RSP 160
#define TF_SS 168
#define TF_SIZE 176

#endif
