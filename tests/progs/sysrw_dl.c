/* sysrw_dl.c: a dynamically linked program that opens the library given
   as its argument with dlopen (sysrw_lib.c) and calls its system-call
   site, then makes a few through the C library (tests/boot/sysrw.sh). */
#include <dlfcn.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	void *h = argc > 1 ? dlopen(argv[1], RTLD_NOW) : NULL;
	long (*f)(void) = h ? (long (*)(void))dlsym(h, "lib_getpid") : NULL;

	if (!f) {
		printf("dlopen: %s\n", dlerror());
		return 1;
	}
	printf("library's getpid %s\n", f() == getpid() ? "same" : "differs");
	printf("cwd is %s\n", getcwd((char[256]){ 0 }, 256) ? "known" : "unknown");
	fflush(stdout);
	return 3;
}
