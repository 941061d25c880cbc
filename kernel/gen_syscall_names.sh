#!/bin/sh
# gen_syscall_names.sh: writes the C table of Linux x86_64 syscall names,
# indexed by number, from the UAPI header <asm/unistd_64.h> given as $1.
set -e
echo '/* Generated from '"$1"' by kernel/gen_syscall_names.sh: do not edit. */'
echo '#include "kernel/syscall.h"'
echo 'const char *const syscall_names[SYSCALL_MAX] = {'
sed -n 's/^#define __NR_\([a-z0-9_]*\)[ \t]\+\([0-9]\+\).*/\t[\2] = "\1",/p' "$1"
echo '};'
