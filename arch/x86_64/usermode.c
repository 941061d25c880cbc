/* usermode.c: sets up the SYSCALL/SYSRET MSRs: kernel and user selectors,
 * the entry point, and the flags cleared on entry. */
#include "kernel/kernel.h"
#include "arch/x86_64/cpu.h"

void syscall_entry(void);

void syscall_init(void)
{
	/* SYSCALL: CS = 0x08, SS = 0x10. SYSRET: CS = 0x18 + 16, SS = 0x18 + 8. */
	wrmsr(MSR_STAR, (0x18UL << 48) | (0x08UL << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	/* Clear TF, DF, IF, IOPL, NT and AC on entry. */
	wrmsr(MSR_FMASK, 0x47700);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | 1);
}
