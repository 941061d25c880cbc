/* syscall_entry.S: the SYSCALL instruction's entry: switch to the kernel
 * stack, save the registers as a struct trapframe, call
 * syscall_dispatch(), and return with SYSRET, or through trap_return's
 * IRET when SYSRET cannot restore the frame. FMASK has cleared IF, TF, DF,
 * IOPL, NT and AC on entry (arch/x86_64/usermode.c). Also the entry of a
 * SYSCALL from compatibility mode, which no program can reach, and the
 * entry of SYSCALL from the program in ring 0 (fastsys), which returns
 * with IRET, and fast_syscall_entry, which rewritten sites call in that
 * mode, and the test hook's trampoline page. */
#include "arch/x86_64/entry.h"
#include "arch/x86_64/trapframe.inc"

/* The frame of a SYSCALL (rcx = rip, r11 = rflags), with the program's
 * selectors cs and ss: the kernel's GS base and stack, struct trapframe
 * with trapno -1 and err the number, as the CPU and trap_common build an
 * exception's. */
.macro SYSCALL_FRAME cs, ss
	swapgs
	movq %rsp, %gs:16           /* percpu.user_rsp */
	movq %gs:8, %rsp            /* percpu.kstack_top */
	pushq $\ss
	pushq %gs:16
	pushq %r11                  /* rflags */
	pushq $\cs
	pushq %rcx                  /* rip */
	pushq %rax                  /* err: the syscall number (orig_rax) */
	pushq $-1                   /* trapno: a system call */
	PUSH_REGS
.endm

	.text
	.globl syscall_entry
syscall_entry:
	SYSCALL_FRAME SEL_UCODE, SEL_UDATA
	movq %rsp, %rdi
	call syscall_dispatch
	/* SYSRET only to a lower-half rip: with a non-canonical RCX it faults
	 * in ring 0 on the user's stack (Intel). Nor with TF or RF: SYSRET
	 * cannot restore RF, and TF would trap right after it. Those, and
	 * the frames rt_sigreturn and execve replace (signal_deliver sends
	 * them to trap_return itself), go back through IRET. */
	movq TF_RIP(%rsp), %rcx
	shrq $47, %rcx
	jnz 1f
	testq $(FL_TF | FL_RF | FL_IOPL | FL_VM), TF_RFLAGS(%rsp)
	jnz 1f
	POP_REGS                    /* the big kernel lock: let go in syscall_dispatch */
	addq $16, %rsp              /* trapno, err */
	popq %rcx                   /* rip */
	addq $8, %rsp               /* cs */
	popq %r11                   /* rflags */
	swapgs
	popq %rsp                   /* user rsp */
	sysretq
1:	movq %rsp, %rdi
	jmp trap_return

/* SYSCALL from the program in ring 0 (fastsys; MSR_LSTAR then): SYSCALL
 * does not look at the CPL and loads the kernel's CS as from ring 3, and
 * the program's GS base is active as there. The frame says SEL_FCODE, and
 * the way back is IRET (SYSRET always lands in ring 3), with rcx = rip and
 * r11 = rflags as SYSRET leaves them. As the SYSRET path, it skips
 * trap_return for the call's own frame (or a signal handler's built on
 * it: the selectors are set again here) when rip is in the lower half;
 * rt_sigreturn and execve send theirs to trap_return themselves. */
	.globl syscall_fast_entry
syscall_fast_entry:
	SYSCALL_FRAME SEL_FCODE, SEL_KDATA
	movq %rsp, %rdi
	call syscall_dispatch
	movq TF_RIP(%rsp), %rax
	movq %rax, TF_RCX(%rsp)
	shrq $47, %rax
	jnz 4f
	movq TF_RFLAGS(%rsp), %rax
	movq %rax, TF_R11(%rsp)
	movq $SEL_FCODE, TF_CS(%rsp)
	movq $SEL_KDATA, TF_SS(%rsp)
	orq $FL_IF, TF_RFLAGS(%rsp)
	testq $(FL_TF | FL_RF | FL_IOPL | FL_VM), %rax
	jnz 3f
	/* The common case leaves as a call from a rewritten site does (POPF,
	 * the program's rsp, SWAPGS, a jump to rcx = rip), not through IRET:
	 * under TCG, IRET made a getpid at an unrewritten site cost 1.46x the
	 * ring-3 one, and the futex round trip 1.11x. */
	POP_REGS                    /* the big kernel lock: let go in the dispatch */
	addq $32, %rsp              /* trapno, err, rip (in rcx), cs */
	jmp fast_exit_tail
3:	POP_REGS
	addq $16, %rsp              /* trapno, err */
	swapgs
	iretq
4:	movq %rsp, %rdi
	jmp trap_return

/* The fast entries and their C halves (syscall_dispatch_call and
 * syscall_light, kernel/syscall.c) share one page of the kernel's text
 * (.text.fastsys, boot/kernel.ld): TCG chains a direct call or jump
 * within a page, and looks up its target otherwise. */
	.section .text.fastsys, "ax", @progbits

/* fast_syscall_entry: the kernel entry a rewritten syscall site reaches
 * by a call (fastsys only: the program runs in ring 0). The contract with
 * the site's trampoline, which the rewriter writes (kernel/sysrw.c):
 *
 *	lea -128(%rsp), %rsp        skip the red zone
 *	(rax = the number; rdi, rsi, rdx, r10, r8, r9 = the arguments, as
 *	 for SYSCALL; rcx = the address the syscall instruction would
 *	 return to: the site + its length)
 *	call *ADDR(%rip)            6 bytes, ff 15 disp32; ADDR holds
 *	                            fastsys_entry() (arch/x86_64/fastsys.h)
 *
 * so that here [rsp] is the trampoline's return address and the program's
 * rsp is rsp + 8 + 128. The call returns straight to rcx's address with
 * the program's rsp, as SYSCALL would (rax = the result, rcx = that
 * address, r11 = rflags, every other register kept); nothing after the
 * call runs. A system call that restarts (SA_RESTART) runs the
 * trampoline's call again, with rsp, rcx and the arguments as they were.
 *
 * No SYSCALL, no IRET, no far jump: CS does not change (the kernel runs
 * on with the program's SEL_FCODE, or SEL_KCODE after an earlier fast
 * return), so the entries tell the program from the kernel by the
 * interrupted rip instead (trap_common_ist, vectors.S): the program's
 * are the lower half, this entry's first byte (the cli: an interrupt,
 * a signal or a fault there is the program's, nothing having changed
 * yet, and sigreturn comes back there) and the way out's last jump
 * (fast_exit_jmp: the program's GS base and stack again, the kernel's
 * rip); the way out's swapgs (fast_exit_swapgs) has the program's stack
 * and the kernel's GS base: the kernel's, its frame put at the top of
 * the kernel stack. From the cli to the way out's popf interrupts are
 * off, and TF is clear (a single step into the first byte is put off
 * until the call returns: arch/x86_64/trap.c), so only an NMI or a
 * machine check can arrive; the NMI's entry does not use %gs (fast_nmi,
 * vectors.S).
 *
 * The way out: the frame's rip in the lower half and no TF or RF in its
 * flags (the call's own frame, or a signal handler's built on it; as the
 * SYSRET path), rcx = rip and r11 = rflags, the program's flags (popf,
 * from the frame), its rsp, swapgs and a jump. Anything else leaves
 * through trap_return's IRET, with SEL_FCODE. */
	.globl fast_syscall_entry
	.type fast_syscall_entry, @function
fast_syscall_entry:
	cli
	swapgs
	movq %rsp, %gs:16           /* percpu.user_rsp */
	movq %gs:8, %rsp            /* percpu.kstack_top */
	pushq $SEL_KDATA
	pushq %gs:16
	pushfq                      /* the program's flags, IF clear */
	pushq $SEL_FCODE
	pushq %rcx                  /* rip: the site's end */
	pushq %rax                  /* err: the syscall number (orig_rax) */
	pushq $-2                   /* trapno: TRAPNO_CALL */
	PUSH_REGS
fast_call_frame:                    /* fast_light_entry's way in here */
	cld                         /* DF clear for the kernel, NT too (an */
	testl $FL_NT, TF_RFLAGS(%rsp) /* IRET with it set faults); AC does */
	jnz 5f                      /* nothing in ring 0 */
2:	orq $FL_IF, TF_RFLAGS(%rsp)
	addq $(8 + 128), TF_RSP(%rsp)
	movq TF_RFLAGS(%rsp), %rax  /* r11 as SYSCALL leaves it */
	movq %rax, TF_R11(%rsp)
	movq %rsp, %rdi
	call syscall_dispatch_call
	movq TF_RIP(%rsp), %rcx
	movq %rcx, %rax
	shrq $47, %rax
	jnz 1f
	movq TF_RFLAGS(%rsp), %r11
	testq $(FL_TF | FL_RF | FL_IOPL | FL_VM), %r11
	jnz 1f
	/* The registers a C function may change; rbx, rbp and r12 to r15 are
	 * as the C code kept them (a frame whose ones change, rt_sigreturn's
	 * or execve's, leaves through trap_return: signal_need_iret). */
	movq TF_RAX(%rsp), %rax
	movq TF_RDX(%rsp), %rdx
	movq TF_RSI(%rsp), %rsi
	movq TF_RDI(%rsp), %rdi
	movq TF_R8(%rsp), %r8
	movq TF_R9(%rsp), %r9
	movq TF_R10(%rsp), %r10     /* the big kernel lock: let go in the dispatch */
	leaq TF_RFLAGS(%rsp), %rsp
	/* POPF, not STI: under TCG each ends the translation block, STI's
	 * shadow a second one. Interrupts come from here on: at the popq the
	 * kernel's (its stack and GS), at the swapgs the program's stack
	 * with the kernel's GS, at the jump the program's (trap_common_ist
	 * tells them by rip). */
fast_exit_tail:
	popfq                       /* the program's flags, IF set */
	popq %rsp                   /* the program's */
fast_exit_swapgs:
	swapgs
fast_exit_jmp:
	jmp *%rcx
1:	movq %rcx, TF_RCX(%rsp)     /* as SYSCALL leaves them */
	movq TF_RFLAGS(%rsp), %rax
	movq %rax, TF_R11(%rsp)
	movq %rsp, %rdi
	jmp trap_return
5:	pushq $FL_FIXED             /* NT clear, IF still clear */
	popfq
	jmp 2b
	.size fast_syscall_entry, . - fast_syscall_entry
	.globl fast_exit_swapgs, fast_exit_jmp

/* fast_light_entry: where a rewritten site of a light call (getpid and
 * the like: syscall_light_ok(), kernel/syscall.c) calls, by the same
 * contract, through the trampoline area's second slot. Under TCG, an
 * instruction that sets IF (POPF, STI) ends the translation block with
 * an exit to QEMU's loop, and each C layer's call and ret is a block
 * lookup (docs/design.md, "Where a rewritten getpid's time goes"), so
 * this path leaves interrupts as the program had them (on), never
 * touches IF, calls the handler from one C function and restores the
 * arithmetic flags with SAHF and an ADD (OF), not POPF. It writes the
 * part of the full path's frame it needs (IF as the program had it), and
 * syscall_light()
 * either makes the call or says no (not a light call, strace, a step to
 * report, work for signal_deliver, DF set): then CLI and on as the full
 * path from its frame. Interrupts can come anywhere here (trap_common_ist
 * tells the windows by rip): at the first byte (the program's GS base
 * and stack) the program's; after the swapgs until the stack switch
 * (fast_light_gs) and at the way out's swapgs, the kernel's GS base with
 * the program's stack, the frame put at the kernel stack's top; the rest
 * is the kernel's, which an interrupt does not preempt; the last jump is
 * the program's. No lock is taken, so a light call reads only what needs
 * none. */
	.globl fast_light_entry
	.type fast_light_entry, @function
fast_light_entry:
	swapgs
fast_light_gs:
	movq %rsp, %gs:16           /* percpu.user_rsp */
	movq %gs:8, %rsp            /* percpu.kstack_top */
fast_light_stack:
	/* Only what the light path reads or gives back: the frame's other
	 * words are filled in when the call goes down the full path (6). */
	leaq -TF_SIZE(%rsp), %rsp   /* LEA: the flags are the program's */
	movq %rax, TF_RAX(%rsp)
	movq %rcx, TF_RIP(%rsp)     /* the site's end */
	movq %rdx, TF_RDX(%rsp)
	movq %rsi, TF_RSI(%rsp)
	movq %rdi, TF_RDI(%rsp)
	movq %r8, TF_R8(%rsp)
	movq %r9, TF_R9(%rsp)
	movq %r10, TF_R10(%rsp)
	movq %gs:16, %r11
	movq %r11, TF_RSP(%rsp)
	pushfq                      /* the program's flags, IF as it had it */
	popq TF_RFLAGS(%rsp)
	shrq $47, %rcx              /* the site's end in the upper half: the */
	jnz 6f                      /* full path's SIGSEGV (dispatch()) */
	testl $FL_DF, TF_RFLAGS(%rsp)
	jnz 6f
	movq %rsp, %rdi
	call syscall_light
	testb %al, %al
	jz 6f
	movq TF_RDX(%rsp), %rdx     /* what a C function may change; rax, */
	movq TF_RSI(%rsp), %rsi     /* rcx and r11 below */
	movq TF_RDI(%rsp), %rdi
	movq TF_R8(%rsp), %r8
	movq TF_R9(%rsp), %r9
	movq TF_R10(%rsp), %r10
	addq $(8 + 128), TF_RSP(%rsp)
	movq TF_RFLAGS(%rsp), %r11  /* r11 as SYSCALL leaves it */
	movq TF_RIP(%rsp), %rcx
	movq %r11, %rax             /* the flags back without POPF: OF (bit */
	shlq $52, %rax              /* 11 to 63, DF, clear, to 62) by an ADD */
	addq %rax, %rax             /* that overflows when they differ, */
	movq %r11, %rax             /* then SF ZF AF PF CF by SAHF; IF, TF */
	xchgb %al, %ah              /* and DF did not change */
	sahf
	movq TF_RAX(%rsp), %rax
	movq TF_RSP(%rsp), %rsp     /* the program's */
fast_light_swapgs:
	swapgs
fast_light_jmp:
	jmp *%rcx
6:	cli                         /* the full path, from its frame: the */
	movq TF_RIP(%rsp), %rcx     /* rest of it (the callee-saved registers */
	movq %rcx, TF_RCX(%rsp)     /* as the C code kept them; r11 the full */
	movq %rbx, TF_RBX(%rsp)     /* path sets) */
	movq %rbp, TF_RBP(%rsp)
	movq %r12, TF_R12(%rsp)
	movq %r13, TF_R13(%rsp)
	movq %r14, TF_R14(%rsp)
	movq %r15, TF_R15(%rsp)
	movq TF_RAX(%rsp), %rax
	movq %rax, TF_ERR(%rsp)     /* the syscall number (orig_rax) */
	movq $-2, TF_TRAPNO(%rsp)   /* TRAPNO_CALL */
	movq $SEL_FCODE, TF_CS(%rsp)
	movq $SEL_KDATA, TF_SS(%rsp)
	jmp fast_call_frame
	.size fast_light_entry, . - fast_light_entry
	.globl fast_light_gs, fast_light_swapgs, fast_light_jmp, fast_light_gs_len
	.set fast_light_gs_len, fast_light_stack - fast_light_gs

/* The test hook's trampoline page (fastsys=selftest: fastsys.c maps it
 * into the program, its address in AT_HTUX_FASTCALL): the program puts
 * the number, the arguments and rcx as above and jumps to its start (the
 * full entry) or to its byte 64 (fast_light_entry). */
	.section .rodata.fastcall, "a"
	.balign 4096
	.globl fastcall_test_page
fastcall_test_page:
	leaq -128(%rsp), %rsp
	call *1f(%rip)
	ud2
	.balign 8
1:	.quad fast_syscall_entry
	.balign 64                  /* at 64: the same to fast_light_entry */
	leaq -128(%rsp), %rsp
	call *2f(%rip)
	ud2
	.balign 8
2:	.quad fast_light_entry
	.balign 4096
	.text

/* SYSCALL from compatibility mode (MSR_CSTAR): there is no 32-bit user
 * code segment, so this never runs; should it, the program gets what an
 * invalid opcode gives it (as SYSCALL there is on Intel), not a jump to
 * address 0 in ring 0. Build the frame an exception from ring 3 pushes
 * on the kernel stack (this CPU's, through its percpu: %gs is swapped
 * back before the vector's entry, which swaps it again) and enter as
 * vector 6. */
	.globl syscall_compat_entry
syscall_compat_entry:
	swapgs
	movq %rsp, %gs:16           /* percpu.user_rsp */
	movq %gs:8, %rsp            /* percpu.kstack_top */
	pushq $SEL_UDATA
	pushq %gs:16
	swapgs
	pushq %r11                  /* rflags */
	pushq $SEL_UCODE
	pushq %rcx                  /* rip */
	jmp *trap_vectors+6*8(%rip)

	.section .note.GNU-stack, "", @progbits
