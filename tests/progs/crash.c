/* crash.c: dereferences NULL (or divides by zero, or executes ud2). */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	volatile int zero = 0;
	printf("about to crash\n");
	fflush(stdout);
	if (argc > 1 && !strcmp(argv[1], "div"))
		return 100 / zero; /* not 1/x: gcc turns that into a compare */
	if (argc > 1 && !strcmp(argv[1], "ud2"))
		__asm__ volatile("ud2");
	// cppcheck-suppress nullPointer ; the fault this program is for
	return *(volatile int *)0;
}
