/* exec.h: starting the program. */
#ifndef HTUX_EXEC_H
#define HTUX_EXEC_H

/* Loads path and enters it with argv and envp; does not return (a
 * program that cannot be loaded ends the VM with status 127). */
__attribute__((noreturn)) void exec_program(const char *path, char *const argv[], int argc,
					    char *const envp[], int envc);

#endif
