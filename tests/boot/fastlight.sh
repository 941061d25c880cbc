#!/bin/bash
# fastlight.sh: fast mode's light entry (fast_light_entry, which getpid
# and the like reach from a rewritten site: interrupts left on, the flags
# restored without POPF; docs/design.md, "Ring 0 for the program") and
# hostile values on both fast entries, through the test hook's page
# (fastsys=selftest; tests/progs/fastlight.c): results, flags, r11 and the
# registers as SYSCALL leaves them, DF set, a call that is not light made
# through the light entry, signals landing on an entry's first byte or last
# jump (rt_sigreturn then finds the program's own rip), a non-canonical or
# kernel-half rcx and a stack on an unmapped page ending with SIGSEGV, on
# 1 and 2 CPUs, glibc and musl. And on 2 CPUs, a thread making light calls
# while another moves fresh pages onto an address it reads
# (tests/progs/fast_tlb.c) never reads an old page: an interrupt in the
# light entry left its CPU "lazy" for TLB shootdowns (arch/x86_64/tlb.c)
# while it went on running the program, which then read 57,000-70,000
# stale values in 3 s (smp_stress's mutex lost increments).
. "${HTUX_SRCDIR:-.}/tests/lib.sh"
require_qemu
require_cc musl
require_cc glibc
plan 5

want='ids through both entries: as libc'"'"'s
flags kept by a call: yes; r11 the flags: yes
DF set: result right, DF and the flags kept yes
registers kept: full yes, light yes, light entry for write yes
a write through the light entry
its result: 32
bad number through the light entry: -38
light calls under a timer'"'"'s signals: right, the handler'"'"'s right
full, rcx not canonical: signal 11
full, rcx in the kernel'"'"'s half: signal 11
full, the stack on an unmapped page: signal 11
full entry called straight with the stack unmapped: the result
light, rcx not canonical: signal 11
light, rcx in the kernel'"'"'s half: signal 11
light, the stack on an unmapped page: signal 11
light entry called straight with the stack unmapped: the result'

build_static fl_glibc progs/fastlight.c glibc || bail_out "cannot build fastlight.c"
build_static fl_musl progs/fastlight.c musl || bail_out "cannot build fastlight.c"
htux_run --fast-syscalls --append fastsys=selftest "$HTUX_TMP/fl_glibc"
check_output_status "glibc: light and full entries, hostile rcx and stack" "$want" 0
htux_run --fast-syscalls --smp 2 --append fastsys=selftest "$HTUX_TMP/fl_musl"
check_output_status "musl, 2 CPUs: the same" "$want" 0
htux_run --fast-syscalls --strace --append fastsys=selftest "$HTUX_TMP/fl_glibc"
check "--strace: the light entry's calls take the full path, and show" \
	grep -q '^getpid() = ' "$HTUX_TMP/stderr"

build_static fast_tlb progs/fast_tlb.c glibc -pthread || bail_out "cannot build fast_tlb.c"
want=$("$HTUX_TMP/fast_tlb" 1 2>/dev/null)
htux_run --fast-syscalls --smp 2 "$HTUX_TMP/fast_tlb" 3
check_output_status "2 CPUs, fast mode: light calls, pages moved under them: no stale read" "$want" 0
htux_run --smp 2 "$HTUX_TMP/fast_tlb" 2
check_output_status "2 CPUs, default mode: the same" "$want" 0
