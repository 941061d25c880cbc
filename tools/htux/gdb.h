/* gdb.h: htux run --gdb: the gdb command line that debugs the guest. */
#ifndef HTUX_GDB_H
#define HTUX_GDB_H

#include <stdio.h>

/* The guest address the kernel loads prog at: 0 for a program linked at
   fixed addresses (ET_EXEC), 0x555555554000 for a position-independent
   one (ET_DYN, as kernel/exec.c's PIE_BASE). -1 after printing why. */
long long gdb_load_base(const char *prog);

/* Prints to out how to attach gdb to QEMU's gdbstub on 127.0.0.1:port
   with the kernel's symbols and prog's at their load base. 0, or -1 after
   printing why. */
int gdb_hint(FILE *out, int port, const char *kernel, const char *prog);

#endif
