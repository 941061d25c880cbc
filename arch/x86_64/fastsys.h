/* fastsys.h: the program in ring 0 (kernel option fastsys; docs/design.md,
 * "Ring 0 for the program"): system calls made by a call from a rewritten
 * site, and the test hook's trampoline page. */
#ifndef HTUX_FASTSYS_H
#define HTUX_FASTSYS_H

#include <stdbool.h>
#include <stdint.h>

struct trapframe;
struct mm;

/* The private aux vector entry of fastsys=selftest: the address of the
 * test hook's trampoline page ('h' 't' 0001: no Linux AT_ number). */
#define AT_HTUX_FASTCALL 0x68740001

/* The address rewritten sites reach the kernel at (fast_syscall_entry in
 * syscall_entry.S, which says the contract): the rewriter stores it in
 * each trampoline page. */
uint64_t fastsys_entry(void);
/* The same for the light calls (syscall_light_ok(), kernel/syscall.c):
 * fast_light_entry, the second slot. */
uint64_t fastsys_light_entry(void);
/* Is rip the first byte of one of those entries (the program's state:
 * only the call has run)? */
bool fastsys_entry_rip(uint64_t rip);
/* An interrupt or exception of the program at an entry's first byte or
 * at the way out's last jump: tf made the program's own state (a call to
 * make again, or the jump's target), where that can be done. */
void fastsys_user_rip(struct trapframe *tf);
/* A #DB of a single step (TF) into fast_syscall_entry: TF cleared in tf
 * and the step put off until the call returns (true); false for any
 * other #DB. */
bool fastsys_step_into(struct trapframe *tf);
/* The call made after such a step returned: SIGTRAP at its return
 * address, TF set again. */
void fastsys_step_done(struct trapframe *tf);
/* fastsys=selftest: maps the trampoline page into mm; its address, or 0
 * (other modes, or no room). */
uint64_t fastsys_selftest_map(struct mm *mm);

#endif
