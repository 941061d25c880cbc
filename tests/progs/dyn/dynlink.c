/* dynlink.c: a dynamically linked C program: arguments, environment,
   libm, the loader's view of itself (dladdr, dlopen/dlsym, getauxval). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

int main(int argc, char **argv)
{
	volatile double x = 2.0;
	double (*cosp)(double);
	Dl_info info;
	void *h;

	printf("hello from a dynamic program, %d args\n", argc);
	for (int i = 1; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	printf("WHO=%s\n", getenv("WHO") ? getenv("WHO") : "(unset)");
	printf("sqrt(2)=%.12f\n", sqrt(x));
	if (dladdr((void *)printf, &info) && info.dli_fname)
		printf("printf is in %s\n", strrchr(info.dli_fname, '/')
						    ? strrchr(info.dli_fname, '/') + 1
						    : info.dli_fname);
	h = dlopen("libm.so.6", RTLD_NOW);
	cosp = h ? (double (*)(double))dlsym(h, "cos") : NULL;
	printf("dlopen libm: %s, cos(0)=%.1f\n", h ? "ok" : dlerror(), cosp ? cosp(0.0) : -1.0);
	printf("AT_BASE set: %d, AT_ENTRY set: %d\n", getauxval(AT_BASE) != 0,
	       getauxval(AT_ENTRY) != 0);
	return argc > 2 ? 5 : 0;
}
