/* usersyms.h: naming a program's code addresses from the symbol tables of
 * the ELF files mapped there (for a crashed program's backtrace). */
#ifndef HTUX_USERSYMS_H
#define HTUX_USERSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes "name+0xOFF" for user address pc into buf when pc lies in a
 * file mapping of an ELF file whose .symtab (else .dynsym) has a function
 * there; returns false otherwise. A return address (ret) is looked up one
 * byte back: its call may be the function's last instruction. */
bool usersym_name(uint64_t pc, bool ret, char *buf, size_t n);

#endif
