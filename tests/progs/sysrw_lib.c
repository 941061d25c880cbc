/* sysrw_lib.c: a shared library that sysrw_dl.c opens with dlopen, with a
   "mov $39,%eax; syscall" site of its own (tests/boot/sysrw.sh). */
long lib_getpid(void)
{
	long r;
	__asm__ volatile("mov $39, %%eax\n\tsyscall" : "=a"(r) : : "rcx", "r11", "memory");
	return r;
}
